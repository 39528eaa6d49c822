"""Fetch one file from a list of mirrors into a folder, verifying its sha256.

Any provider whose files sit on mirrors uses this. The network sits behind a
one-method seam (`Transport.open`), so tests use a tiny in-memory fake and never
touch the network. Progress is reported through a callback: the CLI draws the bar,
this module prints nothing.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, Protocol

from grader.errors import DownloadFailed
from grader.i18n import tr

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
        request = urllib.request.Request(url, headers={"User-Agent": "grader (data fetch)"})
        response = urllib.request.urlopen(request, timeout=timeout_s)  # noqa: S310 - a provider's fixed mirrors
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


def fetch_verified(name: str, sha256: str, dest: Path, *, transport: Transport, mirrors: tuple[str, ...],
                   timeout_s: float, progress: Progress | None, hint: str = "") -> None:
    """Fetch `name` from the first mirror that serves it with this sha256 into `dest`
    (through a .part file, so a broken transfer never leaves a file that looks whole)."""
    failures: list[str] = []
    target = dest / name
    partial = dest / (name + ".part")
    for mirror in mirrors:
        url = mirror + name
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
                        progress(name, received, total)
        except (OSError, urllib.error.URLError, ValueError) as exc:
            failures.append(f"{url}: {getattr(exc, 'reason', exc)}")
            partial.unlink(missing_ok=True)
            continue
        if digest.hexdigest() != sha256:
            failures.append(tr("{url}: checksum mismatch ({received} bytes received); file discarded",
                               url=url, received=received))
            partial.unlink(missing_ok=True)
            continue
        partial.replace(target)
        return
    raise DownloadFailed(
        tr("could not download {file}: {failures}", file=name, failures="; ".join(failures)), hint=hint,
    )
