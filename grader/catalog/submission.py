"""Find a student's file for an exercise inside a submission folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

from grader.errors import SubmissionNotFound
from grader.i18n import tr
from grader.catalog.notebook_code import code_digest, generated_from, is_untouched_notebook, stub_digest

if TYPE_CHECKING:
    from nbformat import NotebookNode


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


def exercises_named_by_files(names: list[str], cwd: Path) -> tuple[list[str], Path | None]:
    """`grader check exercises/exercise_03.py`: a student who names their file means
    that file. Each name with a folder in it is taken as a path: the exercise is its
    file name, the submission folder is the file's folder (the same for all of them);
    other names pass unchanged. The names to select, and the folder (None: no path)."""
    selected: list[str] = []
    folders: set[Path] = set()
    for name in names:
        if "/" not in name and "\\" not in name:
            selected.append(name)
            continue
        path = (cwd / name).absolute()
        if not path.is_file():
            raise SubmissionNotFound(tr("{path} does not exist", path=path),
                                     hint=tr("name an exercise (e.g. exercise_03 or 03), or an existing file"))
        selected.append(path.name)
        folders.add(path.parent)
    if len(folders) > 1:
        raise SubmissionNotFound(
            tr("the files named are in different folders: {folders}", folders=", ".join(sorted(map(str, folders)))),
            hint=tr("check one folder at a time, or pass --submission FOLDER"))
    return selected, next(iter(folders), None)


def resolve_submission_dir(path: Path | None, cwd: Path) -> Path:
    """The folder holding exercise files: the given one, or ./exercises, or the current folder."""
    if path is None:
        candidate = cwd / "exercises"
        return candidate if candidate.is_dir() else cwd
    # Absolute: the worker that imports the student's file runs in another folder.
    path = (cwd / path).absolute()
    if not path.exists():
        raise SubmissionNotFound(tr("submission folder {path} does not exist", path=path))
    if not path.is_dir():
        raise SubmissionNotFound(
            tr("{path} is a file; --submission takes the folder that holds exercise_NN.py files", path=path)
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
                None, tr("{file} is a link to a file outside the submission folder; it was not graded",
                         file=candidate.name)
            )
    if py.is_file() and notebook.is_file():
        return _choose(py, notebook, exercise_id or py.stem, stub_source)
    if py.is_file():
        return StudentFile(py)
    if notebook.is_file():
        return StudentFile(notebook)
    # Only the expected file's name: the folder is the grader's path (in a batch, the
    # instructor's), which means nothing to the student who reads this.
    return StudentFile(None, tr("{file} (or {notebook}) not found in the submission",
                                file=py.name, notebook=notebook.name))


def _choose(py: Path, notebook_path: Path, exercise_id: str, stub_source: str | None) -> StudentFile:
    """Both files exist. In a clone of the course, or a kit, the .py stub is always
    there: grade the one that is not an untouched stub, else the one saved last."""
    py_source = _read_text(py)
    notebook = _read_notebook(notebook_path)
    untouched = _untouched(py_source, notebook, exercise_id, stub_source)
    if untouched is not None:
        py_untouched, notebook_untouched = untouched
        if py_untouched and not notebook_untouched:
            return StudentFile(notebook_path, choice=tr("{file} is the untouched stub", file=py.name))
        if notebook_untouched and not py_untouched:
            return StudentFile(py, choice=tr("{file} is the untouched stub", file=notebook_path.name))
        if py_untouched:
            return StudentFile(py, choice=tr("both are the untouched stub"))
    elif py_source is not None and notebook is not None and _generated_from_py(notebook, py_source, exercise_id):
        return StudentFile(py, choice=tr("{file} holds the same code", file=notebook_path.name))
    # Both hold work (or there is no way to tell): the one saved last.
    py_time, notebook_time = py.stat().st_mtime, notebook_path.stat().st_mtime
    if notebook_time > py_time:
        why = tr("{file} was saved last", file=notebook_path.name)
    elif py_time > notebook_time:
        why = tr("{file} was saved last", file=py.name)
    else:
        why = tr("both were saved at the same time")
    if untouched is not None:
        why = tr("both differ from the stub; {why}", why=why)
    return StudentFile(notebook_path if notebook_time > py_time else py, choice=why)


def _untouched(
    py_source: str | None, notebook: NotebookNode | None, exercise_id: str, stub_source: str | None
) -> tuple[bool, bool] | None:
    """(the .py is the untouched stub, the notebook is), judged against the course's
    stub, else against the digests a generated notebook records; None when neither
    is at hand. Docstrings do not count: a kit in another language translates them.
    An unreadable file counts as work: grading it shows the student why."""
    if stub_source is not None:
        py_untouched = py_source is not None and stub_digest(py_source) == stub_digest(stub_source)
        return py_untouched, notebook is not None and _generated_from_py(notebook, stub_source, exercise_id)
    record = generated_from(notebook) if notebook is not None else None
    if record is None:
        return None
    # A kit released before docstrings stopped counting recorded the older digests.
    py_untouched = py_source is not None and record.stub_sha256 in (
        stub_digest(py_source), stub_digest(py_source, docstrings=True)
    )
    return py_untouched, record.code_sha256 in (code_digest(notebook), code_digest(notebook, docstrings=True))


def _generated_from_py(notebook: NotebookNode, source: str, exercise_id: str) -> bool:
    try:
        return is_untouched_notebook(notebook, source, exercise_id)
    except SyntaxError:  # a .py that does not parse generates no notebook
        return False


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _read_notebook(path: Path) -> NotebookNode | None:
    import nbformat  # only a notebook submission needs it (~70 ms of a cold `grader check`)

    try:
        return nbformat.read(str(path), as_version=4)
    except Exception:  # noqa: BLE001 - nbformat raises many kinds for a broken file; it is then graded as work
        return None
