"""MNIST as the checks use it, split across the process boundary.

The sandboxed child gets one file with the training images and labels and the
test *images*; the test labels never leave the grading process, which computes
accuracy from the predictions the child returns. The file holds plain uint8
tensors, so the child loads it with `torch.load(..., weights_only=True)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from grader.data.mnist.load import MnistData

CHILD_FILE_NAME = "mnist-train-and-test-images.pt"


@dataclass(frozen=True)
class CheckData:
    """What a check holds (the `mnist` fixture): the path to hand the child, and the labels to score against."""

    child_file: Path
    test_labels: torch.Tensor
    train_count: int
    # The course's (mean, std), from its course.toml: the engine knows no course's numbers.
    normalisation: tuple[float, float] = (0.0, 1.0)


def write_child_file(data: "MnistData", workdir: Path) -> CheckData:
    """Write what the child may read into `workdir`; keep the test labels here."""
    child_file = workdir / CHILD_FILE_NAME
    torch.save(
        {
            "train_images": data.train_images,
            "train_labels": data.train_labels,
            "test_images": data.test_images,
        },
        child_file,
    )
    return CheckData(child_file, data.test_labels.to(torch.int64), int(data.train_labels.shape[0]))


@dataclass(frozen=True)
class ChildMnist:
    """Child side: normalised float images ready for a model, and the training labels."""

    train_x: torch.Tensor  # (N, 1, 28, 28) float32
    train_y: torch.Tensor  # (N,) int64
    test_x: torch.Tensor  # (M, 1, 28, 28) float32


def normalise(images: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) scaled to [0, 1] then normalised with
    (mean, std), in place (one allocation)."""
    return images.to(torch.float32).mul_(1.0 / (255.0 * std)).sub_(mean / std).unsqueeze(1)


def load_child_file(path: str | Path, normalisation: tuple[float, float] | list[float] = (0.0, 1.0)) -> ChildMnist:
    """Runs in the child: read the file the grading process wrote (plain tensors only)."""
    mean, std = normalisation
    raw = torch.load(str(path), weights_only=True)
    return ChildMnist(
        train_x=normalise(raw["train_images"], mean, std),
        train_y=raw["train_labels"].to(torch.int64),
        test_x=normalise(raw["test_images"], mean, std),
    )
