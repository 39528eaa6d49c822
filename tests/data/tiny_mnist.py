"""Small generated MNIST-format sets for tests: real MNIST never enters the repository."""

from __future__ import annotations

from pathlib import Path

import torch

from grader.data.mnist.files import MNIST_FILES
from grader.data.idx import write_idx


def tiny_mnist_tensors(train: int = 64, test: int = 16, seed: int = 0) -> dict[str, torch.Tensor]:
    """Images that encode their label (a bright square at a label-dependent place), so
    even a tiny model can learn them."""
    generator = torch.Generator().manual_seed(seed)
    out: dict[str, torch.Tensor] = {}
    for split, count in (("train", train), ("test", test)):
        labels = torch.randint(0, 10, (count,), generator=generator, dtype=torch.int64)
        images = torch.randint(0, 40, (count, 28, 28), generator=generator, dtype=torch.int64)
        for i, label in enumerate(labels.tolist()):
            row, col = 2 + (label // 5) * 12, 2 + (label % 5) * 5
            images[i, row : row + 8, col : col + 4] = 255
        out[f"{split}_images"] = images.to(torch.uint8)
        out[f"{split}_labels"] = labels.to(torch.uint8)
    return out


def write_tiny_mnist(folder: Path, *, train: int = 64, test: int = 16, gz: bool = True) -> dict[str, torch.Tensor]:
    """Write the four files under their original names; returns the tensors written."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = tiny_mnist_tensors(train, test)
    for spec in MNIST_FILES:
        name = spec.gz_name if gz else spec.name
        write_idx(folder / name, tensors[f"{spec.split}_{spec.kind}"])
    return tensors
