"""Figures a check computes that do not depend on the student: computed once, then reused.

Exercise 06's comparison trains the course's own Net on MNIST (40 s and more) to show
beside the student's DeepNet: the same for every student. A check asks for such a
figure through the `once` fixture:

    comparison["Net (course)"] = once(f"course-net:{budget}", lambda: train_the_course_net())

and gets plain JSON data (numbers, strings, lists, dicts), computed the first time and
read back after. Where it is kept decides how often it is computed:

    OnceInMemory   a grading session's own: once per session (`grader check`, and a
                   --watch loop across its re-gradings)
    OnceInFolder   a folder every job of a batch shares: once per batch, whichever
                   job asks first; another job asking meanwhile waits for it (a lock
                   file per figure) rather than computing the same thing again

Only the grading process computes these, never student code, and the folder lives
where student code cannot reach (a batch's output folder). A key names everything the
figure depends on besides the course (the engine adds the exercise's id): a batch's
folder is emptied when the batch starts, so a changed course is never answered from
an older run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Callable, Protocol


class OnceStore(Protocol):
    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The figure named `key`: computed by `compute` the first time, read back after."""


def _plain(value: Any) -> str:
    """The value as JSON: what a figure may be (and every reader gets its own copy)."""
    return json.dumps(value, sort_keys=True)


class OnceInMemory:
    """Figures kept while this object lives."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._known:
            self._known[key] = _plain(compute())
        return json.loads(self._known[key])


class OnceInFolder:
    """Figures kept in `folder`, shared by every process that is given the same folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[str, str] = {}

    def _path(self, key: str) -> Path:
        return self.folder / hashlib.sha256(key.encode()).hexdigest()[:32]

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._known:
            self._known[key] = self._read_or_compute(key, compute)
        return json.loads(self._known[key])

    def _read_or_compute(self, key: str, compute: Callable[[], Any]) -> str:
        path = self._path(key)
        stored = path.with_suffix(".json")
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            # Held while computing: another job asking for the same figure waits here. A job
            # killed meanwhile releases it, and the next one computes it.
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if stored.is_file():
                    return stored.read_text(encoding="utf-8")
                text = _plain(compute())
                partial = stored.with_suffix(f".{os.getpid()}.partial")
                partial.write_text(text, encoding="utf-8")
                partial.replace(stored)
                return text
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
