"""Find a student's file for an exercise inside a submission folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import SubmissionNotFound


@dataclass(frozen=True)
class StudentFile:
    path: Path | None
    note: str = ""


def resolve_submission_dir(path: Path | None, cwd: Path) -> Path:
    """The folder holding exercise files: the given one, or ./exercises, or the current folder."""
    if path is None:
        candidate = cwd / "exercises"
        return candidate if candidate.is_dir() else cwd
    # Absolute: the worker that imports the student's file runs in another folder.
    path = (cwd / path).absolute()
    if not path.exists():
        raise SubmissionNotFound(f"submission folder {path} does not exist")
    if not path.is_dir():
        raise SubmissionNotFound(
            f"{path} is a file; --submission takes the folder that holds exercise_NN.py files"
        )
    nested = path / "exercises"
    if nested.is_dir() and not any(path.glob("exercise_*.*")):
        return nested
    return path


def find_student_file(submission_dir: Path, student_file: str) -> StudentFile:
    """The .py file, or the notebook of the same name; .py wins when both exist."""
    py = submission_dir / student_file
    notebook = py.with_suffix(".ipynb")
    for candidate in (py, notebook):
        if candidate.is_symlink() and not candidate.resolve().is_relative_to(submission_dir.resolve()):
            return StudentFile(
                None, f"{candidate.name} is a link to a file outside the submission folder; it was not graded"
            )
    if py.is_file() and notebook.is_file():
        return StudentFile(py, f"both {py.name} and {notebook.name} exist; graded {py.name}")
    if py.is_file():
        return StudentFile(py)
    if notebook.is_file():
        return StudentFile(notebook)
    # Only the expected file's name: the folder is the grader's path (in a batch, the
    # instructor's), which means nothing to the student who reads this.
    return StudentFile(None, f"{py.name} (or {notebook.name}) not found in the submission")
