"""Probes for exercise 05: run inside the sandbox with the student's module."""

from __future__ import annotations

from typing import Any
from unittest import mock

import torch
from torch import nn, optim

from grader.data.mnist.prepared import load_child_file
from grader.probes.devices import GuardedLoader, first_steps_refused, guard_model, run_guarded
from grader.probes.modules import (
    build, count_macs, describe, example_input, outputs_with_seeded_weights, outputs_with_weights,
)
from grader.probes.training import Budget, train_on, with_weights


def describe_model(student: Any, factory: str, input_shape: list[int]) -> dict[str, Any]:
    return describe(build(student, factory), example_input(input_shape))


def run_with_weights(student: Any, factory: str, weights: list[torch.Tensor], inputs: list[torch.Tensor]) -> dict[str, Any]:
    return outputs_with_weights(build(student, factory), weights, inputs)


def run_seeded(student: Any, factory: str, seed: int, inputs: list[torch.Tensor]) -> dict[str, Any]:
    return outputs_with_seeded_weights(build(student, factory), seed, inputs)


def get_device(student: Any, cuda_available: bool) -> Any:
    """The student's get_device() in a world where CUDA is (or is not) available."""
    with mock.patch.object(torch.cuda, "is_available", lambda: cuda_available):
        return student.get_device()


def _small_model(weights: list[torch.Tensor]) -> nn.Module:
    return with_weights(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), weights)


def guarded_loop(student: Any, function: str, weights: list[torch.Tensor], x: torch.Tensor,
                 y: torch.Tensor) -> dict[str, Any]:
    """Run train_epoch or evaluate with batches and a model that refuse to compute until moved."""
    model = _small_model(weights)
    guard_model(model)
    loader = GuardedLoader(x, y, batch_size=4)
    device = torch.device("cpu")
    if function == "train_epoch":
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        return run_guarded(lambda: student.train_epoch(model, loader, optimizer, nn.CrossEntropyLoss(), device))
    return run_guarded(lambda: student.evaluate(model, loader, device))


def real_cuda_loop(student: Any, function: str, weights: list[torch.Tensor], x: torch.Tensor,
                   y: torch.Tensor) -> dict[str, Any]:
    """On a machine with CUDA: the same loop for real, the model starting on the CPU."""
    if not torch.cuda.is_available():
        return {"skipped": True}
    from grader.probes.training import loader as plain_loader

    model = _small_model(weights)
    device = torch.device("cuda:0")
    batches = plain_loader(x, y, 4)
    try:
        if function == "train_epoch":
            optimizer = optim.SGD(model.parameters(), lr=0.1)
            returned = student.train_epoch(model, batches, optimizer, nn.CrossEntropyLoss(), device)
        else:
            returned = student.evaluate(model, batches, device)
    except RuntimeError as error:
        if "device" in str(error):
            return {"error": str(error)[:300]}
        raise
    on_device = all(p.device.type == "cuda" for p in model.parameters())
    return {"returned": returned, "model_on_device": on_device}


def evaluate_value(student: Any, weights: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> Any:
    from grader.probes.training import loader as plain_loader

    return student.evaluate(_small_model(weights), plain_loader(x, y, 4), torch.device("cpu"))


def train_net_on_mnist(student: Any, child_file: str, normalisation: list[float], budget: dict[str, Any]) -> dict[str, Any]:
    """Train the student's Net with the student's train_epoch; return test predictions only
    (or, when its first guarded batches were not moved to the device, the refusal)."""
    plan = Budget.from_dict(budget)
    torch.set_num_threads(plan.threads)
    data = load_child_file(child_file, normalisation)
    torch.manual_seed(plan.seed)
    model = student.Net()
    # What a GPU would do to this loop, on every machine (see grader.probes.devices).
    refused = first_steps_refused(student.train_epoch, model, data.train_x, data.train_y, plan.batch_size)
    if refused is not None:
        return refused
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
    figures = train_on(model, student.train_epoch, data.train_x, data.train_y, data.test_x, plan, device)
    figures["params"] = sum(p.numel() for p in model.parameters())
    figures["macs"] = count_macs(model, data.test_x[:1].to(device))
    figures["device"] = str(device)
    return figures
