"""Exercise 04 (reference): the training loop, one epoch over a DataLoader, accuracy."""

from __future__ import annotations

import copy

import torch
from torch import nn, optim
from torch.utils.data import DataLoader


def train(net: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = 20, lr: float = 5e-3) -> list[float]:
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=lr)
    losses: list[float] = []
    for _ in range(epochs):
        outputs = net(X)
        loss = criterion(outputs, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def train_epoch(model: nn.Module, loader: DataLoader, optimizer: optim.Optimizer, criterion: nn.Module) -> float:
    model.train()
    total, batches = 0.0, 0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            predicted = model(inputs).argmax(dim=1)
            correct += int((predicted == targets).sum())
            seen += targets.numel()
    return correct / seen


# -- For the checks only: the classic mistakes, run -----------------------------------
# checks/exercise_04 names a student's mistake by the run that reproduces their numbers.
# Those runs live here, with the reference, and the checks ask for them through
# `reference`: a student kit replays their recorded results and never carries these
# loops, which with no mistake asked for are train and train_epoch themselves.


def train_with_mistakes(net: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, lr: float,
                        variants: list[dict]) -> list[list]:
    """[losses, final parameters] of train() on a copy of `net`, for each variant: what it
    changes (zero_grad=False, step_first=True, squash="softmax", reduction="sum", or
    another lr or epochs)."""
    runs = []
    for variant in variants:
        model = copy.deepcopy(net)
        optimizer = optim.SGD(model.parameters(), lr=variant.get("lr", lr))
        criterion = nn.CrossEntropyLoss(reduction=variant.get("reduction", "mean"))
        losses = []
        for _ in range(variant.get("epochs", epochs)):
            outputs = model(X)
            loss = criterion(outputs.softmax(dim=1) if variant.get("squash") == "softmax" else outputs, y)
            _step(optimizer, loss, variant)
            losses.append(loss.item())
        runs.append([losses, [p.detach().clone() for p in model.parameters()]])
    return runs


def train_epoch_with_mistakes(model: nn.Module, loader: DataLoader, lr: float, momentum: float,
                              variants: list[dict]) -> list[list]:
    """[each batch's loss, final parameters] of one epoch of SGD(lr, momentum) with
    nn.CrossEntropyLoss on a copy of `model`, for each variant (zero_grad=False,
    step_first=True, squash="softmax", or another momentum)."""
    runs = []
    for variant in variants:
        copied = copy.deepcopy(model)
        optimizer = optim.SGD(copied.parameters(), lr=lr, momentum=variant.get("momentum", momentum))
        criterion = nn.CrossEntropyLoss()
        batch_losses = []
        for inputs, targets in loader:
            outputs = copied(inputs)
            loss = criterion(outputs.softmax(dim=1) if variant.get("squash") == "softmax" else outputs, targets)
            _step(optimizer, loss, variant)
            batch_losses.append(loss.item())
        runs.append([batch_losses, [p.detach().clone() for p in copied.parameters()]])
    return runs


def _step(optimizer: optim.Optimizer, loss: torch.Tensor, variant: dict) -> None:
    if variant.get("zero_grad", True):
        optimizer.zero_grad()
    if variant.get("step_first", False):
        optimizer.step()
        loss.backward()
    else:
        loss.backward()
        optimizer.step()
