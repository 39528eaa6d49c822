"""Probes for exercise 04: run the student's loops on a network and data the grader chose."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn, optim

from grader.probes.training import (ForwardRecorder, StartRecorder, StepRecorder, gradients_left, loader, mlp,
                                    parameters_of, with_weights)


def run_train(student: Any, sizes: list[int], weights: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor,
              kwargs: dict[str, Any]) -> dict[str, Any]:
    net = with_weights(mlp(sizes), weights)
    start = StartRecorder().attach(net)
    with StepRecorder() as steps:
        returned = student.train(net, x, y, **kwargs)
    return {"returned": returned, "params": parameters_of(net), "at_start": start.parameters, **steps.as_record()}


def run_train_epoch(student: Any, sizes: list[int], weights: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor,
                    batch_size: int, lr: float, momentum: float) -> dict[str, Any]:
    model = with_weights(mlp(sizes), weights)
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    start = StartRecorder().attach(model)
    with StepRecorder() as steps:
        returned = student.train_epoch(model, loader(x, y, batch_size), optimizer, nn.CrossEntropyLoss())
    return {"returned": returned, "params": parameters_of(model), "at_start": start.parameters, **steps.as_record()}


def run_accuracy(student: Any, sizes: list[int], weights: list[torch.Tensor], dropout: float, x: torch.Tensor,
                 y: torch.Tensor, batch_size: int) -> dict[str, Any]:
    torch.manual_seed(0)
    model = with_weights(mlp(sizes, dropout), weights)
    model.train()  # as it would be after training: accuracy() must switch to eval itself
    recorder = ForwardRecorder().attach(model)
    returned = student.accuracy(model, loader(x, y, batch_size))
    return {
        "returned": returned,
        "training": recorder.training,
        "grad_enabled": recorder.grad_enabled,
        "gradients_left": gradients_left(model),
    }


def trace_train(student: Any, sizes: list[int], weights: list[torch.Tensor], x: torch.Tensor,
                y: torch.Tensor) -> list[str]:
    """The softmax-like functions the student's train() calls itself (outside our modules)."""
    from grader.probes.modules import FunctionTrace

    net = with_weights(mlp(sizes), weights)
    with FunctionTrace({"softmax", "log_softmax", "Tensor.softmax", "Tensor.log_softmax"}) as trace:
        student.train(net, x, y, epochs=2)
    return trace.seen
