"""The grading process's side of the sandbox, through its public use: a Sandbox that
grades submissions, and what it does when student code kills the sandbox's zygote."""

from __future__ import annotations

from grader.engine.run import grade_submission
from grader.models.results import CheckStatus
from grader.sandbox.client import Sandbox
from tests.conftest import FIXTURES, REPO_ROOT, by_id

RESTART_NOTE = "the sandbox was restarted 1 time(s) after student code killed it"


def test_the_zygote_is_restarted_after_student_code_kills_it(course):
    """Without isolation (as on a machine with no PID namespaces) a worker can kill the
    zygote: the check that did it fails, the checks after it run on a new one, and the
    report says so once; the next submission graded by the same sandbox does not."""
    exercise = course.select(["exercise_01"])
    with Sandbox(isolate=False) as box:
        report = grade_submission(course, exercise, FIXTURES / "hostile" / "kills_the_sandbox", box)
        honest = grade_submission(course, exercise, REPO_ROOT / "solutions", box)
    checks = by_id(report.exercises[0])
    assert checks["avg_pool_random"].status is CheckStatus.ERROR
    assert checks["avg_pool_random"].message.startswith("avg_pool2d(): the process ")
    assert checks["conv1x1"].status is CheckStatus.PASSED  # graded after the restart
    assert report.points_earned == 18
    assert RESTART_NOTE in report.notes
    assert honest.points_earned == 20
    assert not any("restarted" in note for note in honest.notes)
