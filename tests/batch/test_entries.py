"""Discovering submissions and fingerprinting them."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.entries import (
    Entry, UnreadableSubmission, config_hash, content_hash, discover, locate_exercise_folder,
)
from grader.catalog.course import Course
from tests.batch.classroom import folder, zipped
from tests.conftest import REPO_ROOT


def test_one_entry_per_student_folder_or_zip(tmp_path: Path) -> None:
    folder(tmp_path, "alice", "x = 1")
    zipped(tmp_path, "bob", {"exercise_01.py": "x = 2"})
    folder(tmp_path, "carol", "x = 3")
    zipped(tmp_path, "carol", {"exercise_01.py": "x = 4"})
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / ".DS_Store").write_text("")
    found = discover(tmp_path)
    assert [(e.student_id, e.path.name) for e in found.entries] == [
        ("alice", "alice"), ("bob", "bob.zip"), ("carol", "carol")]
    assert found.ignored == ["notes.txt"]
    assert "more than one submission for carol" in found.entries[2].problem
    assert not found.entries[0].problem


def test_content_hash_follows_content_not_caches(tmp_path: Path) -> None:
    entry = Entry("alice", folder(tmp_path, "alice", "x = 1"))
    first = content_hash(entry)
    (entry.path / "__pycache__").mkdir()
    (entry.path / "__pycache__" / "exercise_01.cpython-311.pyc").write_bytes(b"\0")
    assert content_hash(entry) == first
    (entry.path / "exercise_01.py").write_text("x = 2")
    assert content_hash(entry) != first
    (entry.path / "exercise_01.py").write_text("x = 1")
    (entry.path / "exercise_02.py").write_text("")
    assert content_hash(entry) != first  # a new file is new content


def test_unreadable_file_is_reported_not_raised_raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = Entry("alice", folder(tmp_path, "alice", "x = 1"))
    real_open = Path.open

    def failing_open(self: Path, *args, **kwargs):  # root reads any file, so fake the refusal
        if self.name == "exercise_01.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(UnreadableSubmission, match="cannot read .*exercise_01.py: Permission denied"):
        content_hash(entry)


def test_config_hash_changes_with_limits_and_checks(tmp_path: Path) -> None:
    exercises = Course.at(REPO_ROOT).exercises()
    base = config_hash(exercises, {"timeout_s": None})
    assert base == config_hash(exercises, {"timeout_s": None})
    assert base != config_hash(exercises, {"timeout_s": 3.0})
    assert base != config_hash([], {"timeout_s": None})


def test_locate_exercise_folder_descends_into_wrappers(tmp_path: Path) -> None:
    inner = tmp_path / "Alice Smith - lab1" / "exercises"
    inner.mkdir(parents=True)
    (inner / "exercise_01.ipynb").write_text("{}")
    (tmp_path / "__MACOSX").mkdir()
    assert locate_exercise_folder(tmp_path) == inner
    assert locate_exercise_folder(tmp_path / "__MACOSX") == tmp_path / "__MACOSX"


def test_the_output_folder_inside_the_submissions_is_not_a_student(tmp_path: Path) -> None:
    folder(tmp_path, "alice", "x = 1")
    (tmp_path / "results").mkdir()
    assert [e.student_id for e in discover(tmp_path, exclude=tmp_path / "results").entries] == ["alice"]
    assert [e.student_id for e in discover(tmp_path).entries] == ["alice", "results"]
