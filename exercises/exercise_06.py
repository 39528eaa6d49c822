"""Exercise 06: a deeper CNN (the course's "Exercise 10-1").

class DeepNet: three Conv2d layers, each followed by a ReLU and a MaxPool2d, then
three Linear layers, mapping (N, 1, 28, 28) images to (N, 10) logits. You choose
the channels, kernel sizes and Linear sizes. (nn.ReLU or F.relu both count; a
ReLU between the Linear layers is welcome too.)

The grader counts the layers your forward actually runs, checks the output shape,
trains your DeepNet on MNIST (it must reach >= 98% test accuracy) and shows it
next to the course's Net: parameters, multiply-accumulates per image, training
time and test accuracy. Which is better, and what did the depth cost?

Check your work with:  grader check exercise_06
(the MNIST check needs the data: see `grader data`)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class DeepNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 10) logits."""
        raise NotImplementedError
