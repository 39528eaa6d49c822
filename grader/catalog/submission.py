"""Find a student's file for an exercise inside a submission folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.errors import SubmissionNotFound


@dataclass(frozen=True)
class StudentFile:
    path: Path | None
    note: str = ""  # a problem worth a note under the exercise, e.g. the file is missing
    choice: str = ""  # why this file, when the folder had both exercise_NN.py and .ipynb


def read_stub(stub_path: Path, submission_dir: Path, student_file: str) -> str | None:
    """The course's stub source to compare a student's files with; None when it cannot
    be read, or when it is the student's own file (a student working in the course
    folder itself, as in a clone or a kit: that "stub" holds their work)."""
    try:
        own = submission_dir / student_file
        if own.exists() and own.samefile(stub_path):
            return None
        return stub_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


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


def find_student_file(
    submission_dir: Path, student_file: str, exercise_id: str = "", stub_source: str | None = None
) -> StudentFile:
    """The .py file, or the notebook of the same name; when both exist, the one the
    student worked on, compared with `stub_source` (the exercise's untouched stub; see
    `_choose`). `exercise_id` is what the generated notebook's check cell names
    (default: the file's stem)."""
    py = submission_dir / student_file
    notebook = py.with_suffix(".ipynb")
    for candidate in (py, notebook):
        if candidate.is_symlink() and not candidate.resolve().is_relative_to(submission_dir.resolve()):
            return StudentFile(
                None, f"{candidate.name} is a link to a file outside the submission folder; it was not graded"
            )
    if py.is_file() and notebook.is_file():
        return _choose(py, notebook, exercise_id or py.stem, stub_source)
    if py.is_file():
        return StudentFile(py)
    if notebook.is_file():
        return StudentFile(notebook)
    return StudentFile(None, f"{py.name} (or {notebook.name}) not found in {submission_dir}")


def _choose(py: Path, notebook: Path, exercise_id: str, stub_source: str | None) -> StudentFile:
    """Both files exist. In a clone of the course, or a kit, the .py stub is always
    there: grade the one that is not an untouched stub, else the one saved last."""
    if stub_source is not None:
        py_untouched = _same_code(_read_text(py), stub_source)
        notebook_untouched = _untouched_notebook(notebook, stub_source, exercise_id)
        if py_untouched and not notebook_untouched:
            return StudentFile(notebook, choice=f"{py.name} is the untouched stub")
        if notebook_untouched and not py_untouched:
            return StudentFile(py, choice=f"{notebook.name} is the untouched stub")
        if py_untouched:
            return StudentFile(py, choice="both are the untouched stub")
    else:
        # No stub to compare with: a notebook generated from the .py beside it holds the
        # same code, so either gives the same grade.
        py_source = _read_text(py)
        if py_source is not None and _untouched_notebook(notebook, py_source, exercise_id):
            return StudentFile(py, choice=f"{notebook.name} holds the same code")
    # Both hold work (or there is no stub to tell): the one saved last.
    both = "both differ from the stub; " if stub_source is not None else ""
    py_time, notebook_time = py.stat().st_mtime, notebook.stat().st_mtime
    if notebook_time > py_time:
        return StudentFile(notebook, choice=f"{both}{notebook.name} was saved last")
    if py_time > notebook_time:
        return StudentFile(py, choice=f"{both}{py.name} was saved last")
    return StudentFile(py, choice=f"{both}both were saved at the same time")


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _normalised(source: str) -> list[str]:
    """Lines without trailing whitespace or line-ending differences (a checkout on
    Windows turns \\n into \\r\\n without anyone touching the file)."""
    return [line.rstrip() for line in source.strip().splitlines()]


def _same_code(source: str | None, stub_source: str) -> bool:
    return source is not None and _normalised(source) == _normalised(stub_source)


def _untouched_notebook(path: Path, stub_source: str, exercise_id: str) -> bool:
    import nbformat

    from grader.release.notebook import is_untouched_notebook

    try:
        notebook = nbformat.read(str(path), as_version=4)
        return is_untouched_notebook(notebook, stub_source, exercise_id)
    except Exception:  # noqa: BLE001 - an unreadable notebook is not an untouched one; it is graded as work
        return False
