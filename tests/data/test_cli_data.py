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


def test_check_without_data_reports_not_run(home, capsys):
    """`grader check` of an MNIST exercise with no data and downloads off: NOT RUN, exit 0."""
    from tests.conftest import REPO_ROOT

    code = main(["--no-color", "check", "exercise_06", "--submission", str(REPO_ROOT / "solutions"), "--no-download"])
    out = _out(capsys)
    assert code == 0
    assert "NOT RUN" in out and "MNIST data not found" in out
