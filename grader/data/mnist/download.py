"""Fetch MNIST from the standard mirrors into a folder (sha256-verified), or import a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.data.download import Progress, Transport, UrllibTransport, fetch_verified, sha256_of
from grader.data.mnist.files import MNIST_FILES, MnistFile, file_path
from grader.errors import DownloadFailed
from grader.i18n import tr

# The mirrors torchvision uses, in its order.
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)


def is_verified(path: Path, spec: MnistFile) -> bool:
    """True when `path` is byte-identical to the original file (gzipped or not)."""
    expected = spec.gz_sha256 if path.suffix == ".gz" else spec.raw_sha256
    return sha256_of(path) == expected


def download_mnist(
    dest: Path,
    *,
    transport: Transport | None = None,
    mirrors: tuple[str, ...] = MIRRORS,
    timeout_s: float = 15.0,
    progress: Progress | None = None,
) -> list[str]:
    """Download the files `dest` lacks (or holds corrupt); returns the names fetched."""
    transport = transport or UrllibTransport()
    dest.mkdir(parents=True, exist_ok=True)
    fetched: list[str] = []
    for spec in MNIST_FILES:
        present = file_path(dest, spec)
        if present is not None and is_verified(present, spec):
            continue
        fetch_verified(
            spec.gz_name, spec.gz_sha256, dest, transport=transport, mirrors=mirrors, timeout_s=timeout_s,
            progress=progress,
            hint=tr("without a network, copy the four files from a machine that has them and run "
                    "`grader data --import FOLDER` (or pass --data-dir FOLDER)"),
        )
        fetched.append(spec.gz_name)
    return fetched


def import_mnist(source: Path, dest: Path) -> list[str]:
    """Copy the four files from `source` into `dest` after checking each one's sha256."""
    copied: list[str] = []
    problems: list[str] = []
    for spec in MNIST_FILES:
        path = file_path(source, spec)
        if path is None:
            problems.append(tr("{path} is missing", path=source / spec.gz_name))
        elif not is_verified(path, spec):
            problems.append(tr("{path} does not match the original file's sha256 (corrupt or a different data set)",
                               path=path))
    if problems:
        raise DownloadFailed(tr("cannot import MNIST: {problems}", problems="; ".join(problems)))
    dest.mkdir(parents=True, exist_ok=True)
    for spec in MNIST_FILES:
        path = file_path(source, spec)
        assert path is not None
        shutil.copyfile(path, dest / path.name)
        copied.append(path.name)
    return copied
