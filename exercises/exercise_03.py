"""Exercise 03: a multilayer perceptron (MLP), three ways.

1. make_mlp(): nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5)).
2. class MLP: the same network as an nn.Module subclass, with the attributes
   `hidden` (Linear 10 -> 128) and `out` (Linear 128 -> 5) and a ReLU between them.
3. class FCNet: the course's fully connected network for MNIST,
   784 -> 512 -> 256 -> 128 -> 64 -> 10, ReLU between the layers. It accepts images
   of shape (N, 1, 28, 28) as well as flat inputs of shape (N, 784).

Every network returns logits (no softmax at the end): nn.CrossEntropyLoss applies
log-softmax itself.

Check your work with:  grader check exercise_03
"""

from __future__ import annotations

import torch
from torch import nn


def make_mlp() -> nn.Sequential:
    """Linear(10, 128), ReLU, Linear(128, 5) as an nn.Sequential."""
    raise NotImplementedError


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        # self.hidden = ...  (10 -> 128)
        # self.out = ...     (128 -> 5)
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 10) -> (N, 5) logits."""
        raise NotImplementedError


class FCNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) or (N, 784) -> (N, 10) logits."""
        raise NotImplementedError
