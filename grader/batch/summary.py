"""The class at a glance: which checks the class struggles with, what it got wrong, how scores spread.

Pass rates count graded submissions only; the score distribution covers graded
submissions in ten bins of 10 percentage points (100% falls in the last one).
Missing and invalid submissions are counted beside it, not mixed into it.

Named mistakes (`CheckResult.mistakes`) are counted per student: "23 of 80 students"
means 23 of the 80 graded submissions made it at least once, however many checks
recognised it. The instructor sees every mistake, hidden checks' included: this
summary is theirs, never a student's.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from grader.i18n import active_language, tr, trn
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


class MistakeCount(BaseModel):
    """One named mistake across the class, and who made it."""

    id: str
    title: str
    exercise_ids: list[str] = Field(description="the exercises whose checks recognised it")
    students: list[str] = Field(description="ids of the students who made it, sorted")

    @property
    def count(self) -> int:
        return len(self.students)


class ClassSummary(BaseModel):
    students: int
    graded: int = Field(0, description="graded submissions: what rates and mistakes are counted over")
    status_counts: dict[str, int]
    mean_percent: float | None = Field(description="None when nobody was graded")
    median_percent: float | None
    histogram: list[int] = Field(description="graded submissions per 10-point bin, 0-10 .. 90-100")
    checks: list[CheckPassRate] = Field(description="hardest first")
    mistakes: list[MistakeCount] = Field(default_factory=list, description="most frequent first")
    identical_results: int = Field(0, description="graded submissions' exercise results whose file other "
                                                  "submissions held too (ExerciseResult.identical)")
    identical_files: int = Field(0, description="the distinct files behind them, each graded once")

    @staticmethod
    def bin_label(index: int) -> str:
        return f"{index * BIN_WIDTH}-{(index + 1) * BIN_WIDTH}%"

    def describe_mistake(self, mistake: MistakeCount) -> str:
        """`23 of 80 students: <title>`: the line the terminal and the dashboard show."""
        return trn("{count} of {n} student: {title}", "{count} of {n} students: {title}", self.graded,
                   count=mistake.count, title=mistake.title)

    def describe_identical(self) -> str:
        """`40 exercise results from 6 files handed in more than once, each graded once`, or ""."""
        if not self.identical_results:
            return ""
        return tr("{results} exercise results came from {files} files handed in more than once; each was graded once",
                  results=self.identical_results, files=self.identical_files)

    def describe_scores(self) -> str:
        """`mean 62%, median 70%`, or why there are none."""
        if self.mean_percent is None or self.median_percent is None:
            return tr("no graded submissions")
        return tr("mean {mean}%, median {median}%", mean=f"{self.mean_percent:g}", median=f"{self.median_percent:g}")


def _count_mistakes(graded: list[StudentRecord]) -> list[MistakeCount]:
    titles: dict[str, str] = {}
    exercises: dict[str, set[str]] = {}
    students: dict[str, set[str]] = {}
    for record in graded:
        assert record.report is not None
        for exercise in record.report.exercises:
            for check in exercise.checks:
                for mistake in check.mistakes:
                    titles.setdefault(mistake.id, mistake.title)
                    exercises.setdefault(mistake.id, set()).add(exercise.id)
                    students.setdefault(mistake.id, set()).add(record.student_id)
    counts = [
        MistakeCount(id=m, title=titles[m], exercise_ids=sorted(exercises[m]), students=sorted(students[m]))
        for m in titles
    ]
    return sorted(counts, key=lambda m: (-m.count, m.id))


def in_the_readers_language_first(records: list[StudentRecord]) -> list[StudentRecord]:
    """Records graded in the active language first: titles (of checks, exercises and
    mistakes) are taken from the first record that has them, and a class whose roster
    mixes languages should give the instructor's page the instructor's words."""
    reader = active_language()
    return sorted(records, key=lambda r: r.language != reader)  # stable: the order otherwise kept


def summarize(records: list[StudentRecord]) -> ClassSummary:
    graded = in_the_readers_language_first(
        [r for r in records if r.status is StudentStatus.GRADED and r.report is not None])
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
    identical = [e.identical.key for r in graded for e in r.report.exercises if e.identical is not None]  # type: ignore[union-attr]
    percents = [r.percent for r in graded]
    counts = {status.value: sum(1 for r in records if r.status is status) for status in StudentStatus}
    return ClassSummary(
        students=len(records),
        graded=len(graded),
        status_counts=counts,
        mean_percent=round(statistics.fmean(percents), 2) if percents else None,
        median_percent=round(statistics.median(percents), 2) if percents else None,
        histogram=histogram,
        checks=sorted(rates.values(), key=lambda c: (c.rate, c.exercise_id, c.check_id)),
        mistakes=_count_mistakes(graded),
        identical_results=len(identical),
        identical_files=len(set(identical)),
    )
