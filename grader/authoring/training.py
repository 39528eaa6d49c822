"""Judge what a student's training code returned: Python floats, losses, final weights.

Training checks are exact: from identical weights and data, the student's returned
losses and final parameters must equal the reference's. When they do not, the
candidates (what each classic mistake would have produced, computed here by
simulation) name the mistake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import torch

from grader.authoring.answers import LOSS_TENSOR_KEPT, NO_RETURN, TENSOR_FOR_NUMBER
from grader.authoring.evidence import number_evidence
from grader.authoring.failure import CheckFailed
from grader.authoring.mistakes import LazyCandidates, Mistake, because, either, looks_like, match
from grader.i18n import N_, tr
from grader.sandbox.codec import OpaqueValue

RTOL, ATOL = 1e-5, 1e-6


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, OpaqueValue) else type(value).__name__


def expect_python_float(got: Any, what: str) -> float:
    """A plain float (an int is accepted for accuracies like 1); tensors are called out."""
    if isinstance(got, torch.Tensor):
        if got.requires_grad:
            raise CheckFailed(
                tr("{what} returned a tensor that is still part of the autograd graph; summing `loss` "
                   "tensors keeps every batch's graph alive (memory grows with each batch): accumulate "
                   "loss.item(), a Python float, instead", what=what), (LOSS_TENSOR_KEPT,)
            )
        raise CheckFailed(tr("{what} returned a tensor; return a Python float (use .item())", what=what),
                          (TENSOR_FOR_NUMBER,))
    if got is None:
        raise CheckFailed(tr("{what} returned None; did you forget `return`?", what=what), (NO_RETURN,))
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise CheckFailed(tr("{what} returned {type}, expected a float", what=what, type=_type_name(got)))
    if not math.isfinite(got):
        raise CheckFailed(tr("{what} returned {got}; expected a finite number", what=what, got=got))
    return float(got)


def expect_float_list(got: Any, length: int, what: str) -> list[float]:
    if not isinstance(got, list):
        raise CheckFailed(tr("{what} returned {type}, expected a list of {n} floats",
                             what=what, type=_type_name(got), n=length))
    if len(got) != length:
        raise CheckFailed(tr("{what} returned {got} losses, expected {n} (one per epoch)",
                             what=what, got=len(got), n=length))
    tensors = [v for v in got if isinstance(v, torch.Tensor)]
    if tensors:
        kept = any(t.requires_grad for t in tensors)
        if kept:
            raise CheckFailed(tr("{what} returned the losses as tensors and keeps each epoch's autograd graph alive; "
                                 "append loss.item(), a Python float", what=what), (LOSS_TENSOR_KEPT,))
        raise CheckFailed(tr("{what} returned the losses as tensors; append loss.item(), a Python float", what=what),
                          (TENSOR_FOR_NUMBER,))
    return [expect_python_float(v, f"{what}[{i}]") for i, v in enumerate(got)]


def close(a: float | Sequence[float] | Sequence[torch.Tensor], b: Any) -> bool:
    """Same values within the training checks' tight tolerance."""
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
    if len(a) != len(b):
        return False
    return all(
        bool(torch.allclose(torch.as_tensor(x).double(), torch.as_tensor(y).double(), rtol=RTOL, atol=ATOL))
        if torch.as_tensor(x).shape == torch.as_tensor(y).shape else False
        for x, y in zip(a, b)
    )


def name_mistakes(got: Any, candidates: LazyCandidates[Any]) -> list[Mistake]:
    """Every candidate whose simulated value (a float, a list of losses, parameters)
    reproduces the student's, within the training checks' tolerance."""
    return match(got, candidates, lambda g, value: close(value, g) if isinstance(value, (int, float)) else close(g, value))


def explain(got: Any, candidates: LazyCandidates[Any]) -> tuple[str, tuple[Mistake, ...]] | None:
    """("looks like ...", the mistakes to record) when some candidate reproduces `got`."""
    matches = name_mistakes(got, candidates)
    return looks_like(matches) if matches else None


def expect_close_float(got: float, expected: float, what: str, candidates: LazyCandidates[float],
                       message: str = N_("{what} returned {got}, expected {expected}")) -> None:
    """A float within the training tolerance; else the reproducing mistake, else what the numbers show.

    `message` (marked with N_, translated here) says what was returned and expected, with
    the placeholders {what}, {got} and {expected}: a check that says what the number is
    words the whole sentence ("... expected the mean batch loss {expected}")."""
    if close(got, expected):
        return
    told = tr(message, what=what, got=f"{got:.5g}", expected=f"{expected:.5g}")
    explained = explain(got, candidates)
    if explained:
        raise CheckFailed(because(told, explained[0]), explained[1])
    found = number_evidence(got, expected)
    if found is not None:
        raise CheckFailed(because(told, found.sentence), (found.mistake,))
    raise CheckFailed(told)


FIRST_LOSS_RIGHT = Mistake("evidence.updates_differ", "the first loss is right but the updates differ")
FIRST_LOSS_WRONG = Mistake("evidence.loss_differs", "the loss differs before any update")


def loss_evidence(losses: Any, expected: Sequence[float]) -> tuple[str, Mistake] | None:
    """What returned losses show when no named mistake explains a run: the first loss is
    computed before any update, so it separates the forward pass and loss from the updates."""
    if not isinstance(losses, list) or not losses or not all(isinstance(v, (int, float)) for v in losses):
        return None
    first, want = float(losses[0]), float(expected[0])
    if close(first, want):
        return (tr("the first loss, computed before any update, is right (so are the forward pass and the loss); "
                   "the updates differ"), FIRST_LOSS_RIGHT)
    found = number_evidence(first, want)
    if found:
        return (tr("already the first loss, computed before any update, differs ({got}, expected {expected}, "
                   "{evidence}): the forward pass or the loss is computed differently",
                   got=f"{first:.5g}", expected=f"{want:.5g}", evidence=found.sentence), FIRST_LOSS_WRONG)
    return (tr("already the first loss, computed before any update, differs ({got}, expected {expected}): "
               "the forward pass or the loss is computed differently", got=f"{first:.5g}", expected=f"{want:.5g}"),
            FIRST_LOSS_WRONG)


NETWORK_UNUSED = Mistake("evidence.network_unused", "the network it was given never ran")
REINITIALISED = Mistake("evidence.reinitialised", "training started from other weights than it was given")
NEVER_UPDATED = Mistake("evidence.never_updated", "the parameters never changed")
LOSS_FLAT = Mistake("evidence.loss_flat", "the loss never moved")
LOSS_RISES = Mistake("evidence.loss_rises", "the loss rose")


@dataclass(frozen=True)
class TrainingRun:
    """What a probe saw of a student's training run, beside its result: the weights it
    was given, the parameters when the network's forward first ran (None: it never ran),
    and the optimizer steps taken (how many, how many with all gradients zero, the
    learning rates). Built with `from_probe` from grader.probes.training's recorders."""

    given: tuple[torch.Tensor, ...]
    at_start: tuple[torch.Tensor, ...] | None
    steps: int | None = None
    steps_without_gradient: int | None = None
    learning_rates: tuple[float, ...] = ()

    @classmethod
    def from_probe(cls, given: Sequence[torch.Tensor], record: dict[str, Any]) -> "TrainingRun":
        at_start = record.get("at_start")
        return cls(tuple(given), tuple(at_start) if isinstance(at_start, (list, tuple)) else None,
                   record.get("steps"), record.get("steps_without_gradient"),
                   tuple(float(v) for v in record.get("learning_rates") or ()))

    def started_elsewhere(self, what: str) -> tuple[str, Mistake] | None:
        """The network given was not the one trained: never run, or changed before any step."""
        if self.at_start is None:
            return (tr("{what} never ran the network it was given: was a new one built inside?", what=what),
                    NETWORK_UNUSED)
        if not close(list(self.at_start), list(self.given)):
            return (tr("the network's parameters had already changed when its first forward pass ran, before "
                       "any step: {what} re-initialised the weights it was given (train the network it "
                       "receives, as it is)", what=what), REINITIALISED)
        return None

    def unchanged_because(self) -> tuple[str, Mistake] | None:
        """Why the parameters never changed, from the steps seen; None when every step
        saw zero gradients (what a catalogued step-order mistake reproduces) or steps
        were not observed."""
        if self.steps is None:
            return None
        if self.steps == 0:
            return (tr("the parameters never changed: optimizer.step() was never called"), NEVER_UPDATED)
        if self.steps_without_gradient == self.steps:
            return None
        if self.learning_rates and all(rate == 0 for rate in self.learning_rates):
            return (tr("the parameters never changed: the optimizer's learning rate was 0"), NEVER_UPDATED)
        return (tr("the parameters never changed, although {n} optimizer steps ran with gradients: the "
                   "optimizer updates other parameters than the network's", n=self.steps), NEVER_UPDATED)


def loss_signature(losses: Any) -> tuple[str, Mistake] | None:
    """What returned losses show by themselves: they never move, or rise every epoch."""
    if not (isinstance(losses, list) and len(losses) > 2 and all(isinstance(v, (int, float)) for v in losses)):
        return None
    values = [float(v) for v in losses]
    if max(values) - min(values) <= 1e-6 * max(1.0, abs(values[0])):
        return (tr("the loss never moved ({loss} at every epoch): the updates do not reach the loss "
                   "(an initialisation that cannot learn, such as all weights equal or zero, or a detached "
                   "output)", loss=f"{values[0]:.5g}"), LOSS_FLAT)
    if all(b > a for a, b in zip(values, values[1:])):
        return (tr("the loss rose at every epoch ({first} -> {last}): the steps go uphill (a negative "
                   "learning rate, or the gradient added instead of subtracted)",
                   first=f"{values[0]:.5g}", last=f"{values[-1]:.5g}"), LOSS_RISES)
    return None


CONSTANT_PREDICTION = Mistake("evidence.constant_prediction", "every input predicted as the same class")
AT_CHANCE = Mistake("evidence.accuracy_at_chance", "accuracy no better than guessing")


def accuracy_signature(predictions: torch.Tensor, labels: torch.Tensor, losses: Any = None) -> tuple[str, Mistake] | None:
    """What a trained network's test predictions show by themselves, when its accuracy
    falls short: one class for every input, or no better than guessing; with the
    returned losses' own signature (never moved, rose) when they have one."""
    if predictions.shape != labels.shape or not labels.numel():
        return None
    classes = int(labels.max()) + 1
    accuracy = float((predictions.long() == labels).double().mean())
    common = float(torch.bincount(labels.long(), minlength=classes).max()) / labels.numel()
    from_losses = loss_signature(losses)
    also = tr("; {detail}", detail=from_losses[0]) if from_losses else ""
    predicted = torch.unique(predictions.long())
    if predicted.numel() == 1:
        return (tr("every test image was predicted as class {k}: the output does not depend on the input, so "
                   "the network learned nothing (weights that are all equal or zero, an activation that kills "
                   "every signal, or a training that never updates){also}", k=int(predicted[0]), also=also),
                CONSTANT_PREDICTION)
    if accuracy <= max(1 / classes, common) + 0.05:
        return (tr("test accuracy {accuracy}% is what guessing gives ({chance}% with {classes} classes): the "
                   "network learned nothing{also}", accuracy=f"{100 * accuracy:.2f}",
                   chance=f"{100 * max(1 / classes, common):.0f}", classes=classes, also=also), AT_CHANCE)
    return None


def expect_same_parameters(
    got: list[torch.Tensor], expected: list[torch.Tensor], what: str, mistakes: LazyCandidates[list[torch.Tensor]],
    losses: tuple[Any, Sequence[float]] | None = None,
    run: TrainingRun | None = None,
) -> None:
    """`losses` (returned, expected), when the run returns them, lets an unexplained
    difference say whether the loss or the updates differ. `run` (what the probe saw of
    the run) lets it say what the run's behaviour shows where no named mistake, or a
    named one that cannot be told from it, reproduces the parameters."""
    if close(got, expected):
        return
    if run is not None:
        # Seen, not inferred: these outrank any mistake whose simulation happens to match.
        for signature in (run.started_elsewhere(what),
                          run.unchanged_because() if close(got, list(run.given)) else None):
            if signature is not None:
                raise CheckFailed(signature[0], (signature[1],))
    matches = name_mistakes(got, mistakes)
    if len(matches) == 1:
        raise CheckFailed(tr("after {what} the parameters are what they would be if {mistake}",
                             what=what, mistake=matches[0].text), matches)
    if matches:
        raise CheckFailed(tr("after {what} the parameters are what they would be if any of these were so "
                             "(these inputs cannot tell them apart): {listed}",
                             what=what, listed=either(m.text for m in matches)))
    worst = max(float((g.double() - e.double()).abs().max()) for g, e in zip(got, expected))
    signature = loss_signature(losses[0]) if losses else None
    if signature is not None:
        raise CheckFailed(signature[0], (signature[1],))
    evidence = loss_evidence(*losses) if losses else None
    message = tr("after {what} the parameters differ from the reference's (largest difference {difference}), "
                 "although both started from the same weights and data", what=what, difference=f"{worst:.3g}")
    if evidence:
        raise CheckFailed(tr("{told}; {detail}", told=message, detail=evidence[0]), (evidence[1],))
    raise CheckFailed(message)
