"""The course's own networks, for comparisons (trusted code, never a student's)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class CourseNet(nn.Module):
    """The course's LeNet ("Net" in exercise 05)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = nn.MaxPool2d(2)
        self.fc = nn.Linear(320, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.pooling(self.conv1(x)))
        x = F.relu(self.pooling(self.conv2(x)))
        return self.fc(x.flatten(1))
