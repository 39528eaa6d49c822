"""`grader check`'s cheap canary: every check timing out on import is blamed on the
student only when the exercise's own stub imports in time."""

from __future__ import annotations

from grader.engine import run
from grader.engine.options import GradingOptions, LimitOverrides
from grader.engine.run import grade_submission
from grader.models.results import CheckStatus, ImportFailure
from tests.conftest import FIXTURES

LOOP = FIXTURES / "hostile" / "infinite_loop_at_import"


def _grade(course, sandbox):
    (exercise,) = course.select(["exercise_01"])
    return grade_submission(course, [exercise], LOOP, sandbox, GradingOptions(LimitOverrides(timeout_s=1)))


def test_a_student_file_that_hangs_at_import_is_the_students_fault(course, sandbox):
    report = _grade(course, sandbox)
    assert all(c.status is CheckStatus.TIMEOUT for c in report.exercises[0].checks)
    assert report.exercises[0].import_failure is ImportFailure.TIMEOUT  # as data, for the dashboard
    assert not [n for n in report.notes if "grader may be at fault" in n]


def test_when_even_the_stub_cannot_be_imported_the_grader_is_suspected(course, sandbox, monkeypatch):
    # A limit no import can meet stands in for a sandbox that hangs on this machine.
    monkeypatch.setattr(run, "_STUB_IMPORT_S", 0.001)
    report = _grade(course, sandbox)
    assert (
        "every check of exercise_01 timed out importing exercise_01.py, and so did importing the exercise's own "
        "stub, which takes milliseconds: the grader may be at fault on this machine, not your code; tell the "
        "course staff"
    ) in report.notes
