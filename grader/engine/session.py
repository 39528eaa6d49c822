"""A grading session: the one way to go from "this course, these exercises" to reports.

Every front end grades through it: `grader check` (once, or again on each save with
--watch), `grader.check()` in a notebook, a batch worker (one submission after
another), and `grader release` (the reference, recorded, then the kit's own checks).
The session holds the course and its exercises, a sandbox and the data sets the
exercises need, and one options record; `grade(folder)` grades one submission with
them, as often as wanted. Leaving the `with` block closes what the session owns:

    with GradingSession(course, exercises, GradingOptions(overrides=...)) as session:
        report = session.grade(Path("exercises"))

A front end that shares a sandbox or data sets across sessions (a batch worker's,
which outlive every submission; a release's, used for every exercise) lends them:
`GradingSession(..., sandbox=shared, lent=True)`; those stay open.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from types import TracebackType
from typing import Iterable

from grader.catalog.course import Course, Exercise
from grader.data.locate import DataSearch
from grader.data.prepared import DataSets, PreparedData
from grader.data.providers import DataProvider, DataProviders
from grader.data.registry import default_providers
from grader.engine.once import OnceInMemory
from grader.engine.options import GradingOptions, LimitOverrides
from grader.engine.run import ProgressCallback, grade_submission
from grader.models.results import SubmissionReport
from grader.sandbox.client import Sandbox


def providers_needed(exercises: Iterable[Exercise], providers: DataProviders | None = None) -> list[DataProvider]:
    """The providers of the data sets `exercises` need, each once; an unknown name is an
    error naming the exercise.toml that asks for it and the data sets known."""
    providers = providers or default_providers()
    return providers.needed_by({str(e.check_dir / "exercise.toml"): e.needs_data for e in exercises})


def data_sets_found(exercises: Iterable[Exercise], cwd: Path, environ: os._Environ[str] | dict[str, str],
                    home: Path) -> DataSets:
    """The data sets `exercises` need, where `grader check` looks for them, downloading
    none: a data set not found makes its checks NOT RUN, with its provider's words on
    how to get it."""
    search = DataSearch.usual(environ, home, cwd)
    prepared = []
    for provider in providers_needed(exercises):
        located = provider.find(search)
        prepared.append(PreparedData(provider, located.folder, "" if located.folder else provider.how_to_provide(located)))
    return DataSets(prepared=prepared)


class GradingSession:
    """The course, its exercises, a sandbox and data sets, for grading submissions."""

    def __init__(
        self,
        course: Course,
        exercises: list[Exercise],
        options: GradingOptions = GradingOptions(),
        *,
        sandbox: Sandbox | None = None,
        data: DataSets | None = None,
        lent: bool = False,
    ) -> None:
        """`sandbox`: one started earlier (its torch import overlapping the caller's
        work), else the session starts its own. `data`: the data sets the exercises
        need (None: those checks are NOT RUN). `lent`: the sandbox and data are the
        caller's, used by other sessions too: the session leaves them open."""
        self.course = course
        self.exercises = list(exercises)
        # The figures checks compute once are kept for the session, unless the caller keeps them.
        self.options = options if options.once is not None else dataclasses.replace(options, once=OnceInMemory())
        # What the session made itself is its own to close, lent or not.
        self._owns_sandbox = sandbox is None or not lent
        self._owns_data = not lent
        self.sandbox = sandbox if sandbox is not None else Sandbox()
        self.data = data
        self.closed = False

    def grade(self, submission_dir: Path, *, student_id: str | None = None,
              progress: ProgressCallback | None = None) -> SubmissionReport:
        """Grade the session's exercises of the submission in `submission_dir`. Never
        raises for the student's faults: the report says what happened."""
        if self.closed:
            raise RuntimeError("this grading session is closed")
        return grade_submission(self.course, self.exercises, submission_dir, self.sandbox, self.options,
                                data=self.data, student_id=student_id, progress=progress)

    def close(self) -> None:
        """Close what the session owns (its data's temporary copies, then its sandbox,
        without waiting for the zygote to clear away the student's); idempotent."""
        if self.closed:
            return
        self.closed = True
        try:
            if self.data is not None and self._owns_data:
                self.data.close()
        finally:
            if self._owns_sandbox:
                self.sandbox.close(wait=False)

    def __enter__(self) -> GradingSession:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


__all__ = ["GradingOptions", "GradingSession", "LimitOverrides", "data_sets_found", "providers_needed"]
