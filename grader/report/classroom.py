"""GitHub Classroom's autograding result: the runner protocol, base64-encoded.

A runner step publishes `result` as base64 of
`{"version": 1, "status": "pass"|"fail"|"error", "max_score": N, "tests": [...]}`;
classroom-resources/autograding-grading-reporter decodes it, prints each test and
sums the tests' `score` against `max_score`. One test per check, so the class sees
per-check points. Overall status: "error" when the grader itself failed (not the
student's fault), otherwise "pass" only when every check passed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import as_read, feedback

_TEST_STATUS: dict[CheckStatus, str] = {
    CheckStatus.PASSED: "pass",
    CheckStatus.FAILED: "fail",
    CheckStatus.SKIPPED: "fail",
    CheckStatus.ERROR: "error",
    CheckStatus.TIMEOUT: "error",
    CheckStatus.GRADER_ERROR: "error",
}


def _test(exercise: ExerciseResult, check: CheckResult) -> dict[str, Any]:
    return {
        "name": f"{exercise.id}: {check.title}",
        "status": _TEST_STATUS[check.status],
        "message": feedback(check),
        "test_code": f"grader check {exercise.id}",
        "filename": exercise.student_file or "",
        "line_no": 0,
        "execution_time": f"{check.duration_s:.2f}s",
        "score": check.points_earned,
    }


def _overall(report: SubmissionReport) -> str:
    statuses = [c.status for e in report.exercises for c in e.checks]
    if CheckStatus.GRADER_ERROR in statuses:
        return "error"
    return "pass" if statuses and all(s is CheckStatus.PASSED for s in statuses) else "fail"


def result_payload(report: SubmissionReport) -> dict[str, Any]:
    """The runner protocol's JSON object, before encoding."""
    return {
        "version": 1,
        "status": _overall(report),
        "max_score": report.points_possible,
        "tests": [_test(e, c) for e in report.exercises for c in e.checks],
    }


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    raw = json.dumps(result_payload(as_read(report, show_hidden)), ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(raw.encode("utf-8")).decode("ascii") + "\n"
