"""Judge a student's nn.Module from the description a probe returned (grader side).

The probe (grader.probes.modules.describe) reports the leaf modules forward called,
in order, and the layer operators it executed; these helpers turn that into
messages that name the layer: "second Linear has 64 outputs, expected 5".
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Callable, Mapping, Sequence

import torch
from torch import nn

from grader.authoring.answers import NO_RETURN
from grader.authoring.failure import CheckFailed
from grader.authoring.mistakes import Mistake, because, looks_like
from grader.authoring.tensors import close_tensors
from grader.i18n import N_, tr
from grader.probes.modules import seeded_weights  # the worker draws the same ones

SOFTMAX_OUTPUT = Mistake("network.softmax_output", "softmax applied to the output (return logits)")
LOG_SOFTMAX_OUTPUT = Mistake("network.log_softmax_output", "log_softmax applied to the output (return logits)")
SIGMOID_OUTPUT = Mistake("network.sigmoid_output", "sigmoid applied to the output (return logits)")
RANDOM_IN_EVAL = Mistake("network.random_in_eval", "randomness left on in eval mode (outputs differ call to call)")
SQUASHED_OUTPUT = {"softmax": SOFTMAX_OUTPUT, "log_softmax": LOG_SOFTMAX_OUTPUT, "sigmoid": SIGMOID_OUTPUT}
RELU_MISSING = Mistake("network.relu_missing", "no ReLU between two layers")
RELU_ON_INPUT = Mistake("network.relu_on_input", "ReLU applied to the input instead of between the layers")
WRONG_ACTIVATION = Mistake("network.wrong_activation", "another activation where the exercise asks for ReLU")
BIAS_MISSING = Mistake("network.bias_missing", "a layer built without bias (bias=False)")
FORM_DIFFERS = Mistake("network.form_differs", "the right function in another form than the exercise asks for")
UNCONFIRMED = Mistake("network.description_unconfirmed",
                      "the network's description is not borne out by what it computes")
ACTIVATIONS = ("sigmoid", "tanh")

ORDINALS = (N_("first"), N_("second"), N_("third"), N_("fourth"), N_("fifth"), N_("sixth"), N_("seventh"),
            N_("eighth"), N_("ninth"), N_("tenth"))
OUTPUT_SQUASHERS = {"softmax": "softmax", "log_softmax": "log_softmax", "sigmoid": "sigmoid"}


def ordinal(index: int) -> str:
    return tr(ORDINALS[index]) if index < len(ORDINALS) else f"#{index + 1}"


def expect_module(description: dict[str, Any], what: str, expected: str = N_("an nn.Module")) -> None:
    """`expected` says what was expected; it is translated when a catalog has it."""
    expected = tr(expected)
    if not description.get("is_module"):
        kind = description.get("type", "?")
        if kind == "NoneType":
            raise CheckFailed(tr("{what} returned {type}, expected {expected}; did you forget `return`?",
                                 what=what, type=kind, expected=expected), (NO_RETURN,))
        raise CheckFailed(tr("{what} returned {type}, expected {expected}", what=what, type=kind, expected=expected))


def layers_of(description: dict[str, Any], layer_type: str) -> list[dict[str, Any]]:
    """Layers of one type in the order forward called them (registered order if never called)."""
    called = [layer for layer in description["called"] if layer["type"] == layer_type]
    return called or [layer for layer in description["registered"] if layer["type"] == layer_type]


def expect_layer_sizes(
    description: dict[str, Any], layer_type: str, sizes: Sequence[tuple[int, int]], what: str
) -> None:
    """The layers of `layer_type` (Linear, Conv2d) have these (in, out) sizes, in order.

    Linear layers are recognised by what forward computes when there are no nn.Linear
    modules (F.linear or x @ W.T with the module's own parameters is a linear layer too)."""
    if layer_type == "Linear":
        has_in = N_("{layer} has {n} inputs, expected {expected}")
        has_out = N_("{layer} has {n} outputs, expected {expected}")
    else:
        has_in = N_("{layer} has {n} input channels, expected {expected}")
        has_out = N_("{layer} has {n} output channels, expected {expected}")
    layers = layers_of(description, layer_type)
    if not layers and layer_type == "Linear" and description.get("linear_sizes"):
        layers = [{"name": tr("a linear operation"), "in": i, "out": o} for i, o in description["linear_sizes"]]
    if len(layers) != len(sizes):
        raise CheckFailed(tr("{what} has {n} {layer_type} layers, expected {expected}",
                             what=what, n=len(layers), layer_type=layer_type, expected=len(sizes)))
    for index, (layer, (size_in, size_out)) in enumerate(zip(layers, sizes)):
        name = tr("{what}: {ordinal} {layer_type} (`{name}`)",
                  what=what, ordinal=ordinal(index), layer_type=layer_type, name=layer["name"])
        if layer["in"] != size_in:
            raise CheckFailed(tr(has_in, layer=name, n=layer["in"], expected=size_in))
        if layer["out"] != size_out:
            raise CheckFailed(tr(has_out, layer=name, n=layer["out"], expected=size_out))


# Whole messages per kind of layer (the probe's tags "linear" and "conv"): a kind's
# name does not translate on its own (全连接层, 卷积层).
_RELU_MESSAGES = {
    "linear": {
        "wrong_activation": N_("{what} applies {activation} after the {ordinal} linear layer where the exercise "
                               "asks for ReLU"),
        "on_input": N_("{what} applies ReLU to its input, before the first linear layer, and none after the "
                       "{ordinal} one: the ReLU belongs between the layers"),
        "missing": N_("{what}: no ReLU after the {ordinal} linear layer; without a non-linearity between them, "
                      "stacked layers collapse into one linear map"),
    },
    "conv": {
        "wrong_activation": N_("{what} applies {activation} after the {ordinal} conv layer where the exercise "
                               "asks for ReLU"),
        "on_input": N_("{what} applies ReLU to its input, before the first conv layer, and none after the "
                       "{ordinal} one: the ReLU belongs between the layers"),
        "missing": N_("{what}: no ReLU after the {ordinal} conv layer; without a non-linearity between them, "
                      "stacked layers collapse into one linear map"),
    },
}


def expect_relu_between(description: dict[str, Any], what: str, layer_kind: str = "linear") -> None:
    """A ReLU after every `layer_kind` layer ("linear" or "conv") but the last (recognised
    by what it computes, however it is written); another activation there, or a ReLU on
    the input, is named."""
    messages = _RELU_MESSAGES[layer_kind]
    ops = description["ops"]
    positions = [i for i, op in enumerate(ops) if op == layer_kind]
    for index, (start, stop) in enumerate(zip(positions, positions[1:])):
        between = ops[start:stop]
        if "relu" in between:
            continue
        other = next((op for op in between if op in ACTIVATIONS), None)
        if other:
            raise CheckFailed(
                tr(messages["wrong_activation"], what=what, activation=other, ordinal=ordinal(index)),
                (WRONG_ACTIVATION,))
        if positions and "relu" in ops[: positions[0]]:
            raise CheckFailed(tr(messages["on_input"], what=what, ordinal=ordinal(index)), (RELU_ON_INPUT,))
        raise CheckFailed(tr(messages["missing"], what=what, ordinal=ordinal(index)), (RELU_MISSING,))


def expect_logits(description: dict[str, Any], what: str) -> None:
    """Nothing squashes the output: CrossEntropyLoss wants raw scores."""
    ops = description["ops"]
    last = max((i for i, op in enumerate(ops) if op in ("linear", "conv")), default=-1)
    for op in ops[last + 1 :]:
        if op in OUTPUT_SQUASHERS:
            raise CheckFailed(
                tr("{what} applies {op} to its output; return the logits (raw scores): "
                   "nn.CrossEntropyLoss applies log-softmax itself", what=what, op=op), (SQUASHED_OUTPUT[op],)
            )


def expect_param_count(
    got: Any, expected: int, what: str, mistakes: Mapping[Mistake, int] | None = None,
    bias_terms: Sequence[int] = (),
) -> None:
    """The parameter count; a wrong one is explained by a named mistake that reproduces
    it, or when it differs by exactly the bias terms of some layers (`bias_terms`, one
    entry per layer, in order)."""
    if got == expected:
        return
    matches = [m for m, value in (mistakes or {}).items() if got == value]
    told = tr("{what} has {got} parameters, expected {expected}", what=what, got=got, expected=expected)
    if matches:
        phrase, named = looks_like(matches)
        raise CheckFailed(because(told, phrase), named)
    for count in range(1, len(bias_terms) + 1):
        for layers in combinations(range(len(bias_terms)), count):
            if expected - got == sum(bias_terms[i] for i in layers):
                which = tr("every layer") if count == len(bias_terms) > 1 else tr(" and ").join(
                    tr("the {ordinal} layer", ordinal=ordinal(i)) for i in layers)
                raise CheckFailed(
                    tr("{what} has {got} parameters, expected {expected}: {fewer} fewer, exactly the bias "
                       "terms of {which}; was it built with bias=False?",
                       what=what, got=got, expected=expected, fewer=expected - got, which=which), (BIAS_MISSING,))
    raise CheckFailed(told)


def expect_structure(
    what: str,
    *,
    asked: Sequence[Callable[[], None]] = (),
    computed: Sequence[Callable[[], None]] = (),
    same_function: Callable[[], bool],
    as_described: Callable[[], bool] | None = None,
) -> None:
    """Behaviour over spelling. `computed` expectations exist only to catch a network
    that computes something else: when the student's network computes the reference's
    function anyway (`same_function`: same weights, same outputs), their complaint is
    dropped. `asked` ones are forms the exercise explicitly asks for: they still cost
    the points, and the message says the function is right and the form is what differs.

    The description the expectations read was made by a probe in the student's worker,
    after their module was imported: theirs to change. So a description that meets every
    expectation is believed only when `as_described` confirms it from what the network
    computes (computes_as_described); a check without one (no architecture to compare
    with) believes it, and docs/security.md ("Still believed from inside") says which
    those are."""
    verdict: list[bool] = []

    def same() -> bool:  # the probe runs at most once, and only when something is amiss
        if not verdict:
            verdict.append(bool(same_function()))
        return verdict[0]

    for expectation in (*asked, *computed):
        try:
            expectation()
        except CheckFailed as complaint:
            if not same():
                raise
            if expectation in computed:
                continue
            raise CheckFailed(
                tr("{what} computes the same function as the reference (same weights, same outputs); "
                   "only its form differs from what the exercise asks for: {complaint}",
                   what=what, complaint=complaint.message), (FORM_DIFFERS,)
            ) from None
    if as_described is not None and not as_described():
        raise CheckFailed(unconfirmed(what), (UNCONFIRMED,))


def unconfirmed(what: str) -> str:
    return tr("{what} looks right as described, but with the grader's weights loaded it does not compute what a "
              "network of that description computes", what=what)


Architecture = Callable[[list[torch.Tensor], torch.Tensor], torch.Tensor]
KnownMistakes = Callable[[list[torch.Tensor], torch.Tensor, torch.Tensor], Mapping[Mistake, torch.Tensor]]


def layer_pairs(tensors: list[torch.Tensor]) -> list[torch.Tensor] | None:
    """A network's parameters as (weight, bias) pairs in order, a bias it was built without
    (bias=False) filled in as zeros; None when they are not such pairs."""
    pairs: list[torch.Tensor] = []
    index = 0
    while index < len(tensors):
        weight = tensors[index]
        if weight.dim() < 2:
            return None
        following = tensors[index + 1] if index + 1 < len(tensors) else None
        if following is not None and following.dim() == 1 and following.shape[0] == weight.shape[0]:
            pairs += [weight, following]
            index += 2
        else:
            pairs += [weight, torch.zeros(weight.shape[0], dtype=weight.dtype)]
            index += 1
    return pairs


CONFIRMING_SEED = 2024  # the weights a description is checked with (probes.modules.seeded_weights)


def computes_as_described(description: dict[str, Any], result: Any, architecture: Architecture,
                          inputs: list[torch.Tensor], mistakes: KnownMistakes | None = None,
                          seed: int = CONFIRMING_SEED) -> bool:
    """Whether a probe's description holds together with what the network computes: its
    outputs with every parameter drawn from `seed` (a probe's outputs_with_seeded_weights
    result) are what `architecture` (the described network, written in the check as torch
    functions) computes with the same draws for the parameter shapes the description
    claims, or, with `mistakes`, a catalogued mistake of it. Computed in the grading
    process: a description forged in the worker would need outputs that only a network
    of that description gives."""
    if not (isinstance(result, dict) and isinstance(result.get("outputs"), list)
            and len(result["outputs"]) == len(inputs)):
        return False
    shapes = description.get("param_shapes")
    if not isinstance(shapes, list) or not shapes:
        return False
    weights = seeded_weights(shapes, seed)
    if description.get("params") != sum(w.numel() for w in weights):
        return False
    pairs = layer_pairs(weights)
    if pairs is None:
        return False
    for x, got in zip(inputs, result["outputs"]):
        try:
            with torch.no_grad():
                expected = architecture(pairs, x)
                known = [expected, *(mistakes(pairs, x.reshape(x.shape[0], -1), expected).values() if mistakes else ())]
        except (RuntimeError, ValueError, IndexError, TypeError):  # the shapes do not fit the architecture
            return False
        if not isinstance(got, torch.Tensor) or not any(close_tensors(got, value) for value in known):
            return False
    return True


def weights_of(model: nn.Module) -> list[torch.Tensor]:
    """The reference's parameters in order: what the probe loads into the student's model."""
    return [p.detach().clone() for p in model.parameters()]


def expect_repeatable(result: dict[str, Any], what: str) -> None:
    """A probe's `repeatable` (the same input twice in eval mode gave one output) as a check."""
    if result.get("repeatable") is False:
        raise CheckFailed(tr("{what} gave two different outputs for the same input in eval mode: randomness is "
                             "left on (F.dropout without training=self.training, or random numbers drawn in "
                             "forward)", what=what), (RANDOM_IN_EVAL,))


def expect_loadable(result: dict[str, Any], weights: list[torch.Tensor], what: str) -> list[Any]:
    """The probe's outputs, or a message when the student's parameters do not line up
    with ours, or when the same input gave two outputs in eval mode."""
    expect_module(result, what)
    expect_repeatable(result, what)
    if "outputs" not in result:
        got = result["param_shapes"]
        expected = [list(w.shape) for w in weights]
        diff = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))
        raise CheckFailed(
            tr("cannot load the reference's weights into {what}: its parameters (in order) are "
               "{n} tensors {shapes}, expected {expected_n} {expected}; the first "
               "difference is at parameter {position}", what=what, n=len(got), shapes=got[:8],
               expected_n=len(expected), expected=expected[:8], position=diff + 1)
        )
    return list(result["outputs"])
