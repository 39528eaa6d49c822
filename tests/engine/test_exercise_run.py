"""The plan is frozen input; an ExerciseRun owns one grading's state and becomes its result."""

from __future__ import annotations

import dataclasses

import pytest

from grader.catalog.submission import StudentFile
from grader.engine.exercise_run import ExercisePlan, ExerciseRun
from grader.models.results import CheckResult, CheckStatus
from grader.sandbox.outcomes import StudentTimeout


@pytest.fixture
def plan(course) -> ExercisePlan:
    (exercise,) = course.select(["exercise_01"])
    return ExercisePlan(exercise=exercise, student_file=StudentFile(None, "exercise_01.py not found"),
                        limits=exercise.manifest.limits.merged(timeout_s=20), budget_s=60)


def passed(check_id: str, points: float = 2) -> CheckResult:
    return CheckResult(id=check_id, title=check_id, status=CheckStatus.PASSED, points_earned=points, points_possible=points)


def test_the_plan_cannot_be_changed(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.budget_s = 1  # type: ignore[misc]


def test_limits_the_run_beats_the_check_and_the_budget_left_beats_both(plan):
    assert plan.limits_for(check_timeout_s=5, left_s=100).timeout_s == 5
    assert plan.limits_for(check_timeout_s=None, left_s=100).timeout_s == 20
    overridden = dataclasses.replace(plan, timeout_override_s=7)
    assert overridden.limits_for(check_timeout_s=5, left_s=100).timeout_s == 7
    assert overridden.limits_for(check_timeout_s=5, left_s=3.25).timeout_s == 3.25


def test_a_checks_own_reply_budget_beats_the_exercises(plan):
    assert plan.limits_for(check_timeout_s=None, left_s=100).reply_mb == 16
    assert plan.limits_for(check_timeout_s=None, left_s=100, check_reply_mb=64).reply_mb == 64


@pytest.mark.parametrize("reply_mb", [0, 129])
def test_a_check_cannot_ask_for_a_reply_budget_past_the_cap(reply_mb):
    from grader.authoring import check

    with pytest.raises(ValueError, match="reply_mb must be an integer between 1 and 128"):
        check(points=1, reply_mb=reply_mb)


def test_a_used_up_budget_is_a_timeout_naming_the_exercise(plan):
    run = ExerciseRun(dataclasses.replace(plan, budget_s=0))
    with pytest.raises(StudentTimeout, match="time budget for all checks of exercise_01"):
        run.time_left()


def test_results_in_collection_order_and_each_grading_starts_empty(plan):
    first = ExerciseRun(plan)
    for node in ("a", "b", "c"):
        first.add_check(node)
    first.record("c", passed("c"))
    first.record("a", passed("a"))
    first.comparison["Net"] = {"parameters": 1}
    result = first.result()
    assert [c.id for c in result.checks] == ["a", "c"]  # b never reported: not invented
    assert result.message == "exercise_01.py not found" and result.comparison == {"Net": {"parameters": 1}}
    again = ExerciseRun(plan).result()
    assert again.checks == [] and again.comparison == {}


def test_a_broken_check_file_keeps_its_points_possible(plan):
    run = ExerciseRun(plan)
    run.add_check("a")
    run.record("a", passed("a", points=2))
    run.collection_error = "ImportError: no module named x"
    (kept, broken) = run.result().checks
    assert broken.status is CheckStatus.GRADER_ERROR and "ImportError" in broken.message
    assert kept.points_possible + broken.points_possible == 20  # exercise 01's declared points
