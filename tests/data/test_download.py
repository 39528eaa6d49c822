"""Downloading and importing MNIST, against an in-memory transport (never the network)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

import grader.data.mnist.download as download
from grader.data.mnist.files import MNIST_FILES, MnistFile
from grader.errors import DownloadFailed
from tests.data.tiny_mnist import write_tiny_mnist


@dataclass
class FakeTransport:
    """Serves `files` by URL; anything else fails like a dead mirror."""

    files: dict[str, bytes]
    opened: list[str] = field(default_factory=list)

    def open(self, url: str, timeout_s: float) -> tuple[int | None, Iterator[bytes]]:
        self.opened.append(url)
        if url not in self.files:
            raise OSError("connection refused")
        body = self.files[url]
        return len(body), iter([body[i : i + 7] for i in range(0, len(body), 7)])


@pytest.fixture
def tiny_specs(tmp_path, monkeypatch) -> tuple[dict[str, bytes], tuple[MnistFile, ...]]:
    """Checksums replaced by those of generated files, so the real logic can run on them."""
    source = tmp_path / "source"
    write_tiny_mnist(source, train=4, test=2)
    bodies = {spec.gz_name: (source / spec.gz_name).read_bytes() for spec in MNIST_FILES}
    specs = tuple(
        MnistFile(s.name, s.split, s.kind, s.count, hashlib.sha256(bodies[s.gz_name]).hexdigest(), "-")
        for s in MNIST_FILES
    )
    monkeypatch.setattr(download, "MNIST_FILES", specs)
    return bodies, specs


def test_downloads_from_the_first_mirror_that_works(tmp_path, tiny_specs):
    bodies, _ = tiny_specs
    transport = FakeTransport({f"https://b/{name}": body for name, body in bodies.items()})
    seen: list[tuple[str, int, int | None]] = []
    fetched = download.download_mnist(
        tmp_path / "cache", transport=transport, mirrors=("https://a/", "https://b/"),
        progress=lambda name, done, total: seen.append((name, done, total)),
    )
    assert fetched == [spec.gz_name for spec in MNIST_FILES]
    assert (tmp_path / "cache" / "t10k-labels-idx1-ubyte.gz").read_bytes() == bodies["t10k-labels-idx1-ubyte.gz"]
    assert seen[-1][1] == seen[-1][2]  # the bar reaches its total
    assert not list((tmp_path / "cache").glob("*.part"))
    # A second run finds everything verified and fetches nothing.
    assert download.download_mnist(tmp_path / "cache", transport=transport, mirrors=("https://b/",)) == []


def test_a_corrupt_download_is_discarded_and_reported(tmp_path, tiny_specs):
    bodies, _ = tiny_specs
    files = {f"https://a/{name}": body[:-5] for name, body in bodies.items()}
    with pytest.raises(DownloadFailed, match="checksum mismatch") as failure:
        download.download_mnist(tmp_path / "cache", transport=FakeTransport(files), mirrors=("https://a/",))
    assert "grader data --import" in failure.value.hint
    assert not any((tmp_path / "cache").iterdir())


def test_no_network_names_every_mirror(tmp_path, tiny_specs):
    with pytest.raises(DownloadFailed, match=r"https://a/train-images-idx3-ubyte.gz: connection refused; https://b/"):
        download.download_mnist(tmp_path / "cache", transport=FakeTransport({}), mirrors=("https://a/", "https://b/"))


def test_import_checks_sums_before_copying(tmp_path, tiny_specs):
    bodies, _ = tiny_specs
    source = tmp_path / "source"
    copied = download.import_mnist(source, tmp_path / "cache")
    assert sorted(copied) == sorted(bodies)
    (source / "train-labels-idx1-ubyte.gz").write_bytes(b"junk")
    with pytest.raises(DownloadFailed, match=r"train-labels-idx1-ubyte.gz does not match the original file's sha256"):
        download.import_mnist(source, tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_real_checksums_are_the_shared_copies(shared_mnist: Path):
    for spec in MNIST_FILES:
        assert download.is_verified(shared_mnist / spec.gz_name, spec)
