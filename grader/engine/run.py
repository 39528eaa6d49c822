"""Grade one submission folder: plan the exercises, run pytest over their checks, assemble the report."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

import grader
from grader.catalog.course import Course, Exercise
from grader.catalog.submission import find_student_file
from grader.errors import GraderBug
from grader.engine.plugin import ExercisePlan, GradingPlugin
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from grader.sandbox.client import Sandbox

# Environment variables through which a user's own pytest set-up could leak into ours.
_PYTEST_ENV = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")


@dataclass(frozen=True)
class LimitOverrides:
    """Limits given on the command line; None keeps each exercise's own."""

    timeout_s: float | None = None
    memory_mb: int | None = None

    def as_dict(self) -> dict[str, float | int | None]:
        return {"memory_mb": self.memory_mb}


@contextlib.contextmanager
def _isolated_pytest_environment() -> Iterator[None]:
    """Run pytest without the user's plugins or options: only our checks, our way."""
    saved = {name: os.environ.get(name) for name in _PYTEST_ENV}
    for name in _PYTEST_ENV:
        os.environ.pop(name, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _pytest_args(course: Course, check_files: list[Path]) -> list[str]:
    checks_root = course.root / "checks"
    return [
        *[str(p) for p in check_files],
        "--rootdir", str(checks_root),
        "-c", str(checks_root / "pytest.ini"),
        "--confcutdir", str(checks_root),
        "--import-mode=importlib",
        "-p", "no:cacheprovider",
        "-p", "no:terminal",
        "-p", "no:stepwise",
        "-p", "no:warnings",
        # Its clean-up runs gc.collect() five times per session: ~0.6 s per submission in a
        # process holding torch, and student code never runs in this process anyway.
        "-p", "no:unraisableexception",
        "--capture=sys",
    ]


def _plan(exercise: Exercise, submission_dir: Path, overrides: LimitOverrides) -> ExercisePlan:
    return ExercisePlan(
        exercise=exercise,
        student_file=find_student_file(submission_dir, exercise.manifest.student_file),
        limits=exercise.manifest.limits.merged(**overrides.as_dict()),
        timeout_override_s=overrides.timeout_s,
    )


def _exercise_result(plan: ExercisePlan) -> ExerciseResult:
    checks = [plan.results[node] for node in plan.order if node in plan.results]
    message = plan.student_file.note
    if plan.collection_error:
        checks.append(
            CheckResult(
                id="collection",
                title="checks could not be loaded",
                status=CheckStatus.GRADER_ERROR,
                points_possible=0.0,
                message="the grader's checks for this exercise failed to load; tell the course "
                "staff.\n" + plan.collection_error,
            )
        )
    return ExerciseResult(
        id=plan.exercise.id,
        title=plan.exercise.manifest.title,
        student_file=str(plan.student_file.path) if plan.student_file.path else None,
        checks=checks,
        message=message,
    )


def grade_submission(
    course: Course,
    exercises: list[Exercise],
    submission_dir: Path,
    sandbox: Sandbox,
    overrides: LimitOverrides = LimitOverrides(),
    student_id: str | None = None,
) -> SubmissionReport:
    """Grade `exercises` of the submission in `submission_dir`. Never raises for student faults."""
    started = time.perf_counter()
    plans = [_plan(e, submission_dir, overrides) for e in exercises]
    plugin = GradingPlugin(sandbox, plans)
    check_files = [f for e in exercises for f in e.check_files]
    with _isolated_pytest_environment():
        exit_code = pytest.main(_pytest_args(course, check_files), plugins=[plugin])
    if exit_code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt
    if exit_code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GraderBug(f"pytest could not run the checks (exit code {int(exit_code)})")
    report = SubmissionReport(
        grader_version=grader.__version__,
        submission=str(submission_dir),
        student_id=student_id,
        exercises=[_exercise_result(plan) for plan in plans],
    )
    if sandbox.restarts:
        report.notes.append(
            f"the sandbox was restarted {sandbox.restarts} time(s) after student code killed it"
        )
    report.duration_s = round(time.perf_counter() - started, 3)
    return report
