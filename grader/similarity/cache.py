"""What a re-run reuses: each file's fingerprints and each pair's comparison, in an SQLite
file in the class's output folder (`similarity/cache.sqlite`).

Keyed by content, not by student: a file is fingerprinted once whoever handed it in,
and a pair of files is compared once. Per exercise, the cache records which files have
all been compared with each other (under one *context*: the fingerprint settings and
the stub); a new or changed submission is compared with those alone, and a changed
stub or setting starts the exercise over. Deleting the file loses nothing but time.
"""

from __future__ import annotations

import sqlite3
from array import array
from pathlib import Path
from typing import Iterable

from grader.errors import ReportWriteError
from grader.i18n import tr
from grader.similarity.fingerprint import Fingerprints

FOLDER = "similarity"
FILE_NAME = "cache.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS fingerprints (
    key TEXT NOT NULL, settings TEXT NOT NULL, hashes BLOB NOT NULL, positions BLOB NOT NULL, lines BLOB NOT NULL,
    every BLOB NOT NULL, PRIMARY KEY (key, settings));
CREATE TABLE IF NOT EXISTS contexts (exercise_id TEXT PRIMARY KEY, context TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS compared (exercise_id TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (exercise_id, key));
CREATE TABLE IF NOT EXISTS shared (
    exercise_id TEXT NOT NULL, key_a TEXT NOT NULL, key_b TEXT NOT NULL, hashes BLOB NOT NULL,
    PRIMARY KEY (exercise_id, key_a, key_b));
"""


class FingerprintCache:
    """The cache at `path`, or one in memory (path None) that lasts as long as the object."""

    def __init__(self, path: Path | None) -> None:
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(":memory:" if path is None else path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise ReportWriteError(
                tr("cannot open the similarity cache {path}: {reason}", path=path, reason=exc),
                hint=tr("delete it to start over: it holds nothing that cannot be computed again"),
            ) from exc

    @classmethod
    def in_folder(cls, out: Path) -> "FingerprintCache":
        return cls(out / FOLDER / FILE_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "FingerprintCache":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fingerprints(self, keys: Iterable[str], settings: str, k: int) -> dict[str, Fingerprints]:
        found: dict[str, Fingerprints] = {}
        for key in keys:
            row = self._db.execute("SELECT hashes, positions, lines, every FROM fingerprints WHERE key = ? AND settings = ?",
                                   (key, settings)).fetchone()
            if row is not None:
                found[key] = Fingerprints.from_bytes(*row, k=k)
        return found

    def put_fingerprints(self, prints: dict[str, Fingerprints], settings: str) -> None:
        self._db.executemany("INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?, ?, ?, ?)",
                             [(key, settings, *p.to_bytes()) for key, p in prints.items()])
        self._db.commit()

    def compared(self, exercise_id: str, context: str) -> set[str]:
        """The files already compared with each other in this context; after a change of
        context, none (and the exercise's old comparisons are dropped)."""
        row = self._db.execute("SELECT context FROM contexts WHERE exercise_id = ?", (exercise_id,)).fetchone()
        if row is None or row[0] != context:
            self._db.execute("DELETE FROM compared WHERE exercise_id = ?", (exercise_id,))
            self._db.execute("DELETE FROM shared WHERE exercise_id = ?", (exercise_id,))
            self._db.execute("INSERT OR REPLACE INTO contexts VALUES (?, ?)", (exercise_id, context))
            self._db.commit()
            return set()
        rows = self._db.execute("SELECT key FROM compared WHERE exercise_id = ?", (exercise_id,)).fetchall()
        return {r[0] for r in rows}

    def record(self, exercise_id: str, keys: set[str], shared: dict[tuple[str, str], set[int]]) -> None:
        """`keys` are now all compared with each other; `shared` holds the new pairs that
        share anything. Files no longer handed in by anyone are forgotten."""
        known = self._db.execute("SELECT key FROM compared WHERE exercise_id = ?", (exercise_id,)).fetchall()
        gone = [(exercise_id, k) for (k,) in known if k not in keys]
        self._db.executemany("DELETE FROM compared WHERE exercise_id = ? AND key = ?", gone)
        self._db.executemany("DELETE FROM shared WHERE exercise_id = ? AND (key_a = ? OR key_b = ?)",
                             [(e, k, k) for e, k in gone])
        self._db.executemany("INSERT OR IGNORE INTO compared VALUES (?, ?)", [(exercise_id, k) for k in keys])
        self._db.executemany("INSERT OR REPLACE INTO shared VALUES (?, ?, ?, ?)",
                             [(exercise_id, a, b, array("q", sorted(h)).tobytes()) for (a, b), h in shared.items()])
        self._db.commit()

    def shared(self, exercise_id: str, keys: set[str]) -> dict[tuple[str, str], array]:
        """Every recorded pair of `keys` that shares anything: (a, b) with a < b -> hashes."""
        rows = self._db.execute("SELECT key_a, key_b, hashes FROM shared WHERE exercise_id = ?", (exercise_id,))
        return {(a, b): array("q", blob) for a, b, blob in rows if a in keys and b in keys}
