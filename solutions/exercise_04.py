"""Exercise 04 (reference): the training loop, one epoch over a DataLoader, accuracy."""

from __future__ import annotations

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
