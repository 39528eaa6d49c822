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

from grader.authoring import CheckFailed, check, expect_tensor
from grader.authoring.modules import (
    expect_layer_sizes,
    expect_loadable,
    expect_logits,
    expect_module,
    expect_param_count,
    expect_relu_between,
    weights_of,
)

PROBES = Path(__file__).with_name("probes.py")
MLP_SIZES = [(10, 128), (128, 5)]
FCNET_SIZES = [(784, 512), (512, 256), (256, 128), (128, 64), (64, 10)]


def _describe(student, factory: str, input_shape: list[int]) -> dict:
    what = f"{factory}()"
    description = student.probe(PROBES, "describe_model", factory, input_shape, what=what)
    expect_module(description, what, "an nn.Module")
    return description


def _mlp_mistakes(weights: list[torch.Tensor], x: torch.Tensor, expected: torch.Tensor) -> dict[str, torch.Tensor]:
    w1, b1, w2, b2 = weights
    return {
        "softmax applied to the output (return logits)": expected.softmax(dim=1),
        "log_softmax applied to the output (return logits)": expected.log_softmax(dim=1),
        "the ReLU is missing": F.linear(F.linear(x, w1, b1), w2, b2),
        "ReLU applied to the output as well": expected.relu(),
    }


def _expect_equivalent(student, factory: str, reference_model: torch.nn.Module, inputs: list[torch.Tensor], mistakes) -> None:
    weights = weights_of(reference_model)
    what = f"{factory}()"
    result = student.probe(PROBES, "run_with_weights", factory, weights, inputs, what=what)
    outputs = expect_loadable(result, weights, what)
    reference_model.eval()
    for x, got in zip(inputs, outputs):
        with torch.no_grad():
            expected = reference_model(x)
        shape = "x".join(str(s) for s in x.shape)
        expect_tensor(got, expected, f"{what}(x) for x of shape {shape} with the reference's weights",
                      mistakes=mistakes(weights, x.reshape(x.shape[0], -1), expected))


@check(points=2, title="make_mlp: Linear(10, 128), ReLU, Linear(128, 5) in an nn.Sequential")
def check_make_mlp_structure(student):
    description = _describe(student, "make_mlp", [2, 10])
    if description["type"] != "Sequential":
        raise CheckFailed(f"make_mlp() returned a {description['type']}, expected an nn.Sequential")
    expect_layer_sizes(description, "Linear", MLP_SIZES, "make_mlp()")
    expect_relu_between(description, "make_mlp()")
    expect_logits(description, "make_mlp()")


@check(points=1, title="make_mlp: 2053 parameters")
def check_make_mlp_parameter_count(student):
    description = _describe(student, "make_mlp", [2, 10])
    expect_param_count(description["params"], 2053, "make_mlp()",
                       {"Linear layers without bias (bias=False)": 10 * 128 + 128 * 5})


@check(points=2, title="make_mlp: same outputs as the reference with the same weights")
def check_make_mlp_forward(student, reference):
    torch.manual_seed(3)
    _expect_equivalent(student, "make_mlp", reference.make_mlp(), [torch.randn(4, 10)], _mlp_mistakes)


@check(points=2, title="MLP: attributes hidden (10 -> 128) and out (128 -> 5)")
def check_mlp_class_structure(student):
    description = _describe(student, "MLP", [2, 10])
    registered = {layer["name"]: layer for layer in description["registered"]}
    for name, (size_in, size_out) in (("hidden", (10, 128)), ("out", (128, 5))):
        layer = registered.get(name)
        if layer is None:
            names = ", ".join(registered) or "none"
            raise CheckFailed(f"MLP has no layer attribute `{name}` (its layers: {names}); "
                              f"assign self.{name} = nn.Linear(...) in __init__")
        if layer["type"] != "Linear":
            raise CheckFailed(f"MLP.{name} is a {layer['type']}, expected nn.Linear")
        if (layer["in"], layer["out"]) != (size_in, size_out):
            raise CheckFailed(f"MLP.{name} is Linear({layer['in']}, {layer['out']}), expected Linear({size_in}, {size_out})")
    expect_layer_sizes(description, "Linear", MLP_SIZES, "MLP")
    expect_relu_between(description, "MLP.forward")
    expect_logits(description, "MLP.forward")
    expect_param_count(description["params"], 2053, "MLP")


@check(points=2, title="MLP: same outputs as the reference with the same weights")
def check_mlp_class_forward(student, reference):
    torch.manual_seed(4)
    _expect_equivalent(student, "MLP", reference.MLP(), [torch.randn(5, 10)], _mlp_mistakes)


@check(points=2, title="FCNet: 784 -> 512 -> 256 -> 128 -> 64 -> 10 with ReLU between")
def check_fcnet_structure(student):
    description = _describe(student, "FCNet", [2, 1, 28, 28])
    expect_layer_sizes(description, "Linear", FCNET_SIZES, "FCNet")
    expect_relu_between(description, "FCNet.forward")
    expect_logits(description, "FCNet.forward")


@check(points=1, title="FCNet: 575050 parameters")
def check_fcnet_parameter_count(student):
    description = _describe(student, "FCNet", [2, 1, 28, 28])
    expect_param_count(description["params"], 575050, "FCNet",
                       {"Linear layers without bias (bias=False)": 575050 - (512 + 256 + 128 + 64 + 10)})


def _fcnet_mistakes(weights: list[torch.Tensor], x: torch.Tensor, expected: torch.Tensor) -> dict[str, torch.Tensor]:
    return {
        "softmax applied to the output (return logits)": expected.softmax(dim=1),
        "log_softmax applied to the output (return logits)": expected.log_softmax(dim=1),
        "ReLU applied to the output as well": expected.relu(),
    }


@check(points=2, title="FCNet: same outputs as the reference, for (N, 1, 28, 28) and (N, 784) inputs")
def check_fcnet_forward(student, reference):
    torch.manual_seed(5)
    images = torch.randn(3, 1, 28, 28)
    _expect_equivalent(student, "FCNet", reference.FCNet(), [images, images.reshape(3, 784)], _fcnet_mistakes)
