"""What every text renderer shares: status words, points, and what a student may see.

A check marked hidden keeps its verdict and points in every format, but its message
is withheld from the formats a student reads (the message can give the test away).
"""

from __future__ import annotations

from grader.models.results import CheckResult, CheckStatus, SubmissionReport

STATUS_WORD: dict[CheckStatus, str] = {
    CheckStatus.PASSED: "PASS",
    CheckStatus.FAILED: "FAIL",
    CheckStatus.ERROR: "ERROR",
    CheckStatus.TIMEOUT: "TIMEOUT",
    CheckStatus.SKIPPED: "NOT RUN",
    CheckStatus.GRADER_ERROR: "GRADER ERROR",
}

HIDDEN_MESSAGE = "hidden"


def points(earned: float, possible: float) -> str:
    """`3/4`: points without trailing zeros."""
    return f"{earned:g}/{possible:g}"


def student_message(check: CheckResult) -> str:
    """The feedback a student may read: withheld for hidden checks."""
    return HIDDEN_MESSAGE if check.hidden else check.message


def withhold_hidden(report: SubmissionReport) -> SubmissionReport:
    """A copy of the report a student may read whole (the JSON a student's run writes):
    hidden checks keep status and points; their messages and named mistakes go."""
    exercises = [
        exercise.model_copy(update={"checks": [
            check.model_copy(update={"message": HIDDEN_MESSAGE, "mistakes": []}) if check.hidden else check
            for check in exercise.checks
        ]})
        for exercise in report.exercises
    ]
    return report.model_copy(update={"exercises": exercises})


def report_notes(report: SubmissionReport) -> list[str]:
    """Exercise-wide and run-wide notes, each prefixed with where it comes from."""
    notes = [f"{e.id}: {e.message}" for e in report.exercises if e.message]
    return notes + list(report.notes)
