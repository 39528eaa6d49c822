"""The class summary as `grader grade` prints it: named mistakes, the batch line, no graded students."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Iterable, Iterator

from rich.console import Console

from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.runner import BatchOutcome, BatchPlan, BatchProgress, run_batch
from grader.batch.summary import summarize
from grader.batch.task import GradeTask
from grader.catalog.course import Course
from grader.cli.grade import print_class_summary
from tests.batch.classroom import folder
from tests.batch.demo_class import demo_class
from tests.batch.fakes import report_for
from tests.conftest import REPO_ROOT


def _printed(records: list[StudentRecord], progress: BatchProgress | None = None) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, no_color=True, color_system=None, highlight=False)
    outcome = BatchOutcome(records=records, ignored=[], not_on_roster=[],
                           progress=progress or BatchProgress(total=len(records)))
    print_class_summary(console, summarize(records), outcome, {})
    return buffer.getvalue()


def test_mistakes_are_counted_per_student_most_frequent_first() -> None:
    records, _ = demo_class(12)
    summary = summarize(records)
    assert summary.graded == 12
    assert [(m.id, m.students) for m in summary.mistakes] == [
        ("corr2d.kernel_flipped", ["s01", "s04", "s07", "s10"]),
        ("conv2d.padding_ignored", ["s02", "s06", "s10"]),
        ("train_epoch.zero_grad_missing", ["s03", "s08"]),
    ]
    assert summary.describe_mistake(summary.mistakes[0]) == (
        "4 of 12 students: corr2d is a true convolution (kernel flipped)")
    assert summary.mistakes[0].exercise_ids == ["exercise_01"]


def test_a_mistake_recognised_by_two_checks_counts_the_student_once() -> None:
    records, _ = demo_class(2)
    report = records[1].report
    assert report is not None
    report.exercises[0].checks[1].mistakes = list(report.exercises[0].checks[0].mistakes)  # s01 again
    summary = summarize(records)
    assert [(m.id, m.count) for m in summary.mistakes] == [("corr2d.kernel_flipped", 1)]


def test_terminal_lists_the_top_mistakes_with_who_made_them() -> None:
    records, _ = demo_class(12)
    text = _printed(records)
    assert "Most common mistakes:" in text
    lines = [line.strip() for line in text.splitlines()]
    top = lines.index("Most common mistakes:")
    assert lines[top + 1:top + 4] == [
        "4 of 12 students: corr2d is a true convolution (kernel flipped) (s01, s04, s07, s10)",
        "3 of 12 students: conv2d ignores padding (s02, s06, s10)",
        "2 of 12 students: train_epoch never calls zero_grad (s03, s08)",
    ]


def test_nobody_graded_prints_no_mean_or_median() -> None:
    records = [StudentRecord(student_id="ann", status=StudentStatus.MISSING, points_possible=2)]
    text = _printed(records)
    assert "students: 1 (1 missing); no graded submissions" in text
    assert "mean" not in text and "median" not in text and "Most common mistakes" not in text


class _UnpackingFails:
    """An engine that finds one submission unsafe while unpacking it, as a worker does."""

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            if task.student_id == "bob":
                yield task.record(StudentStatus.INVALID, "bob.zip holds a link; links are not allowed")
            else:
                yield StudentRecord.from_report(report_for(task.student_id, [True]), student_id=task.student_id,
                                                content_hash=task.content_hash, config_hash=task.config_hash)


def test_batch_line_does_not_count_an_invalid_submission_as_graded(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    folder(subs, "alice", "1")
    folder(subs, "bob", "11")  # not alice's file: an identical one would not be graded again
    course = Course.at(REPO_ROOT)
    plan = BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.select(["exercise_01"]))
    outcome = run_batch(plan, _UnpackingFails())
    buffer = io.StringIO()
    print_class_summary(Console(file=buffer, width=200, no_color=True), summarize(outcome.records), outcome, {})
    assert "2 submissions: 1 graded now, 0 unchanged (skipped), 1 could not be graded" in buffer.getvalue()


def test_the_summary_lines_are_in_the_instructors_language() -> None:
    from pathlib import Path

    from grader.i18n import use_language

    records = [StudentRecord(student_id="ann", status=StudentStatus.MISSING, points_possible=2),
               StudentRecord(student_id="bob", status=StudentStatus.INVALID, points_possible=2)]
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, no_color=True, color_system=None, highlight=False)
    outcome = BatchOutcome(records=records, ignored=[], not_on_roster=[], progress=BatchProgress(total=2))
    with use_language("zh"):
        print_class_summary(console, summarize(records), outcome, {"grades": Path("out/grades.csv")})
    text = buffer.getvalue()
    assert "学生：2（1 人未提交、1 人无效）；没有已评分的提交" in text  # not "1 missing, 1 invalid"
    assert "成绩：out/grades.csv" in text
