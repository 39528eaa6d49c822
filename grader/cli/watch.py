"""`grader check --watch`: grade again on every save and redraw the report in place.

The grading process and the sandbox's zygote stay up between runs (torch, pytest,
the checks and data sets are loaded once), so a re-check costs only the checks
themselves. Isolation is that of a one-off check: every check of every run gets a
freshly forked worker, and each run's state lives on fresh `ExerciseRun`s, so
nothing student code did in one run reaches the next.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from grader.errors import GraderError
from grader.i18n import tr

if TYPE_CHECKING:
    # Only for annotations: building the parser (`grader --help`) imports no model code.
    from rich.console import Console

    from grader.catalog.course import Exercise
    from grader.engine.filewatch import FileWatch
    from grader.engine.session import GradingSession
    from grader.models.results import CheckStatus, SubmissionReport

GradeFn = Callable[[], "SubmissionReport"]


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--watch",
        action="store_true",
        help=tr("keep running: check again each time an exercise file is saved, redrawing the "
                "report and showing which checks changed (Ctrl-C stops and prints the last score)"),
    )


def refuse_incompatible(args: argparse.Namespace) -> None:
    """--watch draws a live table for a person; file reports and CI thresholds are for one-off runs."""
    if not args.watch:
        return
    if args.format != "terminal" or args.output is not None or args.fail_under is not None:
        raise GraderError(
            tr("--watch shows the terminal report only; it cannot be combined with --format, "
               "--output or --fail-under"),
            hint=tr("run `grader check` without --watch to write a report file"),
        )


def watched_paths(exercises: "list[Exercise]", submission: Path) -> list[Path]:
    """Each exercise's file and its notebook: either may be the one the student edits."""
    paths = []
    for exercise in exercises:
        py = submission / exercise.manifest.student_file
        paths += [py, py.with_suffix(".ipynb")]
    return paths


@dataclass(frozen=True)
class CheckChange:
    """A check whose status differs from the previous run's."""

    exercise: str
    title: str
    before: CheckStatus | None  # None: the check is new in this run
    after: CheckStatus


def changes(before: "SubmissionReport | None", after: "SubmissionReport") -> list[CheckChange]:
    """Checks whose status changed since `before` (none on the first run: nothing to compare)."""
    if before is None:
        return []
    old = {(e.id, c.id): c.status for e in before.exercises for c in e.checks}
    found = []
    for exercise in after.exercises:
        for check in exercise.checks:
            previous = old.get((exercise.id, check.id))
            if previous is not check.status:
                found.append(CheckChange(exercise.id, check.title, previous, check.status))
    return found


def _score(report: "SubmissionReport") -> str:
    from grader.report.common import score_line

    return score_line(report.points_earned, report.points_possible, report.percent)


def _show(console: "Console", report: "SubmissionReport", previous: "SubmissionReport | None",
          footer: str, show_hidden: bool) -> None:
    from rich.text import Text

    from grader.report.terminal import render_terminal, status_text

    console.clear()  # in place on a terminal; a pipe gets one report after another
    render_terminal(report, console, show_hidden=show_hidden)  # hidden feedback stays withheld
    found = changes(previous, report)
    if previous is not None:
        console.print(Text(tr("since the last run: {before} -> {after}", before=_score(previous), after=_score(report))))
    for change in found:
        before = status_text(change.before).plain if change.before else tr("NEW")
        console.print(Text.assemble(f"  {before} -> ", status_text(change.after), f"  {change.exercise}: {change.title}"))
    console.print(Text(footer, style="dim"))


class WatchSession:
    """Grades once, then again after every settled save, until interrupted."""

    def __init__(self, grade: GradeFn, files: "FileWatch", console: "Console",
                 clock: Callable[[], float] = time.monotonic, show_hidden: bool = False) -> None:
        self.grade = grade
        self.show_hidden = show_hidden
        self.files = files
        self.console = console
        self.clock = clock
        self.last: SubmissionReport | None = None
        self.runs = 0

    def check_once(self, changed: list[Path]) -> SubmissionReport:
        started = self.clock()
        report = self.grade()
        previous, self.last = self.last, report
        self.runs += 1
        what = ", ".join(p.name for p in changed) if changed else tr("start")
        footer = tr(
            "[run {run} ({what}) took {seconds} s; watching {files}; Ctrl-C to stop]",
            run=self.runs, what=what, seconds=f"{self.clock() - started:.2f}",
            files=", ".join(p.name for p in self.files.paths),
        )
        _show(self.console, report, previous, footer, self.show_hidden)
        return report

    def run(self, max_runs: int | None = None) -> int:
        """Watch until Ctrl-C (or `max_runs` gradings, for tests); prints the last score."""
        from rich.text import Text

        try:
            self.check_once([])
            while max_runs is None or self.runs < max_runs:
                self.check_once(self.files.wait(self.clock))
        except KeyboardInterrupt:
            pass  # the way out of a watch: not an error
        if self.last is None:
            self.console.print(Text(tr("stopped before the first check finished")))
        else:
            self.console.print(Text(tr("stopped watching; last score: {score}", score=_score(self.last)), style="bold"))
        return 0


def watch(session: "GradingSession", submission: Path, console: "Console",
          files: "FileWatch | None" = None, show_hidden: bool = False) -> int:
    """`grader check --watch`: the CLI's entry point; `session` grades every run. `files`
    replaces the watch on the exercise files (tests script the saves)."""
    from grader.engine.filewatch import FileWatch

    def grade() -> "SubmissionReport":
        # A worker prepared during the last run staged the files as they were then.
        session.sandbox.discard_prefetched()
        return session.grade(submission)

    files = files or FileWatch(watched_paths(session.exercises, submission))
    return WatchSession(grade, files, console, show_hidden=show_hidden).run()
