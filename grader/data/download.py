"""Fetch MNIST from the standard mirrors into a folder, verifying every file's sha256.

The network sits behind a one-method seam (`Transport.open`), so tests use a tiny
in-memory fake and never touch the network. Progress is reported through a
callback: the CLI draws the bar, this module prints nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, Protocol

from grader.data.files import MNIST_FILES, MnistFile
from grader.data.mnist import file_path
from grader.errors import DownloadFailed
from grader.i18n import tr

# The mirrors torchvision uses, in its order.
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
_CHUNK = 1 << 16

# (file name, bytes received so far, total bytes or None when the server does not say)
Progress = Callable[[str, int, int | None], None]


class Transport(Protocol):
    def open(self, url: str, timeout_s: float) -> tuple[int | None, Iterator[bytes]]:
        """Start fetching `url`: its size (if known) and an iterator over its bytes."""
        ...


class UrllibTransport:
    """The real network, with the standard library."""

    def open(self, url: str, timeout_s: float) -> tuple[int | None, Iterator[bytes]]:
        request = urllib.request.Request(url, headers={"User-Agent": "grader (MNIST fetch)"})
        response = urllib.request.urlopen(request, timeout=timeout_s)  # noqa: S310 - fixed https/http mirrors
        length = response.headers.get("Content-Length")

        def chunks() -> Iterator[bytes]:
            with response:
                while chunk := response.read(_CHUNK):
                    yield chunk

        return (int(length) if length and length.isdigit() else None), chunks()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def is_verified(path: Path, spec: MnistFile) -> bool:
    """True when `path` is byte-identical to the original file (gzipped or not)."""
    expected = spec.gz_sha256 if path.suffix == ".gz" else spec.raw_sha256
    return sha256_of(path) == expected


def _fetch_one(spec: MnistFile, dest: Path, transport: Transport, mirrors: tuple[str, ...],
               timeout_s: float, progress: Progress | None) -> None:
    failures: list[str] = []
    target = dest / spec.gz_name
    partial = dest / (spec.gz_name + ".part")
    for mirror in mirrors:
        url = mirror + spec.gz_name
        digest = hashlib.sha256()
        received = 0
        try:
            total, chunks = transport.open(url, timeout_s)
            with partial.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    if progress is not None:
                        progress(spec.gz_name, received, total)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            failures.append(f"{url}: {getattr(exc, 'reason', exc)}")
            partial.unlink(missing_ok=True)
            continue
        if digest.hexdigest() != spec.gz_sha256:
            failures.append(tr("{url}: checksum mismatch ({received} bytes received); file discarded",
                               url=url, received=received))
            partial.unlink(missing_ok=True)
            continue
        partial.replace(target)
        return
    raise DownloadFailed(
        tr("could not download {file}: {failures}", file=spec.gz_name, failures="; ".join(failures)),
        hint=tr("without a network, copy the four files from a machine that has them and run "
                "`grader data --import FOLDER` (or pass --data-dir FOLDER)"),
    )


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
        _fetch_one(spec, dest, transport, mirrors, timeout_s, progress)
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
