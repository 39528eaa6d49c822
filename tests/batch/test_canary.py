"""The canary: a grader broken on this machine never records a class of zeros as scores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Iterator

from grader.batch.canary import CANARY_ID
from grader.batch.local import LocalEngine
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.runner import BatchPlan, run_batch
from grader.batch.task import GradeTask
from grader.catalog.course import Course
from tests.batch.classroom import PARTLY_WRONG, REFERENCE, folder
from tests.batch.fakes import FakeEngine, report_for
from tests.conftest import REPO_ROOT


def _plan(tmp_path: Path, **changes: object) -> BatchPlan:
    subs = tmp_path / "subs"
    if not subs.exists():
        subs.mkdir()
        folder(subs, "alice", REFERENCE)
        folder(subs, "bob", PARTLY_WRONG)
    course = Course.at(REPO_ROOT)
    return BatchPlan(submissions=subs, out=tmp_path / "out", course=course,
                     exercises=course.select(["exercise_01"]), regrade=True, **changes)  # type: ignore[arg-type]


def test_a_grader_that_times_out_the_reference_stops_before_recording_scores(tmp_path):
    # A time limit no import can meet stands in for a sandbox that hangs on this machine.
    outcome = run_batch(_plan(tmp_path, timeout_s=0.001), LocalEngine(1))
    assert outcome.canary_failure is not None
    assert outcome.canary_failure.startswith("the reference solution got TIMEOUT on exercise_01 / ")
    assert "importing exercise_01.py did not finish within the time limit" in outcome.canary_failure
    assert outcome.canary_failure.endswith("(before the class): the grader is broken on this machine; "
                                           "no student's score was recorded")
    assert all(r.status is not StudentStatus.GRADED for r in outcome.records)


def test_a_healthy_grader_grades_the_class_between_two_canaries(tmp_path):
    outcome = run_batch(_plan(tmp_path), LocalEngine(1))
    assert outcome.canary_failure is None
    rows = {r.student_id: r for r in outcome.records}
    assert sorted(rows) == ["alice", "bob"]  # the canaries are not students
    assert rows["alice"].status is StudentStatus.GRADED and rows["alice"].points_earned == 20
    assert rows["bob"].status is StudentStatus.GRADED and rows["bob"].points_earned < 20


class _BreaksDuringTheClass(FakeEngine):
    """Grades students by their digits; the reference passes before the class, not after."""

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        for task in tasks:
            if task.student_id.startswith(CANARY_ID):
                ok = task.student_id.endswith("before")
                yield StudentRecord.from_report(
                    report_for(task.student_id, [True, ok]), student_id=task.student_id, source=task.source,
                )
            else:
                yield from super().run([task])


def test_a_canary_that_fails_after_the_class_turns_its_results_into_grader_errors(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", "111")
    folder(subs, "bob", "100")
    plan = _plan(tmp_path)
    outcome = run_batch(plan, _BreaksDuringTheClass())
    assert outcome.canary_failure == (
        "the reference solution got FAILED on exercise_01 / check_1: no message (after the class): "
        "the grader is broken on this machine; no student's score was recorded"
    )
    rows = {r.student_id: r for r in outcome.records}
    assert sorted(rows) == ["alice", "bob"]
    assert all(r.status is StudentStatus.GRADER_ERROR and r.message == outcome.canary_failure for r in rows.values())
    assert all(r.points_earned == 0 for r in rows.values())


def test_the_canary_can_be_turned_off_for_fake_engines(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", "111")
    outcome = run_batch(_plan(tmp_path, canary=False), FakeEngine())
    assert outcome.canary_failure is None
    assert [r.points_earned for r in outcome.records] == [3]


def test_grader_grade_exits_when_the_canary_fails_with_work_in_flight(tmp_path):
    """The command as an instructor runs it: the reference times out, the run stops with
    the class's tasks already handed to the pool. It used to print the error and then
    wait forever at exit for an idle pool worker."""
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    command = [sys.executable, "-m", "grader", "--no-color", "grade", str(subs), "--out", str(tmp_path / "out"),
               "--jobs", "1", "--exercises", "exercise_01", "--timeout", "0.001"]
    env = {**os.environ, "GRADER_COURSE": str(REPO_ROOT), "GRADER_LANG": "en"}
    ran = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 4, ran.stdout + ran.stderr
    assert "the reference solution got TIMEOUT" in " ".join(ran.stderr.split())
