"""The class at a glance: which checks the class struggles with, and how scores spread.

Pass rates count graded submissions only; the score distribution covers graded
submissions in ten bins of 10 percentage points (100% falls in the last one).
Missing and invalid submissions are counted beside it, not mixed into it.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from grader.batch.records import StudentRecord, StudentStatus
from grader.models.results import CheckStatus

BIN_WIDTH = 10


class CheckPassRate(BaseModel):
    exercise_id: str
    check_id: str
    title: str
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


class ClassSummary(BaseModel):
    students: int
    status_counts: dict[str, int]
    mean_percent: float
    median_percent: float
    histogram: list[int] = Field(description="graded submissions per 10-point bin, 0-10 .. 90-100")
    checks: list[CheckPassRate] = Field(description="hardest first")

    @staticmethod
    def bin_label(index: int) -> str:
        return f"{index * BIN_WIDTH}-{(index + 1) * BIN_WIDTH}%"


def summarize(records: list[StudentRecord]) -> ClassSummary:
    graded = [r for r in records if r.status is StudentStatus.GRADED and r.report is not None]
    histogram = [0] * (100 // BIN_WIDTH)
    for record in graded:
        histogram[min(int(record.percent // BIN_WIDTH), len(histogram) - 1)] += 1
    rates: dict[tuple[str, str], CheckPassRate] = {}
    for record in graded:
        assert record.report is not None
        for exercise in record.report.exercises:
            for check in exercise.checks:
                key = (exercise.id, check.id)
                rate = rates.setdefault(key, CheckPassRate(
                    exercise_id=exercise.id, check_id=check.id, title=check.title, passed=0, graded=0))
                rate.graded += 1
                rate.passed += check.status is CheckStatus.PASSED
    percents = [r.percent for r in graded]
    counts = {status.value: sum(1 for r in records if r.status is status) for status in StudentStatus}
    return ClassSummary(
        students=len(records),
        status_counts=counts,
        mean_percent=round(statistics.fmean(percents), 2) if percents else 0.0,
        median_percent=round(statistics.median(percents), 2) if percents else 0.0,
        histogram=histogram,
        checks=sorted(rates.values(), key=lambda c: (c.rate, c.exercise_id, c.check_id)),
    )
