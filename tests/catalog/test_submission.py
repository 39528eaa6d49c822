"""Finding a student's file: what the student is told when it is not there."""

from __future__ import annotations

from pathlib import Path

from grader.catalog.submission import find_student_file


def test_a_missing_file_is_named_without_the_graders_folder(tmp_path: Path) -> None:
    folder = tmp_path / "class" / "dave"
    folder.mkdir(parents=True)
    found = find_student_file(folder, "exercise_02.py")
    assert found.path is None
    assert found.note == "exercise_02.py (or exercise_02.ipynb) not found in the submission"
    assert str(tmp_path) not in found.note
