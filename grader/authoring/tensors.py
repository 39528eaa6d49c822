"""Compare a student's tensor with the expected one and say what differs.

The ladder (after PrairieLearn's grader): is it a tensor? known mistake? shape? dtype?
NaN/inf? values? Each rung fails with a message that names the student's expression.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import torch

from grader.authoring.answers import INTEGER_RESULT, non_tensor_mistake
from grader.authoring.counterfactuals import ReferenceCall, counterfactual
from grader.authoring.diagnosis import one_thread
from grader.authoring.evidence import (OFF_BY_ONE, TensorEvidence, Tolerance, indices, permuted, tensor_evidence,
                                       transposed)
from grader.authoring.failure import CheckFailed
from grader.authoring.mistakes import Found, Mistake, because, match, reproduced
from grader.i18n import tr
from grader.sandbox.codec import OpaqueValue


def _fmt_shape(shape: torch.Size | tuple[int, ...]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"


def describe_non_tensor(got: Any, what: str) -> str | None:
    """A message when `got` is not a tensor, or None when it is one."""
    if isinstance(got, torch.Tensor):
        return None
    if got is None:
        return tr("{what} returned None; did you forget `return`?", what=what)
    if isinstance(got, OpaqueValue) and got.type_name == "numpy.ndarray":
        return tr("{what} returned a numpy.ndarray; return a torch.Tensor "
                  "(build it with torch operations, or wrap it with torch.from_numpy)", what=what)
    if isinstance(got, OpaqueValue) and got.tensor_subclass:
        return tr("{what} returned an instance of {type}, a subclass of torch.Tensor; return a plain torch.Tensor",
                  what=what, type=got.type_name)
    if isinstance(got, list):
        return tr("{what} returned a list; return a torch.Tensor (torch.stack or torch.tensor can build one)",
                  what=what)
    name = got.type_name if isinstance(got, OpaqueValue) else type(got).__name__
    return tr("{what} returned {type}, expected a torch.Tensor", what=what, type=name)


def close_tensors(got: torch.Tensor, expected: torch.Tensor, rtol: float = 1e-4, atol: float = 1e-5) -> bool:
    """Same shape and values within the tolerance (expect_tensor's by default)."""
    if got.shape != expected.shape:
        return False
    if not (got.is_floating_point() or expected.is_floating_point()):
        return bool(torch.equal(got.to(torch.int64), expected.to(torch.int64)))
    return bool(torch.allclose(got.double(), expected.double(), rtol=rtol, atol=atol, equal_nan=False))


def _excerpt(got: torch.Tensor, expected: torch.Tensor, index: tuple[int, ...], radius: int = 1) -> str:
    """A small window of expected vs got around the worst element, in the last two dims,
    within the tensor's bounds (at an edge it moves inwards: its label never names an
    index beyond them)."""
    if expected.dim() < 2:
        lo = max(0, index[0] - 2) if index else 0
        exp = expected.reshape(-1)[lo : lo + 5].tolist() if expected.dim() else [expected.item()]
        gt = got.reshape(-1)[lo : lo + 5].tolist() if got.dim() else [got.item()]
        return tr("expected {expected}\n     got {got}", expected=_round(exp), got=_round(gt))
    lead = index[:-2]
    r, c = index[-2], index[-1]
    rs, cs = _window(r, expected.shape[-2], radius), _window(c, expected.shape[-1], radius)
    exp = expected[lead][rs, cs].tolist()
    gt = got[lead][rs, cs].tolist()
    where = f"[{', '.join(str(i) for i in lead)}{', ' if lead else ''}{rs.start}:{rs.stop}, {cs.start}:{cs.stop}]"
    return tr("around {where}:\n  expected {expected}\n       got {got}", where=where, expected=_round(exp),
              got=_round(gt))


def _window(i: int, size: int, radius: int) -> slice:
    """2*radius+1 indices around i, moved inwards at an edge, never beyond 0..size."""
    width = 2 * radius + 1
    start = max(0, min(i - radius, size - width))
    return slice(start, min(size, start + width))


def _round(values: Any) -> Any:
    if isinstance(values, list):
        return [_round(v) for v in values]
    if isinstance(values, float):
        return round(values, 4)
    return values


Candidates = Mapping[Mistake, torch.Tensor]


def match_mistake(got: torch.Tensor, mistakes: Candidates, rtol: float, atol: float) -> list[Mistake]:
    """Every named mistake whose value, computed here, reproduces the student's tensor."""
    return match(got, mistakes, lambda g, value: close_tensors(g, value, rtol, atol))


def expect_tensor(
    got: Any,
    expected: torch.Tensor,
    what: str,
    *,
    rtol: float = 1e-4,
    atol: float = 1e-5,
    mistakes: Candidates | Callable[[], Candidates] | None = None,
    evidence: Sequence[TensorEvidence] = (),
    check_dtype: bool = True,
    reference: ReferenceCall | None = None,
) -> None:
    """Raise CheckFailed, with a student-facing message, unless `got` matches `expected`.

    `mistakes` maps a Mistake to what that mistake would return (pass a function building
    it, and it is only computed when the answer is wrong): one is named only when its value
    reproduces the student's. Then `reference`, the call that gave `expected`, is re-run
    with its arguments perturbed (grader.authoring.counterfactuals) for one that gives the
    student's answer. Otherwise generic evidence (grader.authoring.evidence, plus the
    check's own `evidence`) describes what the numbers show, naming no cause.
    """
    problem = describe_non_tensor(got, what)
    if problem:
        raise CheckFailed(problem, _non_tensor_mistakes(got))
    assert isinstance(got, torch.Tensor)
    tol = Tolerance(rtol, atol)
    if got.shape == expected.shape and close_tensors(got, expected, rtol, atol):
        if check_dtype and got.dtype != expected.dtype:
            raise CheckFailed(_dtype_message(got, expected, what), _dtype_mistakes(got, expected))
        return
    with one_thread():
        _explain_wrong(got, expected, what, tol, mistakes, evidence, check_dtype, reference)


def _explain_wrong(got: torch.Tensor, expected: torch.Tensor, what: str, tol: Tolerance,
                   mistakes: Candidates | Callable[[], Candidates] | None, evidence: Sequence[TensorEvidence],
                   check_dtype: bool, reference: ReferenceCall | None) -> None:
    """expect_tensor's rungs for an answer that is not close: raise what they find."""
    rtol, atol = tol.rtol, tol.atol
    if callable(mistakes):
        mistakes = mistakes()
    matches = match_mistake(got, mistakes or {}, rtol, atol)
    if matches:
        raise reproduced("", matches, what=what)
    if reference is not None:
        _raise_counterfactual(got, expected, what, reference, tol)
    if got.shape != expected.shape:
        message = tr("{what} has shape {shape}, expected {expected}",
                     what=what, shape=_fmt_shape(got.shape), expected=_fmt_shape(expected.shape))
        found = next((f for f in (transposed(got, expected, tol), permuted(got, expected, tol)) if f), None)
        if found is not None:
            raise CheckFailed(because(message, found.sentence), (found.mistake,))
        if got.dim() == expected.dim() and got.dim() >= 2:
            diffs = [g - e for g, e in zip(got.shape[-2:], expected.shape[-2:])]
            if got.shape[:-2] == expected.shape[:-2] and all(abs(d) == 1 for d in diffs if d) and any(diffs):
                message = tr("{told}; the output size is off by one: "
                             "out = floor((in + 2*padding - kernel) / stride) + 1", told=message)
                raise CheckFailed(message, (OFF_BY_ONE,))
        raise CheckFailed(message)
    if check_dtype and got.dtype != expected.dtype and not (got.is_floating_point() and expected.is_floating_point()):
        raise CheckFailed(_dtype_message(got, expected, what), _dtype_mistakes(got, expected))
    if got.is_floating_point():
        bad = ~torch.isfinite(got)
        if bool(bad.any()) and not bool((~torch.isfinite(expected))[bad].all()):
            first = tuple(int(i) for i in bad.nonzero()[0])
            kind = "NaN" if bool(torch.isnan(got).any()) else "inf"
            raise CheckFailed(tr("{what} contains {kind} (first at index {index}); expected finite values",
                                 what=what, kind=kind, index=first))
    diff = (got.double() - expected.double()).abs()
    flat = int(diff.reshape(-1).argmax())
    index = _unravel(flat, tuple(diff.shape))
    wrong = int((diff > atol + rtol * expected.double().abs()).sum())
    found = tensor_evidence(got, expected, tol, evidence)
    largest = f"{float(diff.reshape(-1)[flat]):.4g}"
    shape = _fmt_shape(expected.shape)
    if found:
        message = tr("{what} has the right shape {shape} but wrong values: {wrong} of {total} elements differ; "
                     "{evidence}; the largest error is {error} at index {index}", what=what, shape=shape,
                     wrong=wrong, total=expected.numel(), evidence=found.sentence, error=largest, index=index)
    else:
        message = tr("{what} has the right shape {shape} but wrong values: {wrong} of {total} elements differ; "
                     "the largest error is {error} at index {index}", what=what, shape=shape,
                     wrong=wrong, total=expected.numel(), error=largest, index=index)
    raise CheckFailed(
        message + "\n" + _excerpt(got.double(), expected.double(), index),
        (found.mistake,) if found else (),
    )


def _raise_counterfactual(got: torch.Tensor, expected: torch.Tensor, what: str, reference: ReferenceCall,
                          tol: Tolerance) -> None:
    """CheckFailed naming the perturbed reference call that gives the student's answer, if one does."""
    def same(g: torch.Tensor, value: Any) -> bool:
        return isinstance(value, torch.Tensor) and close_tensors(g, value, tol.rtol, tol.atol)

    def exact(g: torch.Tensor, value: Any) -> bool:  # float32 rounding apart
        return isinstance(value, torch.Tensor) and close_tensors(g, value, 1e-5, 1e-6)

    found = counterfactual(got, expected, reference, same, exact)
    if found is None:
        return
    if got.shape != expected.shape:
        told = tr("{what} has shape {shape}, expected {expected}",
                  what=what, shape=_fmt_shape(got.shape), expected=_fmt_shape(expected.shape))
    else:
        told = tr("{what} has the right shape {shape} but wrong values", what=what, shape=_fmt_shape(expected.shape))
    raise CheckFailed(because(told, found.sentence), (found.mistake,))


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index of element `flat` of a tensor of `shape` (torch.unravel_index imports
    sympy on first use: half a second for the first failing check)."""
    index = []
    for size in reversed(shape):
        flat, position = divmod(flat, size)
        index.append(position)
    return tuple(reversed(index))


def _positions(got: torch.Tensor, expected: torch.Tensor) -> Found | None:
    """Integer positions (argmax, torch.max's second result) where float values were asked."""
    if expected.is_floating_point() and not got.is_floating_point():
        return indices(got, expected, Tolerance())
    return None


def _dtype_message(got: torch.Tensor, expected: torch.Tensor, what: str) -> str:
    message = tr("{what} has dtype {dtype}, expected {expected}", what=what, dtype=got.dtype, expected=expected.dtype)
    positions = _positions(got, expected)
    if positions is not None:
        return tr("{told}: {detail}", told=message, detail=positions.sentence)
    if expected.is_floating_point() and not got.is_floating_point():
        return tr("{told}; the result was computed in integers: keep the input's floating-point dtype",
                  told=message)
    if got.is_floating_point() and not expected.is_floating_point():
        return tr("{told}; the result should be integers here", told=message)
    return message


def _dtype_mistakes(got: torch.Tensor, expected: torch.Tensor) -> tuple[Mistake, ...]:
    positions = _positions(got, expected)
    if positions is not None:
        return (positions.mistake,)
    return (INTEGER_RESULT,) if expected.is_floating_point() and not got.is_floating_point() else ()


def _non_tensor_mistakes(got: Any) -> tuple[Mistake, ...]:
    found = non_tensor_mistake(got)
    return (found,) if found else ()
