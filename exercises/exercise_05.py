"""Exercise 05: a CNN for MNIST, trained on the GPU when there is one.

1. class Net: the course's LeNet.
   conv1 = Conv2d(1, 10, 5), conv2 = Conv2d(10, 20, 5), pooling = MaxPool2d(2),
   fc = Linear(320, 10). forward: relu(pooling(conv1(x))), relu(pooling(conv2(x))),
   flatten, fc. Returns logits (no softmax).
2. get_device(): torch.device("cuda:0") when CUDA is available, else torch.device("cpu").
3. train_epoch(model, loader, optimizer, criterion, device): move the model to
   `device` (model.to(device)), then for every batch move the inputs and the
   targets to `device`, and take one optimizer step. Return the mean batch loss
   as a Python float.
4. evaluate(model, loader, device): move the model to `device`; in eval mode and
   under torch.no_grad(), move every batch to `device` and count correct
   predictions. Return the accuracy as a fraction in [0, 1].

The grader trains your Net with your train_epoch on MNIST and expects a test
accuracy of at least 98%. It also checks, even on a machine without a GPU, that
your loops move the inputs, the targets and the model to the device.

Check your work with:  grader check exercise_05
(the MNIST check needs the data: see `grader data`)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn, optim
from torch.utils.data import DataLoader


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 10) logits."""
        raise NotImplementedError


def get_device() -> torch.device:
    raise NotImplementedError


def train_epoch(model: nn.Module, loader: DataLoader, optimizer: optim.Optimizer, criterion: nn.Module,
                device: torch.device) -> float:
    """One epoch on `device`; returns the mean batch loss."""
    raise NotImplementedError


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device) -> float:
    """Accuracy in [0, 1] on `device`."""
    raise NotImplementedError
