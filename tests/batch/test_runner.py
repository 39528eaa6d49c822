"""The runner: what it grades, what it skips, and the rows it writes for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.records import StudentStatus
from grader.batch.roster import RosterEntry
from grader.batch.runner import BatchPlan, run_batch
from grader.catalog.course import Course
from tests.batch.classroom import folder, zipped
from tests.batch.fakes import FakeEngine
from tests.conftest import REPO_ROOT


@pytest.fixture
def plan(tmp_path: Path) -> BatchPlan:
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", "111")
    folder(subs, "bob", "100")
    zipped(subs, "carol", {"carol/exercise_01.py": "110"})
    folder(subs, "dave", "1")
    zipped(subs, "dave", {"exercise_01.py": "1"})
    course = Course.at(REPO_ROOT)
    roster = {s: RosterEntry(s) for s in ("alice", "bob", "frank")}
    return BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.select(["exercise_01"]),
                     roster=roster, canary=False)  # the fake engine cannot grade the reference


def test_grades_stores_and_reports_progress(plan: BatchPlan) -> None:
    engine = FakeEngine()
    seen = []
    outcome = run_batch(plan, engine, lambda progress, record: seen.append((progress.done, record and record.student_id)))
    assert sorted(engine.graded) == ["alice", "bob", "carol"]
    rows = {r.student_id: r for r in outcome.records}
    assert {k: (r.status, r.points_earned) for k, r in rows.items()} == {
        "alice": (StudentStatus.GRADED, 3), "bob": (StudentStatus.GRADED, 1), "carol": (StudentStatus.GRADED, 2),
        "dave": (StudentStatus.INVALID, 0), "frank": (StudentStatus.MISSING, 0),
    }
    assert "more than one submission" in rows["dave"].message
    assert rows["frank"].points_possible == rows["dave"].points_possible == 20  # exercise 01's points
    assert outcome.not_on_roster == ["carol", "dave"]
    assert seen[-1][0] == outcome.progress.total == 4 and outcome.progress.failures == 1
    assert (plan.out / "gradebook.sqlite").is_file()


def test_rerun_skips_unchanged_and_regrades_changed(plan: BatchPlan) -> None:
    run_batch(plan, FakeEngine())
    (plan.submissions / "bob" / "exercise_01.py").write_text("101")
    engine = FakeEngine()
    outcome = run_batch(plan, engine)
    assert engine.graded == ["bob"]
    assert outcome.progress.skipped == 2
    assert {r.student_id: r.points_earned for r in outcome.records}["bob"] == 2


def test_regrade_and_changed_limits_grade_everything_again(plan: BatchPlan) -> None:
    run_batch(plan, FakeEngine())
    engine = FakeEngine()
    run_batch(BatchPlan(**{**plan.__dict__, "regrade": True}), engine)
    assert sorted(engine.graded) == ["alice", "bob", "carol"]
    engine = FakeEngine()
    run_batch(BatchPlan(**{**plan.__dict__, "timeout_s": 3.0}), engine)
    assert sorted(engine.graded) == ["alice", "bob", "carol"]


def test_regrading_named_students_grades_only_them_again(plan: BatchPlan) -> None:
    run_batch(plan, FakeEngine())
    engine = FakeEngine()
    outcome = run_batch(BatchPlan(**{**plan.__dict__, "regrade_students": frozenset({"bob"})}), engine)
    assert engine.graded == ["bob"] and outcome.progress.skipped == 2


def test_regrading_a_student_with_no_submission_stops_before_grading(plan: BatchPlan) -> None:
    from grader.errors import SubmissionNotFound

    engine = FakeEngine()
    with pytest.raises(SubmissionNotFound, match="frank, zed"):  # frank is on the roster, but submitted nothing
        run_batch(BatchPlan(**{**plan.__dict__, "regrade_students": frozenset({"zed", "frank", "bob"})}), engine)
    assert engine.graded == []
