"""Judge a student's nn.Module from the description a probe returned (grader side).

The probe (grader.probes.modules.describe) reports the leaf modules forward called,
in order, and the layer operators it executed; these helpers turn that into
messages that name the layer: "second Linear has 64 outputs, expected 5".
"""

from __future__ import annotations

from typing import Any, Sequence

import torch
from torch import nn

from grader.authoring.marker import CheckFailed

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
OUTPUT_SQUASHERS = {"softmax": "softmax", "log_softmax": "log_softmax", "sigmoid": "sigmoid"}


def ordinal(index: int) -> str:
    return ORDINALS[index] if index < len(ORDINALS) else f"#{index + 1}"


def expect_module(description: dict[str, Any], what: str, expected: str = "an nn.Module") -> None:
    if not description.get("is_module"):
        kind = description.get("type", "?")
        hint = "; did you forget `return`?" if kind == "NoneType" else ""
        raise CheckFailed(f"{what} returned {kind}, expected {expected}{hint}")


def layers_of(description: dict[str, Any], layer_type: str) -> list[dict[str, Any]]:
    """Layers of one type in the order forward called them (registered order if never called)."""
    called = [layer for layer in description["called"] if layer["type"] == layer_type]
    return called or [layer for layer in description["registered"] if layer["type"] == layer_type]


def expect_layer_sizes(
    description: dict[str, Any], layer_type: str, sizes: Sequence[tuple[int, int]], what: str
) -> None:
    """The layers of `layer_type` (Linear, Conv2d) have these (in, out) sizes, in order."""
    unit = ("inputs", "outputs") if layer_type == "Linear" else ("input channels", "output channels")
    layers = layers_of(description, layer_type)
    if len(layers) != len(sizes):
        raise CheckFailed(f"{what} has {len(layers)} {layer_type} layers, expected {len(sizes)}")
    for index, (layer, (size_in, size_out)) in enumerate(zip(layers, sizes)):
        name = f"{what}: {ordinal(index)} {layer_type} (`{layer['name']}`)"
        if layer["in"] != size_in:
            raise CheckFailed(f"{name} has {layer['in']} {unit[0]}, expected {size_in}")
        if layer["out"] != size_out:
            raise CheckFailed(f"{name} has {layer['out']} {unit[1]}, expected {size_out}")


def expect_relu_between(description: dict[str, Any], what: str, layer_kind: str = "linear") -> None:
    """A ReLU (module or function) after every `layer_kind` layer but the last."""
    ops = description["ops"]
    positions = [i for i, op in enumerate(ops) if op == layer_kind]
    for index, (start, stop) in enumerate(zip(positions, positions[1:])):
        if "relu" not in ops[start:stop]:
            raise CheckFailed(
                f"{what}: no ReLU after the {ordinal(index)} {layer_kind} layer; without a "
                "non-linearity between them, stacked layers collapse into one linear map"
            )


def expect_logits(description: dict[str, Any], what: str) -> None:
    """Nothing squashes the output: CrossEntropyLoss wants raw scores."""
    ops = description["ops"]
    last = max((i for i, op in enumerate(ops) if op in ("linear", "conv")), default=-1)
    for op in ops[last + 1 :]:
        if op in OUTPUT_SQUASHERS:
            raise CheckFailed(
                f"{what} applies {op} to its output; return the logits (raw scores): "
                "nn.CrossEntropyLoss applies log-softmax itself"
            )


def expect_param_count(got: Any, expected: int, what: str, mistakes: dict[str, int] | None = None) -> None:
    if got == expected:
        return
    for description, value in (mistakes or {}).items():
        if got == value:
            raise CheckFailed(f"{what} has {got} parameters, expected {expected}: looks like {description}")
    raise CheckFailed(f"{what} has {got} parameters, expected {expected}")


def weights_of(model: nn.Module) -> list[torch.Tensor]:
    """The reference's parameters in order: what the probe loads into the student's model."""
    return [p.detach().clone() for p in model.parameters()]


def expect_loadable(result: dict[str, Any], weights: list[torch.Tensor], what: str) -> list[Any]:
    """The probe's outputs, or a message when the student's parameters do not line up with ours."""
    expect_module(result, what)
    if "outputs" not in result:
        got = result["param_shapes"]
        expected = [list(w.shape) for w in weights]
        diff = next((i for i, (g, e) in enumerate(zip(got, expected)) if g != e), min(len(got), len(expected)))
        raise CheckFailed(
            f"cannot load the reference's weights into {what}: its parameters (in order) are "
            f"{len(got)} tensors {got[:8]}, expected {len(expected)} {expected[:8]}; the first "
            f"difference is at parameter {diff + 1}"
        )
    return list(result["outputs"])
