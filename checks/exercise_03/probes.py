"""Probes for exercise 03: run inside the sandbox, build the student's networks, return data."""

from __future__ import annotations

from typing import Any

import torch

from grader.probes.modules import (
    build, describe, example_input, outputs_with_seeded_weights, outputs_with_weights,
)


def describe_model(student: Any, factory: str, input_shape: list[int]) -> dict[str, Any]:
    return describe(build(student, factory), example_input(input_shape))


def run_with_weights(student: Any, factory: str, weights: list[torch.Tensor], inputs: list[torch.Tensor]) -> dict[str, Any]:
    return outputs_with_weights(build(student, factory), weights, inputs)


def run_seeded(student: Any, factory: str, seed: int, inputs: list[torch.Tensor]) -> dict[str, Any]:
    return outputs_with_seeded_weights(build(student, factory), seed, inputs)
