"""The gradebook: an SQLite database in the output folder, one row per student.

Each record is committed the moment it arrives, in WAL mode, so a killed process
loses only the submissions in flight. The row keeps the two fingerprints a re-run
compares (content and config hashes) next to the full record as JSON. The similarity
report (`grader similarity`, `grade --similarity`) keeps its results beside them: every
pair at or above the threshold with its matching lines, and each student's highest match.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from grader.batch.records import StudentRecord, StudentStatus
from grader.errors import ReportWriteError
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.similarity.model import SimilarityReport

FILE_NAME = "gradebook.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    student_id   TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    config_hash  TEXT NOT NULL,
    record       TEXT NOT NULL
)
"""

# Replaced whole by each similarity run. regions: JSON, [{"a": {"first", "last"}, "b": {...}}, ...].
_SIMILARITY_SCHEMA = """
CREATE TABLE IF NOT EXISTS similarity_pairs (
    exercise_id TEXT NOT NULL, student_a TEXT NOT NULL, student_b TEXT NOT NULL, score REAL NOT NULL,
    a_in_b REAL NOT NULL, b_in_a REAL NOT NULL, exact INTEGER NOT NULL, shared INTEGER NOT NULL,
    reference_share REAL NOT NULL, regions TEXT NOT NULL,
    PRIMARY KEY (exercise_id, student_a, student_b));
CREATE TABLE IF NOT EXISTS similarity_students (
    student_id TEXT PRIMARY KEY, exercise_id TEXT NOT NULL, other TEXT NOT NULL, score REAL NOT NULL,
    exact INTEGER NOT NULL);
"""

# A re-run regrades these even when nothing changed: they may succeed this time.
_RETRY = {StudentStatus.GRADER_ERROR.value}


class Gradebook:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise ReportWriteError(
                tr("cannot open the gradebook {path}: {reason}", path=path, reason=exc),
                hint=tr("--out must be a writable folder; delete a damaged gradebook.sqlite to start over"),
            ) from exc

    @classmethod
    def in_folder(cls, out: Path) -> "Gradebook":
        return cls(out / FILE_NAME)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def put(self, record: StudentRecord) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
            (record.student_id, record.status.value, record.content_hash, record.config_hash,
             record.to_json()),
        )
        self._db.commit()

    def is_current(self, student_id: str, content_hash: str, config_hash: str) -> bool:
        """True when this exact submission was already graded under this exact configuration."""
        row = self._db.execute(
            "SELECT status FROM records WHERE student_id = ? AND content_hash = ? AND config_hash = ?",
            (student_id, content_hash, config_hash),
        ).fetchone()
        return row is not None and row[0] not in _RETRY

    def get(self, student_id: str) -> StudentRecord | None:
        row = self._db.execute("SELECT record FROM records WHERE student_id = ?", (student_id,)).fetchone()
        return StudentRecord.from_json(row[0]) if row else None

    def all(self) -> list[StudentRecord]:
        rows = self._db.execute("SELECT record FROM records ORDER BY student_id").fetchall()
        return [StudentRecord.from_json(r[0]) for r in rows]

    def put_similarity(self, report: "SimilarityReport") -> None:
        """The similarity report's pairs and each student's highest match, replacing the last run's."""
        self._db.executescript(_SIMILARITY_SCHEMA)
        with self._db:  # one transaction: a reader sees the last run's results or this one's
            self._db.execute("DELETE FROM similarity_pairs")
            self._db.execute("DELETE FROM similarity_students")
            self._db.executemany(
                "INSERT INTO similarity_pairs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(p.exercise_id, p.student_a, p.student_b, p.score, p.a_in_b, p.b_in_a, int(p.exact), p.shared,
                  p.reference_share, json.dumps([r.model_dump() for r in p.regions]))
                 for e in report.exercises for p in e.pairs])
            self._db.executemany("INSERT INTO similarity_students VALUES (?, ?, ?, ?, ?)",
                                 [(m.student_id, m.exercise_id, m.other, m.score, int(m.exact)) for m in report.students])
