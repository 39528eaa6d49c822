"""The four original MNIST files: names, what each holds, and their checksums.

The checksums are those of the files the standard mirrors serve (and of the
verified copies in ../shared/data/mnist/); torchvision keeps the same files under
`<root>/MNIST/raw/`, compressed and uncompressed side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

IMAGES_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension
IMAGE_SIZE = 28


@dataclass(frozen=True)
class MnistFile:
    """One of the four files, under its original name (without .gz)."""

    name: str
    split: Literal["train", "test"]
    kind: Literal["images", "labels"]
    count: int
    gz_sha256: str
    raw_sha256: str

    @property
    def gz_name(self) -> str:
        return self.name + ".gz"

    @property
    def magic(self) -> int:
        return IMAGES_MAGIC if self.kind == "images" else LABELS_MAGIC

    @property
    def raw_size(self) -> int:
        """Bytes of the uncompressed file: the header, then one byte per pixel or label."""
        if self.kind == "images":
            return 16 + self.count * IMAGE_SIZE * IMAGE_SIZE
        return 8 + self.count


MNIST_FILES: tuple[MnistFile, ...] = (
    MnistFile(
        "train-images-idx3-ubyte", "train", "images", 60_000,
        gz_sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        raw_sha256="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    MnistFile(
        "train-labels-idx1-ubyte", "train", "labels", 60_000,
        gz_sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        raw_sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    MnistFile(
        "t10k-images-idx3-ubyte", "test", "images", 10_000,
        gz_sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        raw_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    MnistFile(
        "t10k-labels-idx1-ubyte", "test", "labels", 10_000,
        gz_sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        raw_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
)

ATTRIBUTION = (
    "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, licensed CC BY-SA 3.0"
)


# Here, not in grader.data.mnist: finding files must not import torch, so that the CLI can
# check a --data-dir before its sandbox starts importing torch in parallel.
def file_path(folder: Path, spec: MnistFile) -> Path | None:
    """The file for `spec` in `folder`: gzipped or not (torchvision keeps both); None if absent."""
    for name in (spec.gz_name, spec.name):
        path = folder / name
        if path.is_file():
            return path
    return None


def missing_files(folder: Path) -> list[str]:
    return [spec.gz_name for spec in MNIST_FILES if file_path(folder, spec) is None]
