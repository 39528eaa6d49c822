"""Load MNIST from a folder holding the four original files into uint8 tensors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from grader.data.mnist.files import IMAGE_SIZE, MNIST_FILES, MnistFile, file_path, missing_files
from grader.data.idx import read_idx
from grader.errors import DataFileError
from grader.i18n import tr

__all__ = ["MnistData", "file_path", "load_mnist", "missing_files"]


@dataclass(frozen=True)
class MnistData:
    """The two splits as uint8 tensors: images (N, 28, 28), labels (N,)."""

    folder: Path
    train_images: torch.Tensor
    train_labels: torch.Tensor
    test_images: torch.Tensor
    test_labels: torch.Tensor


def _read(folder: Path, spec: MnistFile, full: bool) -> torch.Tensor:
    path = file_path(folder, spec)
    if path is None:
        raise DataFileError(tr("{path} is missing", path=folder / spec.gz_name))
    item_shape = (IMAGE_SIZE, IMAGE_SIZE) if spec.kind == "images" else ()
    if full:
        return read_idx(path, magic=spec.magic, count=spec.count, item_shape=item_shape)
    tensor = read_idx(path, magic=spec.magic)
    if tuple(tensor.shape[1:]) != item_shape:
        raise DataFileError(tr("{path} holds items of shape {shape}, expected {expected}",
                               path=path, shape=tuple(tensor.shape[1:]), expected=item_shape))
    return tensor


def load_mnist(folder: Path, *, full: bool = True) -> MnistData:
    """Read and validate the four files. `full=False` accepts smaller sets (tests use tiny ones)."""
    tensors = {f"{spec.split}_{spec.kind}": _read(folder, spec, full) for spec in MNIST_FILES}
    for split in ("train", "test"):
        images, labels = tensors[f"{split}_images"], tensors[f"{split}_labels"]
        if images.shape[0] != labels.shape[0]:
            raise DataFileError(tr(
                "{folder}: the {split} split has {images} images but {labels} labels",
                folder=folder, split=split, images=images.shape[0], labels=labels.shape[0],
            ))
        if labels.numel() and int(labels.max()) > 9:
            raise DataFileError(tr("{folder}: the {split} labels hold {label}; digits are 0-9",
                                   folder=folder, split=split, label=int(labels.max())))
    return MnistData(folder=folder, **tensors)
