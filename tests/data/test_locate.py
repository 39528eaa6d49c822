"""Finding MNIST: the order of places, torchvision's layout, and the how-to message."""

from __future__ import annotations

from pathlib import Path

from grader.data.locate import DataSearch, default_cache_root
from grader.data.mnist.locate import cache_dir, candidates, find_mnist, how_to_provide
from tests.data.tiny_mnist import write_tiny_mnist


def test_data_dir_wins_over_environment_and_cache(tmp_path):
    for name in ("given", "env", "cache"):
        write_tiny_mnist(tmp_path / name, train=4, test=2)
    located = find_mnist(
        candidates(DataSearch(data_dir=tmp_path / "given", env_dir=str(tmp_path / "env"), cache_root=tmp_path))
    )
    assert located.folder == tmp_path / "given"
    assert located.source == "--data-dir"


def test_environment_then_cache(tmp_path):
    write_tiny_mnist(tmp_path / "mnist", train=4, test=2)
    located = find_mnist(candidates(DataSearch(env_dir=str(tmp_path / "empty"), cache_root=tmp_path)))
    assert located.folder == tmp_path / "mnist"
    assert [c.source for c, _ in located.passed_over][:1] == ["$GRADER_DATA_DIR"]


def test_torchvision_layout_under_a_root(tmp_path):
    write_tiny_mnist(tmp_path / "root" / "MNIST" / "raw", train=4, test=2, gz=False)
    located = find_mnist(candidates(DataSearch(data_dir=tmp_path / "root")))
    assert located.folder == tmp_path / "root" / "MNIST" / "raw"
    assert "torchvision" in located.source


def test_torchvision_layout_in_the_working_folder(tmp_path):
    write_tiny_mnist(tmp_path / "data" / "MNIST" / "raw", train=4, test=2)
    assert find_mnist(candidates(DataSearch(cwd=tmp_path))).folder == tmp_path / "data" / "MNIST" / "raw"


def test_an_incomplete_folder_is_passed_over_and_said_why(tmp_path):
    write_tiny_mnist(tmp_path / "part", train=4, test=2)
    (tmp_path / "part" / "t10k-labels-idx1-ubyte.gz").unlink()
    located = find_mnist(candidates(DataSearch(data_dir=tmp_path / "part")))
    assert located.folder is None
    assert located.passed_over[0][1] == "missing t10k-labels-idx1-ubyte.gz"
    message = how_to_provide(located)
    assert "missing t10k-labels-idx1-ubyte.gz" in message
    for remedy in ("grader data --download", "--data-dir FOLDER", "GRADER_DATA_DIR=FOLDER", "grader data --import"):
        assert remedy in message


def test_cache_dir_follows_xdg():
    assert cache_dir(default_cache_root({"XDG_CACHE_HOME": "/x"}, Path("/home/u"))) == Path("/x/grader/mnist")
    assert cache_dir(default_cache_root({}, Path("/home/u"))) == Path("/home/u/.cache/grader/mnist")
