"""What crosses to the sandbox: training data and test images, never the test labels."""

from __future__ import annotations

import pytest
import torch

from grader.data.mnist.prepared import load_child_file
from grader.data.mnist.provider import MnistProvider
from grader.data.prepared import DataUnavailable, PreparedData
from tests.data.tiny_mnist import write_tiny_mnist


def test_child_file_has_no_test_labels(tmp_path):
    tensors = write_tiny_mnist(tmp_path / "mnist", train=12, test=5)
    provider = PreparedData(MnistProvider(full=False), tmp_path / "mnist")
    try:
        data = provider.get()
        assert provider.get() is data  # loaded once per run
        raw = torch.load(data.child_file, weights_only=True)
        assert set(raw) == {"train_images", "train_labels", "test_images"}
        assert torch.equal(data.test_labels, tensors["test_labels"].long())
        child = load_child_file(data.child_file, (0.1307, 0.3081))  # the course passes its own
        assert child.train_x.shape == (12, 1, 28, 28) and child.train_x.dtype == torch.float32
        assert child.test_x.shape == (5, 1, 28, 28)
        assert abs(float(child.train_x.min()) - (0 - 0.1307) / 0.3081) < 1e-4
    finally:
        provider.close()
    assert not data.child_file.exists()


def test_missing_data_says_how_to_provide_it():
    with pytest.raises(DataUnavailable, match=r"grader data --download.*--data-dir FOLDER"):
        PreparedData(MnistProvider(), None).get()


def test_corrupt_file_is_named(tmp_path):
    write_tiny_mnist(tmp_path, train=12, test=5)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:30])
    provider = PreparedData(MnistProvider(full=False), tmp_path)
    with pytest.raises(DataUnavailable, match=r"t10k-images-idx3-ubyte.gz is not a valid gzip file.*grader data --download"):
        provider.get()


def test_a_corrupt_file_reads_as_one_sentence_in_chinese(tmp_path):
    from grader.i18n import use_language

    write_tiny_mnist(tmp_path, train=12, test=5)
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:30])
    provider = PreparedData(MnistProvider(full=False), tmp_path)
    with use_language("zh"), pytest.raises(DataUnavailable) as raised:
        provider.get()
    said = str(raised.value)
    assert "t10k-images-idx3-ubyte.gz 不是有效的 gzip 文件" in said, said
    assert said.endswith("它可能不完整或已损坏。删除它，然后用 `grader data --download` 重新下载"), said


def test_a_provider_kept_across_students_says_why_in_each_ones_language(tmp_path):
    """A batch worker keeps one provider for every student it grades."""
    from grader.i18n import use_language

    provider = PreparedData(MnistProvider(), None)
    for language in ("zh", "en", "zh"):
        with use_language(language), pytest.raises(DataUnavailable) as raised:
            provider.get()
        said = str(raised.value)
        chinese = any("\u4e00" <= c <= "\u9fff" for c in said)
        assert chinese is (language == "zh"), said
