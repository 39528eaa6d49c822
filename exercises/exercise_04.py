"""Exercise 04: the training loop.

1. train(net, X, y, epochs=20, lr=5e-3): full-batch training with
   nn.CrossEntropyLoss and optim.SGD(net.parameters(), lr=lr). Every epoch:
   forward, loss, zero_grad, backward, step. Return each epoch's loss as a
   Python float (a list of `epochs` floats).
2. train_epoch(model, loader, optimizer, criterion): one pass over a DataLoader of
   (inputs, targets) mini-batches, one optimizer step per batch. Return the mean
   of the batch losses as a Python float.
3. accuracy(model, loader): the fraction of correct predictions, in [0, 1],
   computed in evaluation mode (model.eval()) under torch.no_grad().

Check your work with:  grader check exercise_04
"""

from __future__ import annotations

import torch
from torch import nn, optim
from torch.utils.data import DataLoader


def train(net: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = 20, lr: float = 5e-3) -> list[float]:
    """Full-batch training; returns the loss of every epoch as a float."""
    raise NotImplementedError


def train_epoch(model: nn.Module, loader: DataLoader, optimizer: optim.Optimizer, criterion: nn.Module) -> float:
    """One epoch of mini-batch training; returns the mean batch loss."""
    raise NotImplementedError


def accuracy(model: nn.Module, loader: DataLoader) -> float:
    """Fraction of correct predictions in [0, 1]."""
    raise NotImplementedError
