"""Find the class's submissions: one entry per student, a folder or a .zip named by their id.

Also the fingerprints that let a re-run skip work: the hash of a submission's
content, and the hash of everything else that decides its grade (grader version,
the exercises' checks and solutions, the limits).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from grader.version import __version__
from grader.catalog.course import Exercise
from grader.errors import SubmissionNotFound
from grader.i18n import tr

# Left out of a folder's hash: they change without the student changing anything.
_IGNORED_NAMES = {"__pycache__", ".git", ".ipynb_checkpoints", ".DS_Store", "__MACOSX"}
_MAX_HASHED_BYTES = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_EXERCISE_FILE = re.compile(r"^exercise_\w+\.(py|ipynb)$")


class UnreadableSubmission(Exception):
    """A submission whose files cannot be read (permissions, a broken disk, too big).
    Its message is the student's to read: raise it in their language."""


@dataclass(frozen=True)
class Entry:
    student_id: str
    path: Path
    duplicates: tuple[str, ...] = ()  # every name handed in under this id, when more than one

    @property
    def is_zip(self) -> bool:
        return self.path.suffix.lower() == ".zip"

    @property
    def problem(self) -> str:
        """Why the entry cannot be graded at all, in the active language; "" when it can."""
        if self.duplicates:
            return tr("more than one submission for {student} ({names}); keep one and re-run",
                      student=self.student_id, names=tr(", ").join(self.duplicates))
        return ""


@dataclass(frozen=True)
class Discovery:
    entries: list[Entry]
    ignored: list[str]  # names in the folder that are neither folders nor .zip files


def discover(submissions: Path, exclude: Path | None = None) -> Discovery:
    """Entries sorted by student id. Hidden names and `exclude` (the output folder, when it
    lies inside) are skipped; other files are listed as ignored."""
    if not submissions.is_dir():
        raise SubmissionNotFound(
            tr("{path} is not a folder", path=submissions),
            hint=tr("pass the folder that holds one folder or .zip per student"),
        )
    by_id: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for path in sorted(submissions.iterdir()):
        if path.name.startswith(".") or path.name in _IGNORED_NAMES:
            continue
        if exclude is not None and path.resolve() == exclude.resolve():
            continue
        if path.is_dir():
            by_id.setdefault(path.name, []).append(path)
        elif path.suffix.lower() == ".zip":
            by_id.setdefault(path.stem, []).append(path)
        else:
            ignored.append(path.name)
    entries: list[Entry] = []
    for student_id, paths in sorted(by_id.items()):
        duplicates = tuple(p.name for p in paths) if len(paths) > 1 else ()
        entries.append(Entry(student_id, paths[0], duplicates))
    return Discovery(entries, ignored)


def _hash_file(digest: "hashlib._Hash", path: Path, budget: list[int]) -> None:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise UnreadableSubmission(tr("more than {mib} MiB of files", mib=_MAX_HASHED_BYTES // 2**20))
            digest.update(chunk)


def content_hash(entry: Entry) -> str:
    """sha256 of what the student handed in: the zip's bytes, or a folder's names and bytes."""
    digest = hashlib.sha256()
    budget = [_MAX_HASHED_BYTES]
    try:
        if entry.is_zip:
            _hash_file(digest, entry.path, budget)
            return digest.hexdigest()
        for folder, dirs, files in os.walk(entry.path, onerror=_raise):
            dirs[:] = sorted(d for d in dirs if d not in _IGNORED_NAMES)
            for name in sorted(f for f in files if f not in _IGNORED_NAMES):
                path = Path(folder) / name
                relative = path.relative_to(entry.path).as_posix()
                digest.update(f"\0{relative}\0".encode("utf-8", "surrogateescape"))
                if path.is_symlink():  # never followed: a link out of the folder is not content
                    digest.update(b"link:" + os.readlink(path).encode("utf-8", "surrogateescape"))
                elif path.is_file():
                    _hash_file(digest, path, budget)
    except OSError as exc:
        where = exc.filename or entry.path
        raise UnreadableSubmission(tr("cannot read {path}: {reason}", path=where, reason=exc.strerror or exc)) from exc
    return digest.hexdigest()


def _raise(error: OSError) -> None:
    raise error


def config_hash(exercises: list[Exercise], limits: dict[str, object]) -> str:
    """sha256 of everything besides the submission that decides a grade."""
    digest = hashlib.sha256(f"grader {__version__}\0{sorted(limits.items())}".encode())
    for exercise in exercises:
        digest.update(f"\0exercise {exercise.id}\0".encode())
        for path in [exercise.check_dir / "exercise.toml", *exercise.check_files, exercise.solution_path]:
            digest.update(f"\0{path.name}\0".encode())
            digest.update(path.read_bytes() if path.is_file() else b"<absent>")
    return digest.hexdigest()


def locate_exercise_folder(root: Path, max_depth: int = 3) -> Path:
    """The shallowest folder under `root` holding exercise_NN files (zips often wrap a folder)."""
    level = [root]
    for _ in range(max_depth + 1):
        for folder in level:
            if any(_EXERCISE_FILE.match(p.name) for p in folder.iterdir() if p.is_file()):
                return folder
        level = sorted(
            p for folder in level for p in folder.iterdir()
            if p.is_dir() and not p.is_symlink() and p.name not in _IGNORED_NAMES and not p.name.startswith(".")
        )
    return root
