"""Train the student's DeepNet on MNIST with the course's own loop, inside the sandbox.

The loop is the course's answer to exercise 05's train_epoch, so only hidden checks use
this file and `grader release` leaves it out of the student kit.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from grader.data.mnist.prepared import load_child_file
from grader.probes.modules import count_macs
from grader.probes.training import Budget, train_on, training_device


def course_epoch(model: nn.Module, loader: Any, optimizer: torch.optim.Optimizer,
                 criterion: nn.Module, device: torch.device) -> float:
    """One epoch the way the course teaches it (exercise 05's train_epoch)."""
    model.train()
    total, batches = 0.0, 0
    for inputs, targets in loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches


def train_deepnet_on_mnist(student: Any, child_file: str, normalisation: list[float],
                           budget: dict[str, Any]) -> dict[str, Any]:
    """Train the student's DeepNet with the course's loop; return predictions and figures."""
    plan = Budget.from_dict(budget)
    torch.set_num_threads(plan.threads)
    data = load_child_file(child_file, normalisation)
    torch.manual_seed(plan.seed)
    model = student.DeepNet()
    device = training_device()
    figures = train_on(model, course_epoch, data.train_x, data.train_y, data.test_x, plan, device)
    figures["params"] = sum(p.numel() for p in model.parameters())
    figures["macs"] = count_macs(model, data.test_x[:1].to(device))
    return figures
