"""Notice when a student saves a file: polled, debounced, content-compared.

Why polling and no file-watching library: `grader check --watch` watches two paths
per exercise (`exercise_NN.py` and its notebook). A `stat` of each every 50 ms costs
microseconds (benchmarks/bench_watch.py prints the CPU an idle watch uses), works the
same on every filesystem (network mounts and container volumes, where inotify events
go missing), and needs no new dependency.

A save is reported once it has settled:
  * editors write a file several times per save (truncate, write, rename, touch):
    a change is reported only after the files have stayed unchanged for `settle_s`;
  * an editor that saves by deleting and re-creating leaves the file missing for a
    moment: a file that existed is waited for up to `missing_grace_s` before its
    absence counts;
  * a touch that leaves the content as it was is not a change (contents are hashed
    once the stats settle, never on every poll).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Callable, Iterable

Signature = tuple[int, int, int] | None  # (mtime_ns, size, inode), None when missing


def _signature(path: Path) -> Signature:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class FileWatch:
    """Watches a fixed set of paths; `poll(now)` says which changed since the last report."""

    def __init__(
        self,
        paths: Iterable[Path],
        settle_s: float = 0.08,
        missing_grace_s: float = 1.0,
        interval_s: float = 0.05,
    ) -> None:
        self.paths = tuple(dict.fromkeys(Path(p) for p in paths))
        self.settle_s = settle_s
        self.missing_grace_s = missing_grace_s
        self.interval_s = interval_s
        self._seen = {path: _signature(path) for path in self.paths}
        # What the last grading saw: the baseline a change is measured against.
        self._reported = {path: _digest(path) for path in self.paths}
        self._changed_at: float | None = None

    def poll(self, now: float) -> list[Path]:
        """The paths whose content differs from the last report, once the files have
        settled; [] while nothing changed or a save is still in progress."""
        for path in self.paths:
            signature = _signature(path)
            if signature != self._seen[path]:
                self._seen[path] = signature
                self._changed_at = now
        if self._changed_at is None or now - self._changed_at < self.settle_s:
            return []
        vanished = [p for p in self.paths if self._seen[p] is None and self._reported[p] is not None]
        if vanished and now - self._changed_at < self.missing_grace_s:
            return []  # deleted to be re-created (an atomic save): give it a moment
        self._changed_at = None
        digests = {path: _digest(path) for path in self.paths}
        changed = [path for path in self.paths if digests[path] != self._reported[path]]
        self._reported = digests
        return changed

    def wait(self, clock: Callable[[], float], stop: threading.Event | None = None) -> list[Path]:
        """Block until `poll` reports a change (or `stop` is set: then [])."""
        stop = stop or threading.Event()
        while not stop.is_set():
            changed = self.poll(clock())
            if changed:
                return changed
            stop.wait(self.interval_s)
        return []
