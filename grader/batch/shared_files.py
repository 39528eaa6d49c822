"""Which of a submission's exercise files its grading could share with other students'.

A file's result can be shared when grading it sees nothing that another student's
identical file (grader.catalog.identical) would not: the grade of a file is decided
by the file, the exercise's checks and the limits, which a batch holds the same for
everyone, and by whatever else of the student's folder the file uses. So the key of
a shareable file is its content key plus the content of every other entry of its
folder that the file names (`import helpers`, `open("weights.pt")`, a mention of
`exercise_05`): a file that names nothing of its folder, like the untouched stub, is
keyed on its content alone. Not shared, graded on their own:
  - an exercise handed in as both .py and notebook (which one is graded depends on
    the stub and on the files' times; grader.catalog.submission);
  - a file missing, or a link leading out of the folder;
  - a folder larger than the sandbox stages (it would leave files out).
Reads the student's files; never runs them.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.batch.archive import UnsafeArchive, extract_zip
from grader.batch.entries import Entry, locate_exercise_folder
from grader.catalog.course import Exercise
from grader.catalog.identical import content_key, normalise_text
from grader.sandbox.isolation import TOO_LARGE, read_submission


@dataclass(frozen=True)
class ShareableFile:
    name: str  # the file graded: exercise_01.py or exercise_01.ipynb
    key: str  # equal keys: grading either file gives the same result


@dataclass(frozen=True)
class SubmissionFiles:
    """A submission's shareable files, by exercise id, and where its worker finds them."""

    folder: PurePosixPath  # the exercise folder, relative to the folder or the unpacked .zip
    files: dict[str, ShareableFile] = field(default_factory=dict)


def _staged(folder: Path) -> dict[PurePosixPath, bytes] | None:
    """The files the sandbox stages from `folder`, read by its own rules; None when it
    would leave some out."""
    left_out: list[str] = []
    files = read_submission(folder, left_out.append)
    if TOO_LARGE in left_out:
        return None
    return {PurePosixPath(relative.as_posix()): content for relative, content in files}


def _source_text(path: Path) -> str:
    """What the file's code can name: its text (a notebook's JSON holds its cells' code)."""
    return normalise_text(path.read_bytes()).decode("utf-8", "replace")


def _named(entry_name: str, text: str) -> bool:
    """Whether `text` names a folder entry: its name, or its name without the suffix, as a word."""
    stem = entry_name.split(".", 1)[0] or entry_name
    return any(re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text) for word in {entry_name, stem})


def _key(path: Path, staged: dict[PurePosixPath, bytes]) -> str:
    """The file's content key, with the content of the folder's entries its text names."""
    text = _source_text(path)
    digest = hashlib.sha256(content_key(path).encode())
    for top in sorted({relative.parts[0] for relative in staged} - {path.name}):
        if not _named(top, text):
            continue
        for relative in sorted(r for r in staged if r.parts[0] == top):
            digest.update(f"\0{relative.as_posix()}\0".encode("utf-8", "surrogateescape"))
            digest.update(staged[relative])
    return digest.hexdigest()


def _shareable(folder: Path, exercise: Exercise, staged: dict[PurePosixPath, bytes]) -> ShareableFile | None:
    py = folder / exercise.manifest.student_file
    notebook = py.with_suffix(".ipynb")
    present = [p for p in (py, notebook) if p.is_file() or p.is_symlink()]
    if len(present) != 1 or PurePosixPath(present[0].name) not in staged:
        return None  # missing, both kinds, or a link out of the folder: graded on its own
    return ShareableFile(present[0].name, _key(present[0], staged))


def submission_files(entry: Entry, exercises: list[Exercise], scratch: Path) -> SubmissionFiles:
    """The entry's shareable files (none when it cannot be read: its worker says why).
    A .zip is unpacked into `scratch`, as its worker will unpack it, and removed."""
    try:
        if entry.is_zip:
            extract_zip(entry.path, scratch)
            root = scratch
        else:
            root = entry.path
        folder = locate_exercise_folder(root)
        staged = _staged(folder)
        if staged is None:
            return SubmissionFiles(PurePosixPath(folder.relative_to(root).as_posix()))
        files = {e.id: found for e in exercises if (found := _shareable(folder, e, staged)) is not None}
        return SubmissionFiles(PurePosixPath(folder.relative_to(root).as_posix()), files)
    except (OSError, UnsafeArchive, ValueError):
        return SubmissionFiles(PurePosixPath("."))
    finally:
        if entry.is_zip:
            shutil.rmtree(scratch, ignore_errors=True)
