"""MNIST as the checks use it, split across the process boundary.

The sandboxed child gets one file with the training images and labels and the
test *images*; the test labels never leave the grading process, which computes
accuracy from the predictions the child returns. The file holds plain uint8
tensors, so the child loads it with `torch.load(..., weights_only=True)`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from grader.errors import DataError
from grader.i18n import active_language, tr

CHILD_FILE_NAME = "mnist-train-and-test-images.pt"


@dataclass(frozen=True)
class CheckData:
    """What a check holds: the path to hand the child, and the labels to score against."""

    child_file: Path
    test_labels: torch.Tensor
    train_count: int
    # The course's (mean, std), from its course.toml: the engine knows no course's numbers.
    normalisation: tuple[float, float] = (0.0, 1.0)
    # Figures a check may reuse while this data lives (a batch run shares it across
    # submissions), e.g. the course network's training figures for a comparison.
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


class DataUnavailable(Exception):
    """The data cannot be used; the message says exactly how to provide it."""


class MnistProvider:
    """Loads MNIST at most once per grading run, on first use, and writes the child's file.

    `folder` is where the data was found (None: not found; `missing_message` then
    says how to provide it). `full=False` accepts the tiny generated sets tests use.
    """

    def __init__(self, folder: Path | None, missing_message: str = "", *, full: bool = True) -> None:
        self.folder = folder
        self._missing_message = missing_message
        self.full = full
        self._data: CheckData | None = None
        # Why the data cannot be used, by language: a batch worker keeps one provider for
        # students who read different languages.
        self._failures: dict[str, str] = {}
        self._workdir: Path | None = None

    @property
    def missing_message(self) -> str:
        """How to provide the data, in the active language unless the caller said it."""
        if self._missing_message:
            return self._missing_message
        from grader.data.locate import Located, how_to_provide

        return how_to_provide(Located(None))

    def get(self) -> CheckData:
        if self._data is not None:
            return self._data
        language = active_language()
        if language not in self._failures:
            self._failures[language] = self._prepare()
        if self._data is None:
            raise DataUnavailable(self._failures[language])
        return self._data

    def _prepare(self) -> str:
        if self.folder is None:
            return self.missing_message
        from grader.data.mnist import load_mnist

        try:
            data = load_mnist(self.folder, full=self.full)
        except DataError as error:
            if not error.hint:
                return error.message
            # One message, so a language puts its own full stop between them (zh: 。).
            return tr("{problem}. {hint}", problem=error.message, hint=error.hint)
        self._workdir = Path(tempfile.mkdtemp(prefix="grader-mnist-"))
        child_file = self._workdir / CHILD_FILE_NAME
        torch.save(
            {
                "train_images": data.train_images,
                "train_labels": data.train_labels,
                "test_images": data.test_images,
            },
            child_file,
        )
        self._data = CheckData(child_file, data.test_labels.to(torch.int64), int(data.train_labels.shape[0]))
        return ""

    def exposed_paths(self) -> list[str]:
        """What a sandboxed worker must be able to read: the folder of the child's file
        (its private /tmp hides everything else)."""
        return [str(self._workdir)] if self._data is not None and self._workdir is not None else []

    def hidden_paths(self) -> tuple[Path, ...]:
        """What a sandboxed worker must not see: the original files, test labels included."""
        return (self.folder,) if self.folder is not None else ()

    def close(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self._data = None


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
