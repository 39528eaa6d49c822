"""A student's code for one exercise, read (never run) from their submission: a folder or
a .zip, holding `exercise_NN.py` or the notebook of the same name.

The file is the one grading picks (`find_student_file`: when both exist, the one the
student worked on). A notebook counts by its code cells, joined in order under a
`# In[n]:` line each (a comment, so it matches nothing): the text compared and shown.
A file with nothing beyond the stub is not compared at all (told by its fingerprints,
once they are made: analyse.py): two students who did nothing are not copies.

A .zip is read in memory: only its exercise files, each under a size cap; nothing of
it is extracted under a name it chose.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePosixPath

from grader.catalog.course import Exercise
from grader.catalog.notebook_code import check_cell_source, generated_code
from grader.catalog.submission import find_student_file

MAX_FILE_BYTES = 16 * 1024 * 1024  # a notebook with its plots' outputs; a .py is far smaller
_EXERCISE_FILE = re.compile(r"^exercise_\w+\.(py|ipynb)$")
_IGNORED = {"__pycache__", ".git", ".ipynb_checkpoints", "__MACOSX"}
_FOLDER_DEPTH = 3  # zips often wrap a folder, or an exercises/ folder: look this deep


class NotCompared(str, Enum):
    """Why a student's file for an exercise is left out of the comparison."""

    MISSING = "missing"  # no such file in the submission
    UNTOUCHED = "untouched"  # nothing beyond the stub (as handed out, or a notebook made from it)
    UNREADABLE = "unreadable"  # not UTF-8, not a notebook, too big, a broken zip


@dataclass(frozen=True)
class CodeFile:
    """What is compared and shown of one student's exercise."""

    name: str  # exercise_01.py or exercise_01.ipynb
    text: str  # the .py's source, or the notebook's code cells joined


@dataclass(frozen=True)
class StubCode:
    """The exercise's released starter code: boilerplate that counts for nothing."""

    source: str | None  # the stub .py; None where the course has none
    exercise_id: str

    def boilerplate_texts(self) -> list[str]:
        """The stub, and the notebook generated from it (its cells, and the last one that
        runs the checks), joined as a student's notebook is."""
        try:
            cells = generated_code(self.source, self.exercise_id) if self.source else []
        except SyntaxError:  # a stub that does not parse makes no notebook
            cells = []
        return ([self.source] if self.source else []) + [joined_cells(cells or [check_cell_source(self.exercise_id)])]

    @classmethod
    def of(cls, exercise: Exercise) -> "StubCode":
        try:
            return cls(exercise.stub_path.read_text(encoding="utf-8"), exercise.id)
        except (OSError, UnicodeDecodeError):
            return cls(None, exercise.id)


def joined_cells(cells: list[str]) -> str:
    """Code cells as one text, each under a `# In[n]:` line (a comment: it matches nothing)."""
    return "\n".join(f"# In[{n}]:\n{source.rstrip()}\n" for n, source in enumerate(cells, 1))


def notebook_text(raw: str) -> str:
    """A notebook's code cells, joined; ValueError when it is not a notebook."""
    import nbformat  # only notebooks need it

    try:
        notebook = nbformat.reads(raw, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for a broken file
        raise ValueError(str(exc)) from exc
    return joined_cells([c.source for c in notebook.cells if c.cell_type == "code"])


def _decoded(data: bytes, name: str) -> str:
    """The code of a file's bytes; ValueError when too big, not UTF-8 or not a notebook."""
    if len(data) > MAX_FILE_BYTES:
        raise ValueError("too big")
    raw = data.decode("utf-8")
    return notebook_text(raw) if name.endswith(".ipynb") else raw


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def _shallowest_folder(root: Path) -> Path:
    """The shallowest folder under `root` holding exercise files: the rule the batch grades
    by (batch/entries.py's locate_exercise_folder, which this layer, below batch, cannot import)."""
    level = [root]
    for _ in range(_FOLDER_DEPTH + 1):
        for folder in level:
            if any(_EXERCISE_FILE.match(p.name) for p in folder.iterdir() if p.is_file()):
                return folder
        level = sorted(p for folder in level for p in folder.iterdir()
                       if p.is_dir() and not p.is_symlink() and p.name not in _IGNORED and not p.name.startswith("."))
    return root


def _read_from_folder(folder: Path, exercise: Exercise, stub: StubCode) -> CodeFile | NotCompared:
    py = folder / exercise.manifest.student_file
    if py.is_symlink() or py.with_suffix(".ipynb").is_symlink():
        return NotCompared.UNREADABLE  # never followed: a link is not the student's code
    chosen = find_student_file(folder, exercise.manifest.student_file, exercise.id, stub.source)
    if chosen.path is None:
        return NotCompared.MISSING
    try:
        return CodeFile(chosen.path.name, _decoded(_read_capped(chosen.path), chosen.path.name))
    except (OSError, UnicodeDecodeError, ValueError):
        return NotCompared.UNREADABLE


def _zip_folder(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The exercise files of the shallowest folder in the zip that holds any, by name."""
    members = []
    for info in archive.infolist():
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or any(p in _IGNORED or p == ".." for p in path.parts) or info.filename.startswith("/"):
            continue
        if _EXERCISE_FILE.match(path.name) and len(path.parts) <= _FOLDER_DEPTH + 1:
            members.append((len(path.parts), str(path.parent), path.name, info))
    if not members:
        return {}
    depth, folder = min((m[0], m[1]) for m in members)
    return {name: info for d, f, name, info in members if (d, f) == (depth, folder)}


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_FILE_BYTES:
        raise ValueError("too big")
    with archive.open(info) as source:
        return source.read(MAX_FILE_BYTES + 1)


def _read_from_zip(archive: zipfile.ZipFile, files: dict[str, zipfile.ZipInfo], exercise: Exercise,
                   stub: StubCode) -> CodeFile | NotCompared:
    py = exercise.manifest.student_file
    notebook = str(PurePosixPath(py).with_suffix(".ipynb"))
    present = [files[name] for name in (py, notebook) if name in files]
    if not present:
        return NotCompared.MISSING
    if len(present) == 1:
        name = PurePosixPath(present[0].filename).name
        return CodeFile(name, _decoded(_member_bytes(archive, present[0]), name))
    # Both: the choice is grading's, which reads the files (and their times) from disk.
    # Only our own names, in a folder of our own.
    with tempfile.TemporaryDirectory(prefix="grader-similarity-") as folder:
        for info in present:
            target = Path(folder) / PurePosixPath(info.filename.replace("\\", "/")).name
            target.write_bytes(_member_bytes(archive, info))
            when = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(target, (when, when))
        return _read_from_folder(Path(folder), exercise, stub)


def read_submission(submission: Path, exercises: list[tuple[Exercise, StubCode]]) -> dict[str, CodeFile | NotCompared]:
    """The student's code for each exercise (by id) in their submission, a folder or a .zip."""
    found: dict[str, CodeFile | NotCompared] = {}
    if submission.is_file() and submission.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(submission) as archive:
                files = _zip_folder(archive)
                for exercise, stub in exercises:
                    try:
                        found[exercise.id] = _read_from_zip(archive, files, exercise, stub)
                    except (UnicodeDecodeError, ValueError, OverflowError, NotImplementedError, RuntimeError,
                            EOFError, zipfile.BadZipFile):
                        found[exercise.id] = NotCompared.UNREADABLE
        except (OSError, zipfile.BadZipFile):
            return {exercise.id: NotCompared.UNREADABLE for exercise, _ in exercises}
        return found
    if not submission.is_dir():
        return {exercise.id: NotCompared.MISSING for exercise, _ in exercises}
    try:
        folder = _shallowest_folder(submission)
    except OSError:
        return {exercise.id: NotCompared.UNREADABLE for exercise, _ in exercises}
    for exercise, stub in exercises:
        try:
            found[exercise.id] = _read_from_folder(folder, exercise, stub)
        except OSError:
            found[exercise.id] = NotCompared.UNREADABLE
    return found
