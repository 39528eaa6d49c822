"""Probes for exercise 06: describe and train the student's DeepNet inside the sandbox."""

from __future__ import annotations

from typing import Any

import torch

from grader.data.prepared import load_child_file
from grader.probes.modules import build, count_macs, describe, example_input
from grader.probes.training import Budget, reference_train_epoch, train_on_mnist, training_device


def describe_model(student: Any, input_shape: list[int]) -> dict[str, Any]:
    return describe(build(student, "DeepNet"), example_input(input_shape))


def train_deepnet_on_mnist(student: Any, child_file: str, budget: dict[str, Any]) -> dict[str, Any]:
    """Train the student's DeepNet with the grader's loop; return predictions and figures."""
    plan = Budget.from_dict(budget)
    torch.set_num_threads(plan.threads)
    data = load_child_file(child_file)
    torch.manual_seed(plan.seed)
    model = student.DeepNet()
    device = training_device()
    figures = train_on_mnist(model, reference_train_epoch, data.train_x, data.train_y, data.test_x, plan, device)
    figures["params"] = sum(p.numel() for p in model.parameters())
    figures["macs"] = count_macs(model, data.test_x[:1].to(device))
    return figures
