"""What a grading is told from outside: limits given on the command line, and how a
session grades every submission (one record, read by the engine, set by each front end)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.engine.once import OnceStore
from grader.engine.references import ReferenceSource


@dataclass(frozen=True)
class LimitOverrides:
    """Limits given on the command line; None keeps each exercise's own."""

    timeout_s: float | None = None
    cpu_s: float | None = None
    memory_mb: int | None = None
    file_mb: int | None = None
    processes: int | None = None
    submission_timeout_s: float | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        """The per-check limits other than the timeout (which beats a check's own)."""
        return {"cpu_s": self.cpu_s, "memory_mb": self.memory_mb, "file_mb": self.file_mb, "processes": self.processes}


@dataclass(frozen=True)
class GradingOptions:
    """How a session grades every submission it is given.

    `hidden_paths`: folders student code must not see beyond the course's own (a batch
    hides the class's submissions and its output). `once` keeps the figures checks
    compute once (grader.engine.once; default: the session's own). The last three serve a release:
    `references` answers the checks' `reference` (default: the course's solutions, or
    a kit's recorded tape), `public_only` leaves hidden checks out, and `probe_log`
    collects, per exercise, the probe files the checks used."""

    overrides: LimitOverrides = LimitOverrides()
    hidden_paths: tuple[Path, ...] = ()
    references: ReferenceSource | None = None
    once: OnceStore | None = field(default=None, compare=False)
    public_only: bool = False
    probe_log: dict[str, set[str]] | None = field(default=None, compare=False)
