"""Reading IDX files: good files load; every kind of damage is an error naming the file."""

from __future__ import annotations

import gzip
import struct

import pytest
import torch

from grader.data.mnist.files import IMAGES_MAGIC, LABELS_MAGIC
from grader.data.idx import read_idx, write_idx
from grader.data.mnist.load import load_mnist
from grader.errors import DataFileError
from tests.data.tiny_mnist import write_tiny_mnist


@pytest.mark.parametrize("name", ["labels-idx1-ubyte", "labels-idx1-ubyte.gz"])
def test_round_trip_gzipped_or_raw(tmp_path, name):
    labels = torch.tensor([3, 1, 4, 1, 5], dtype=torch.uint8)
    write_idx(tmp_path / name, labels)
    assert torch.equal(read_idx(tmp_path / name, magic=LABELS_MAGIC, count=5), labels)


def test_images_keep_their_shape(tmp_path):
    images = torch.arange(2 * 28 * 28).remainder(256).to(torch.uint8).view(2, 28, 28)
    write_idx(tmp_path / "img", images)
    got = read_idx(tmp_path / "img", magic=IMAGES_MAGIC, count=2, item_shape=(28, 28))
    assert torch.equal(got, images)


def test_wrong_magic_names_the_file(tmp_path):
    write_idx(tmp_path / "labels", torch.zeros(3, dtype=torch.uint8))
    with pytest.raises(DataFileError, match=r"labels has magic number 2049, expected 2051"):
        read_idx(tmp_path / "labels", magic=IMAGES_MAGIC)


def test_truncated_body_is_reported(tmp_path):
    path = tmp_path / "t10k-labels-idx1-ubyte"
    write_idx(path, torch.zeros(10, dtype=torch.uint8))
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(DataFileError, match=r"t10k-labels-idx1-ubyte declares 10 data bytes but holds 7: the file is truncated"):
        read_idx(path, magic=LABELS_MAGIC)


def test_truncated_gzip_is_reported(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    write_idx(path, torch.zeros(4, 28, 28, dtype=torch.uint8))
    path.write_bytes(path.read_bytes()[:20])
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte.gz is not a valid gzip file"):
        read_idx(path, magic=IMAGES_MAGIC)


def test_junk_gzip_is_reported(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(b"<html>not found</html>")
    with pytest.raises(DataFileError, match="not a valid gzip file"):
        read_idx(path, magic=LABELS_MAGIC)


def test_header_only_file_is_too_short(tmp_path):
    path = tmp_path / "short"
    path.write_bytes(struct.pack(">I", IMAGES_MAGIC))
    with pytest.raises(DataFileError, match="too short"):
        read_idx(path, magic=IMAGES_MAGIC)


def test_declared_count_must_match_the_standard(tmp_path):
    path = tmp_path / "labels.gz"
    write_idx(path, torch.zeros(5, dtype=torch.uint8))
    with pytest.raises(DataFileError, match=r"declares sizes \(5,\), expected \(10000,\)"):
        read_idx(path, magic=LABELS_MAGIC, count=10000)


def test_extra_bytes_are_reported(tmp_path):
    path = tmp_path / "labels.gz"
    raw = struct.pack(">II", LABELS_MAGIC, 2) + b"\x01\x02\x03"
    path.write_bytes(gzip.compress(raw))
    with pytest.raises(DataFileError, match="followed by extra bytes"):
        read_idx(path, magic=LABELS_MAGIC)


@pytest.mark.parametrize("gz", [True, False])
def test_load_folder(tmp_path, gz):
    tensors = write_tiny_mnist(tmp_path, train=20, test=8, gz=gz)
    data = load_mnist(tmp_path, full=False)
    assert data.train_images.shape == (20, 28, 28)
    assert torch.equal(data.test_labels, tensors["test_labels"])


def test_full_load_rejects_a_small_set(tmp_path):
    write_tiny_mnist(tmp_path, train=20, test=8)
    with pytest.raises(DataFileError, match=r"train-images-idx3-ubyte.gz declares sizes \(20, 28, 28\), expected \(60000, 28, 28\)"):
        load_mnist(tmp_path)


def test_images_and_labels_must_agree(tmp_path):
    write_tiny_mnist(tmp_path, train=20, test=8)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", torch.zeros(7, dtype=torch.uint8))
    with pytest.raises(DataFileError, match="the test split has 8 images but 7 labels"):
        load_mnist(tmp_path, full=False)


def test_labels_must_be_digits(tmp_path):
    write_tiny_mnist(tmp_path, train=20, test=8)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", torch.full((8,), 11, dtype=torch.uint8))
    with pytest.raises(DataFileError, match="digits are 0-9"):
        load_mnist(tmp_path, full=False)
