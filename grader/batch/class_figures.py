"""What the dashboard shows beyond the class summary: per-exercise rates, problems, comparisons.

Derived from the gradebook's records, as the summary is; nothing here renders.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from grader.i18n import tr
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.summary import in_the_readers_language_first
from grader.models.results import CheckStatus, ExerciseResult, ImportFailure

# A file that could not be imported: every check that needs it got the same answer. A
# timeout while importing is listed under the checks' timeouts instead.
_NOT_IMPORTED = (ImportFailure.ERROR, ImportFailure.CRASHED)


@dataclass(frozen=True)
class ExerciseRate:
    exercise_id: str
    title: str
    graded: int
    full_marks: int  # students with every point of the exercise
    mean_points: float
    points_possible: float


@dataclass(frozen=True)
class Problem:
    """A submission the checks could not judge normally: the instructor may want to look."""

    student_id: str
    kind: str  # "invalid submission", "grader error", "could not be imported", "timeout"
    where: str  # the exercise or check, or "" for the whole submission
    message: str


@dataclass(frozen=True)
class FigureSpread:
    """One figure of one network across the class, e.g. DeepNet's test accuracy."""

    exercise_id: str
    network: str
    figure: str
    count: int
    median: float
    low: float
    high: float


def _graded(records: list[StudentRecord]) -> list[StudentRecord]:
    return in_the_readers_language_first(
        [r for r in records if r.status is StudentStatus.GRADED and r.report is not None])


def exercise_rates(records: list[StudentRecord]) -> list[ExerciseRate]:
    earned: dict[str, list[float]] = {}
    titles: dict[str, tuple[str, float]] = {}
    full: dict[str, int] = {}
    for record in _graded(records):
        assert record.report is not None
        for exercise in record.report.exercises:
            titles.setdefault(exercise.id, (exercise.title, exercise.points_possible))
            earned.setdefault(exercise.id, []).append(exercise.points_earned)
            full[exercise.id] = full.get(exercise.id, 0) + (
                exercise.points_possible > 0 and exercise.points_earned >= exercise.points_possible)
    return [
        ExerciseRate(exercise_id=e, title=titles[e][0], graded=len(earned[e]), full_marks=full[e],
                     mean_points=round(statistics.fmean(earned[e]), 2), points_possible=titles[e][1])
        for e in sorted(earned)
    ]


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _import_message(exercise: ExerciseResult) -> str:
    """What the checks said about the failed import (they all say the same)."""
    for check in exercise.checks:
        if check.status in (CheckStatus.ERROR, CheckStatus.TIMEOUT) and check.message:
            return check.message
    return exercise.message


def problems(records: list[StudentRecord]) -> list[Problem]:
    """Invalid submissions, grader errors, files that could not be imported, timeouts; by student."""
    found: list[Problem] = []
    for record in sorted(records, key=lambda r: r.student_id):
        if record.status is StudentStatus.INVALID:
            found.append(Problem(record.student_id, tr("invalid submission"), "", _first_line(record.message)))
        elif record.status is StudentStatus.GRADER_ERROR:
            found.append(Problem(record.student_id, tr("grader error"), "", _first_line(record.message)))
        if record.report is None:
            continue
        for exercise in record.report.exercises:
            if exercise.import_failure in _NOT_IMPORTED:
                found.append(Problem(record.student_id, tr("could not be imported"), exercise.id,
                                     _first_line(_import_message(exercise))))
                continue
            for check in exercise.checks:
                if check.status is CheckStatus.TIMEOUT:
                    found.append(Problem(record.student_id, tr("timeout"), f"{exercise.id}: {check.title}",
                                         _first_line(check.message)))
                elif check.status is CheckStatus.GRADER_ERROR:
                    found.append(Problem(record.student_id, tr("grader error"), f"{exercise.id}: {check.title}",
                                         _first_line(check.message)))
    return found


def comparison_spread(records: list[StudentRecord]) -> list[FigureSpread]:
    """Each numeric figure of each exercise's comparison (e.g. Net vs DeepNet), across the class."""
    values: dict[tuple[str, str, str], list[float]] = {}
    for record in _graded(records):
        assert record.report is not None
        for exercise in record.report.exercises:
            for network, figures in exercise.comparison.items():
                for figure, value in figures.items():
                    if isinstance(value, (int, float)) and not isinstance(value, bool):
                        values.setdefault((exercise.id, network, figure), []).append(float(value))
    return [
        FigureSpread(exercise_id=e, network=n, figure=f, count=len(v), median=statistics.median(v),
                     low=min(v), high=max(v))
        for (e, n, f), v in values.items()
    ]
