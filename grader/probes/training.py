"""Small trusted networks, loaders and recorders for the training checks.

Used on both sides: the grading process builds the same network from the same
spec to run the reference, and the child builds it to run the student's loop, so
the two start from identical weights and see identical batches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def mlp(sizes: list[int], dropout: float = 0.0) -> nn.Sequential:
    """Linear layers of the given sizes with ReLU (and Dropout, if asked) between them."""
    layers: list[nn.Module] = []
    for index, (size_in, size_out) in enumerate(zip(sizes, sizes[1:])):
        if index:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(size_in, size_out))
    return nn.Sequential(*layers)


def with_weights(model: nn.Module, weights: list[torch.Tensor]) -> nn.Module:
    with torch.no_grad():
        for param, value in zip(model.parameters(), weights, strict=True):
            param.copy_(value)
    return model


def loader(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> DataLoader:
    """In order, no shuffling: both processes see the same batches."""
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)


@dataclass
class ForwardRecorder:
    """Remembers, for every forward call of a module, whether it was in training mode
    and whether autograd was recording."""

    training: list[bool] = field(default_factory=list)
    grad_enabled: list[bool] = field(default_factory=list)

    def attach(self, model: nn.Module) -> "ForwardRecorder":
        model.register_forward_pre_hook(self._hook)
        return self

    def _hook(self, module: nn.Module, _inputs: Any) -> None:
        self.training.append(module.training)
        self.grad_enabled.append(torch.is_grad_enabled())


def parameters_of(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def gradients_left(model: nn.Module) -> bool:
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in model.parameters())
