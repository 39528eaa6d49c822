"""`grader data`: where the data was found, import, and the errors a user sees."""

from __future__ import annotations

import pytest

from grader.cli import main
from tests.data.tiny_mnist import write_tiny_mnist


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private home and cache, with no data directory in the environment."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GRADER_DATA_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "1000")  # rich wraps at the terminal width: keep long paths on one line
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _out(capsys) -> str:
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


def test_shows_where_the_data_was_found(home, capsys, monkeypatch):
    write_tiny_mnist(home / "mnist", train=4, test=2)
    monkeypatch.setenv("GRADER_DATA_DIR", str(home / "mnist"))
    assert main(["--no-color", "data"]) == 0
    assert f"MNIST found in {home / 'mnist'} ($GRADER_DATA_DIR)" in _out(capsys)


def test_nothing_found_explains_how_to_provide(home, capsys):
    assert main(["--no-color", "data"]) == 2
    out = _out(capsys)
    assert "MNIST data not found" in out and "grader data --download" in out


def test_data_dir_without_the_files_is_an_error(home, capsys):
    (home / "empty").mkdir()
    assert main(["--no-color", "data", "--data-dir", str(home / "empty")]) == 2
    assert "does not hold MNIST (no MNIST files)" in _out(capsys)


def test_import_refuses_files_that_are_not_the_originals(home, capsys):
    write_tiny_mnist(home / "mine", train=4, test=2)
    assert main(["--no-color", "data", "--import", str(home / "mine")]) == 2
    assert "does not match the original file's sha256" in _out(capsys)
    assert not (home / "cache" / "grader" / "mnist").exists()


def test_import_real_data_into_the_cache(home, capsys, shared_mnist):
    assert main(["--no-color", "data", "--import", str(shared_mnist)]) == 0
    out = _out(capsys)
    assert f"MNIST found in {home / 'cache' / 'grader' / 'mnist'} (the user cache)" in out


def test_check_without_data_reports_not_run(home, capsys, cli_sandbox):
    """`grader check` of an MNIST exercise with no data and downloads off: NOT RUN, exit 0."""
    from tests.conftest import REPO_ROOT

    code = main(["--no-color", "check", "exercise_06", "--submission", str(REPO_ROOT / "solutions"), "--no-download"])
    out = _out(capsys)
    assert code == 0
    assert "NOT RUN" in out and "MNIST data not found" in out


@pytest.fixture
def tiny_mirror(tmp_path, monkeypatch):
    """The standard mirrors, served from memory with generated files whose checksums
    replace the originals' (the network seam, `UrllibTransport`, is what is faked)."""
    import hashlib

    import grader.data.mnist.download as download
    from grader.data.mnist.files import MNIST_FILES, MnistFile

    source = tmp_path / "mirror"
    write_tiny_mnist(source, train=4, test=2)
    bodies = {spec.gz_name: (source / spec.gz_name).read_bytes() for spec in MNIST_FILES}
    specs = tuple(
        MnistFile(s.name, s.split, s.kind, s.count, hashlib.sha256(bodies[s.gz_name]).hexdigest(), "-")
        for s in MNIST_FILES
    )
    monkeypatch.setattr(download, "MNIST_FILES", specs)
    fetched: list[str] = []

    class Mirror:
        def open(self, url: str, timeout_s: float):
            fetched.append(url)
            name = url.rsplit("/", 1)[-1]
            if not url.startswith(download.MIRRORS[0]) or name not in bodies:
                raise OSError("connection refused")
            return len(bodies[name]), iter([bodies[name]])

    monkeypatch.setattr(download, "UrllibTransport", Mirror)
    return fetched


def test_download_to_a_folder(home, capsys, tiny_mirror):
    target = home / "elsewhere"
    assert main(["--no-color", "data", "--download", "--to", str(target)]) == 0
    out = _out(capsys)
    assert sorted(p.name for p in target.iterdir()) == sorted(u.rsplit("/", 1)[-1] for u in tiny_mirror)
    assert len(tiny_mirror) == 4
    assert f"MNIST downloaded and verified in {target}" in out
    assert f"MNIST found in {target} (--data-dir)" in out
    assert not (home / "cache" / "grader" / "mnist").exists()  # --to, not the user cache


def test_download_goes_to_the_user_cache_by_default(home, capsys, tiny_mirror):
    assert main(["--no-color", "data", "--download"]) == 0
    assert f"MNIST found in {home / 'cache' / 'grader' / 'mnist'} (the user cache)" in _out(capsys)
    assert len(list((home / "cache" / "grader" / "mnist").glob("*.gz"))) == 4


def test_verify_names_files_that_are_not_the_originals(home, capsys, monkeypatch):
    write_tiny_mnist(home / "mnist", train=4, test=2)
    monkeypatch.setenv("GRADER_DATA_DIR", str(home / "mnist"))
    code = main(["--no-color", "data", "--verify"])
    out = _out(capsys)
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                 "t10k-labels-idx1-ubyte.gz"):
        assert f"{name}: sha256 differs from the original file" in out
    # Four images where MNIST has 60000: read and refused, by name.
    assert code == 2
    assert "train-images-idx3-ubyte.gz" in out.split("sha256 differs from the original file")[-1]


def test_verify_the_real_data(home, capsys, monkeypatch, shared_mnist):
    monkeypatch.setenv("GRADER_DATA_DIR", str(shared_mnist))
    assert main(["--no-color", "data", "--verify"]) == 0
    out = _out(capsys)
    assert out.count(": sha256 ok") == 4
    assert "60000 training and 10000 test images read" in out
