"""The engine tells the student's faults from the grader's own."""

from __future__ import annotations

from grader.catalog.course import Course
from grader.engine.run import grade_submission
from grader.models.results import CheckStatus
from grader.sandbox.client import Sandbox
from tests.conftest import FIXTURES, REPO_ROOT, by_id

BROKEN = FIXTURES / "courses" / "broken"


def test_statuses_points_and_grader_errors(sandbox):
    course = Course.at(BROKEN)
    report = grade_submission(course, course.select(["buggy", "unloadable"]), BROKEN / "exercises", sandbox)
    buggy, unloadable = report.exercises
    checks = by_id(buggy)
    assert checks["works"].status is CheckStatus.PASSED and checks["works"].points_earned == 1
    broken = checks["broken"]
    assert broken.status is CheckStatus.GRADER_ERROR and broken.points_earned == 0
    assert "KeyError" in broken.message and "not your fault" in broken.message and "checks.py, line" in broken.message
    assert checks["skipped"].status is CheckStatus.SKIPPED and checks["skipped"].message == "not run: the data is missing"
    hidden = checks["hidden"]
    assert hidden.hidden and hidden.status is CheckStatus.FAILED and hidden.message == "answer() should return 41 here"
    assert buggy.points_earned == 1 and buggy.points_possible == 7
    (collection,) = unloadable.checks
    assert collection.status is CheckStatus.GRADER_ERROR
    assert collection.points_possible == 5 and unloadable.points_possible == 5  # no inflated percentage
    assert "a_module_that_does_not_exist" in collection.message


def test_each_check_has_the_next_checks_worker_made_in_advance(course, sandbox, monkeypatch):
    """The worker made while a check runs is the one the next check that runs student code
    asks for, across exercises too; after the last one, none is made."""
    asked = []
    spawn = Sandbox.spawn

    def recording(self, cell, worker, budget_s, next_worker="same"):
        asked.append((worker, next_worker))
        return spawn(self, cell, worker, budget_s, next_worker)

    monkeypatch.setattr(Sandbox, "spawn", recording)
    report = grade_submission(course, course.select(["exercise_01", "exercise_02"]), REPO_ROOT / "solutions", sandbox)
    assert report.exercises[0].points_earned == report.exercises[0].points_possible
    assert [next_worker for _, next_worker in asked[:-1]] == [worker for worker, _ in asked[1:]]
    assert asked[-1][1] is None
    names = [worker.module_name for worker, _ in asked]
    assert names[0] == "exercise_01" and names[-1] == "exercise_02"
