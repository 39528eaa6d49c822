"""Checks for exercise 03: MLPs as nn.Sequential and as nn.Module classes.

The student's networks are built in the sandbox by a probe, which reports their
layers and what forward executed. For functional equivalence the reference's
weights are loaded into the student's model (matched by order and shape) and the
outputs compared with the reference's, computed here.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from grader.authoring import Arguments, CheckFailed, Mistake, check, expect_tensor
from grader.authoring.modules import (
    LOG_SOFTMAX_OUTPUT,
    RELU_ON_INPUT,
    SOFTMAX_OUTPUT,
    expect_layer_sizes,
    expect_loadable,
    expect_logits,
    expect_module,
    expect_param_count,
    expect_relu_between,
    RELU_MISSING,
    WRONG_ACTIVATION,
    CONFIRMING_SEED,
    computes_as_described,
    expect_structure,
    unconfirmed,
    UNCONFIRMED,
    weights_of,
)
from grader.i18n import tr

PROBES = Path(__file__).with_name("probes.py")
MLP_SIZES = [(10, 128), (128, 5)]
FCNET_SIZES = [(784, 512), (512, 256), (256, 128), (128, 64), (64, 10)]

NOT_SEQUENTIAL = Mistake("make_mlp.not_sequential", "make_mlp returns something other than an nn.Sequential")
RELU_LEFT_OUT = Mistake("network.relu_left_out", "the network has no ReLU at all", "the ReLU is missing")
RELU_ON_OUTPUT = Mistake("network.relu_on_output", "ReLU applied to the output as well",
                         "ReLU applied to the output as well")
# Same ids as the structural helpers' (one misconception, one id), told as the outputs show it.
SIGMOID_FOR_RELU = Mistake(WRONG_ACTIVATION.id, WRONG_ACTIVATION.title, "sigmoid used between the layers instead of ReLU")
MISSING_ATTRIBUTE = Mistake("mlp.attribute_missing", "MLP lacks the attribute hidden or out")
NOT_LINEAR = Mistake("mlp.attribute_not_linear", "MLP.hidden or MLP.out is not an nn.Linear")
# Written out (not built from an f-string) so that the message catalog finds each one.
ONE_RELU_MISSING = [
    Mistake(RELU_MISSING.id, RELU_MISSING.title, "the ReLU after the first layer is missing"),
    Mistake(RELU_MISSING.id, RELU_MISSING.title, "the ReLU after the second layer is missing"),
    Mistake(RELU_MISSING.id, RELU_MISSING.title, "the ReLU after the third layer is missing"),
    Mistake(RELU_MISSING.id, RELU_MISSING.title, "the ReLU after the fourth layer is missing"),
]
BIAS_TERMS = {"make_mlp": [128, 5], "MLP": [128, 5], "FCNet": [512, 256, 128, 64, 10]}


def _describe(student, factory: str, input_shape: list[int]) -> dict:
    what = f"{factory}()"
    description = student.probe(PROBES, "describe_model", factory, input_shape, what=what)
    expect_module(description, what)
    return description


def _stack(weights: list[torch.Tensor], x: torch.Tensor, activations: list) -> torch.Tensor:
    """The reference's linear layers (its weights, in order) with the given activation
    after each layer but the last (None: no activation there)."""
    for index in range(len(weights) // 2):
        x = F.linear(x, weights[2 * index], weights[2 * index + 1])
        if index < len(activations) and activations[index] is not None:
            x = activations[index](x)
    return x


def _output_mistakes(expected: torch.Tensor) -> dict[Mistake, torch.Tensor]:
    return {
        SOFTMAX_OUTPUT: expected.softmax(dim=1),
        LOG_SOFTMAX_OUTPUT: expected.log_softmax(dim=1),
        RELU_ON_OUTPUT: expected.relu(),
    }


def _mlp_mistakes(weights: list[torch.Tensor], x: torch.Tensor, expected: torch.Tensor) -> dict[Mistake, torch.Tensor]:
    return {
        **_output_mistakes(expected),
        RELU_LEFT_OUT: _stack(weights, x, []),
        RELU_ON_INPUT: _stack(weights, x.relu(), []),
        SIGMOID_FOR_RELU: _stack(weights, x, [torch.sigmoid]),
    }


def _fcnet_mistakes(weights: list[torch.Tensor], x: torch.Tensor, expected: torch.Tensor) -> dict[Mistake, torch.Tensor]:
    layers = len(weights) // 2
    mistakes = {
        **_output_mistakes(expected),
        SIGMOID_FOR_RELU: _stack(weights, x, [torch.sigmoid] * (layers - 1)),
        RELU_LEFT_OUT: _stack(weights, x, []),
    }
    for missing, mistake in enumerate(ONE_RELU_MISSING):
        mistakes[mistake] = _stack(weights, x, [None if i == missing else torch.relu for i in range(layers - 1)])
    return mistakes


def _reference_outputs(reference_model: torch.nn.Module, inputs: list[torch.Tensor]) -> tuple[list, list]:
    """The reference's weights and its outputs on `inputs`. Computed up front by every
    check that may need them, so a student kit's recorded reference answers them too."""
    reference_model.eval()
    with torch.no_grad():
        return weights_of(reference_model), [reference_model(x) for x in inputs]


def _expect_equivalent(student, factory: str, reference_model: torch.nn.Module, inputs: list[torch.Tensor], mistakes,
                       reference: tuple[list, list] | None = None) -> None:
    weights, expected_outputs = reference or _reference_outputs(reference_model, inputs)
    what = f"{factory}()"
    result = student.probe(PROBES, "run_with_weights", factory, weights, inputs, what=what)
    outputs = expect_loadable(result, weights, what)
    for x, got, expected in zip(inputs, outputs, expected_outputs):
        shape = "x".join(str(s) for s in x.shape)
        expect_tensor(got, expected, tr("{call}(x) for x of shape {shape} with the reference's weights",
                                        call=what, shape=shape),
                      mistakes=lambda: mistakes(weights, x.reshape(x.shape[0], -1), expected),
                      reference=_forward(weights, what).call(x))


def _forward(weights: list[torch.Tensor], what: str) -> Arguments:
    """The reference network's function (its linear layers with ReLU between), re-runnable
    on a rescaled or normalised input: what a network that rescales its input computes."""
    def forward(x: torch.Tensor) -> torch.Tensor:
        return _stack(weights, x.reshape(x.shape[0], -1), [torch.relu] * (len(weights) // 2 - 1))
    return Arguments(forward, what, inputs=("x",), off_by_one=())


def _same_function(student, factory: str, reference_model: torch.nn.Module, inputs: list[torch.Tensor]):
    """For expect_structure: does the student's network compute the reference's function?"""
    reference = _reference_outputs(reference_model, inputs)

    def same() -> bool:
        try:
            _expect_equivalent(student, factory, reference_model, inputs, lambda *_: {}, reference)
        except CheckFailed:
            return False
        return True
    return same


@check(points=2, title="make_mlp: Linear(10, 128), ReLU, Linear(128, 5) in an nn.Sequential")
def check_make_mlp_structure(student, reference):
    description = _describe(student, "make_mlp", [2, 10])

    def sequential() -> None:
        if description["type"] != "Sequential":
            raise CheckFailed(tr("make_mlp() returned a {type}, expected an nn.Sequential", type=description["type"]),
                              (NOT_SEQUENTIAL,))

    torch.manual_seed(3)
    expect_structure(
        "make_mlp()",
        asked=[sequential, lambda: expect_layer_sizes(description, "Linear", MLP_SIZES, "make_mlp()")],
        computed=[lambda: expect_relu_between(description, "make_mlp()"), lambda: expect_logits(description, "make_mlp()")],
        same_function=_same_function(student, "make_mlp", reference.make_mlp(), [torch.randn(4, 10)]),
        as_described=_as_described(student, "make_mlp", description, [torch.randn(4, 10)]),
    )


def _mlp(pairs: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The described network, from its (weight, bias) pairs: linear layers with ReLU between."""
    return _stack(pairs, x.reshape(x.shape[0], -1), [torch.relu] * (len(pairs) // 2 - 1))


def _as_described(student, factory: str, description: dict, inputs: list[torch.Tensor], mistakes=None):
    """For a description the checks believe: does the network, with weights drawn from the
    grader's seed, compute what a network of that description computes with them (or,
    given `mistakes`, a catalogued mistake of it)? Compared here, on the grader's inputs."""
    def confirmed() -> bool:
        result = student.probe(PROBES, "run_seeded", factory, CONFIRMING_SEED, inputs, what=f"{factory}()")
        return computes_as_described(description, result, _mlp, inputs, mistakes)
    return confirmed


def _expect_count_confirmed(student, factory: str, description: dict, inputs: list[torch.Tensor], mistakes) -> None:
    """A parameter count is believed when the network, its parameters drawn from the
    grader's seed in the described shapes, computes what the described network computes
    with them, or a catalogued mistake of it (sigmoid for ReLU has the right count)."""
    if not _as_described(student, factory, description, inputs, mistakes)():
        raise CheckFailed(unconfirmed(f"{factory}()"), (UNCONFIRMED,))


@check(points=1, title="make_mlp: 2053 parameters")
def check_make_mlp_parameter_count(student):
    description = _describe(student, "make_mlp", [2, 10])
    expect_param_count(description["params"], 2053, "make_mlp()", bias_terms=BIAS_TERMS["make_mlp"])
    _expect_count_confirmed(student, "make_mlp", description, [torch.randn(4, 10)], _mlp_mistakes)


@check(points=2, title="make_mlp: same outputs as the reference with the same weights")
def check_make_mlp_forward(student, reference):
    torch.manual_seed(3)
    _expect_equivalent(student, "make_mlp", reference.make_mlp(), [torch.randn(4, 10)], _mlp_mistakes)


@check(points=2, title="MLP: attributes hidden (10 -> 128) and out (128 -> 5)")
def check_mlp_class_structure(student, reference):
    description = _describe(student, "MLP", [2, 10])
    registered = {layer["name"]: layer for layer in description["registered"]}

    def attributes() -> None:  # the exercise asks for these two nn.Linear attributes by name
        for name, (size_in, size_out) in (("hidden", (10, 128)), ("out", (128, 5))):
            layer = registered.get(name)
            if layer is None:
                names = ", ".join(registered) or tr("none")
                raise CheckFailed(tr("MLP has no layer attribute `{name}` (its layers: {names}); "
                                     "assign self.{name} = nn.Linear(...) in __init__", name=name, names=names),
                                  (MISSING_ATTRIBUTE,))
            if layer["type"] != "Linear":
                raise CheckFailed(tr("MLP.{name} is a {type}, expected nn.Linear", name=name, type=layer["type"]),
                                  (NOT_LINEAR,))
            if (layer["in"], layer["out"]) != (size_in, size_out):
                raise CheckFailed(tr("MLP.{name} is Linear({got_in}, {got_out}), expected Linear({size_in}, {size_out})",
                                     name=name, got_in=layer["in"], got_out=layer["out"], size_in=size_in,
                                     size_out=size_out))

    torch.manual_seed(4)
    expect_structure(
        "MLP",
        asked=[attributes, lambda: expect_layer_sizes(description, "Linear", MLP_SIZES, "MLP")],
        computed=[
            lambda: expect_relu_between(description, "MLP.forward"),
            lambda: expect_logits(description, "MLP.forward"),
            lambda: expect_param_count(description["params"], 2053, "MLP", bias_terms=BIAS_TERMS["MLP"]),
        ],
        same_function=_same_function(student, "MLP", reference.MLP(), [torch.randn(5, 10)]),
        as_described=_as_described(student, "MLP", description, [torch.randn(5, 10)]),
    )


@check(points=2, title="MLP: same outputs as the reference with the same weights")
def check_mlp_class_forward(student, reference):
    torch.manual_seed(4)
    _expect_equivalent(student, "MLP", reference.MLP(), [torch.randn(5, 10)], _mlp_mistakes)


@check(points=2, title="FCNet: 784 -> 512 -> 256 -> 128 -> 64 -> 10 with ReLU between")
def check_fcnet_structure(student, reference):
    description = _describe(student, "FCNet", [2, 1, 28, 28])
    # The same draws, in the same order, as check_fcnet_forward: a kit's recording of
    # reference.FCNet() is then one and the same.
    torch.manual_seed(5)
    images = torch.randn(3, 1, 28, 28)
    model = reference.FCNet()
    # The exercise names sizes and ReLUs, not layer classes: all of it is judged by what
    # forward computes, and waived when the network computes the reference's function.
    expect_structure(
        "FCNet",
        computed=[
            lambda: expect_layer_sizes(description, "Linear", FCNET_SIZES, "FCNet"),
            lambda: expect_relu_between(description, "FCNet.forward"),
            lambda: expect_logits(description, "FCNet.forward"),
        ],
        same_function=_same_function(student, "FCNet", model, [images]),
        as_described=_as_described(student, "FCNet", description, [images]),
    )


@check(points=1, title="FCNet: 575050 parameters")
def check_fcnet_parameter_count(student):
    description = _describe(student, "FCNet", [2, 1, 28, 28])
    expect_param_count(description["params"], 575050, "FCNet", bias_terms=BIAS_TERMS["FCNet"])
    _expect_count_confirmed(student, "FCNet", description, [torch.randn(3, 1, 28, 28)], _fcnet_mistakes)


@check(points=2, title="FCNet: same outputs as the reference, for (N, 1, 28, 28) and (N, 784) inputs")
def check_fcnet_forward(student, reference):
    torch.manual_seed(5)
    images = torch.randn(3, 1, 28, 28)
    _expect_equivalent(student, "FCNet", reference.FCNet(), [images, images.reshape(3, 784)], _fcnet_mistakes)
