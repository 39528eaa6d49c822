"""The grading session: grades as often as asked, closes what it owns, leaves what it was lent."""

from __future__ import annotations

import pytest

from grader.engine.session import GradingSession
from tests.conftest import REPO_ROOT


def test_a_session_grades_again_and_closes_its_own_sandbox(course):
    (exercise,) = course.select(["exercise_02"])
    with GradingSession(course, [exercise]) as session:
        first = session.grade(REPO_ROOT / "solutions")
        again = session.grade(REPO_ROOT / "exercises")
        sandbox = session.sandbox
    assert first.points_earned == first.points_possible > 0 and again.points_earned == 0
    sandbox._process.wait(timeout=10)  # its zygote was told to go (and exits by itself, not waited for)
    with pytest.raises(RuntimeError, match="closed"):
        session.grade(REPO_ROOT / "solutions")


def test_a_lent_sandbox_outlives_the_session(course, sandbox):
    (exercise,) = course.select(["exercise_02"])
    with GradingSession(course, [exercise], sandbox=sandbox, lent=True) as session:
        session.grade(REPO_ROOT / "solutions")
    assert sandbox._alive()
    with GradingSession(course, [exercise], sandbox=sandbox, lent=True) as session:  # the next student's
        assert session.grade(REPO_ROOT / "solutions").percent == 100.0
