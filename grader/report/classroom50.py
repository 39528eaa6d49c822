"""Classroom 50's `result.json` (schema `classroom50/result/v1`).

Classroom 50's runner runs an assignment's autograder.py in the student's checkout and
publishes the `./result.json` it leaves: the run's identity, `score`/`max-score` and one
entry per test (`test-name`, `passed`, `score`, `max-score`; extra fields on a test are
kept verbatim). Scores are non-negative integers, so a course whose points are not all
whole is scaled by the smallest power of ten that makes them whole (at most 1000).

The identity comes from the runner's environment: `CLASSROOM`, `ASSIGNMENT`,
`SUBMISSION_TAG`, `COMMIT_URL`, `RELEASE_URL`, `REVIEW_URL` (`COMMIT_URL` when absent);
`datetime` is the graded commit's committer date, which the generated autograder puts
in `GRADER_SUBMITTED_AT` (else the grading's start). `owner` and `assignment_type` are
stamped by the runner itself. Outside a runner the missing values are empty strings,
and `assignment` is the graded exercises' ids joined with `+`.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from typing import Any, Mapping

from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import as_read, feedback

SCHEMA = "classroom50/result/v1"
SUBMITTED_AT_VARIABLE = "GRADER_SUBMITTED_AT"
MAX_SCALE = 1000


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def submitted_at(value: str) -> str:
    """An ISO 8601 instant (git's `%cI`, `...Z`) as UTC `YYYY-MM-DDTHH:MM:SSZ`; "" if unreadable."""
    try:
        return _utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
    except ValueError:
        return ""


def scale(report: SubmissionReport) -> int:
    """The smallest of 1, 10, 100, 1000 that makes every check's points whole."""
    values = [v for e in report.exercises for c in e.checks for v in (c.points_possible, c.points_earned)]
    factor = 1
    while factor < MAX_SCALE and any(abs(v * factor - round(v * factor)) > 1e-6 for v in values):
        factor *= 10
    return factor


def _test(exercise: ExerciseResult, check: CheckResult, factor: int) -> dict[str, Any]:
    possible = max(0, round(check.points_possible * factor))
    earned = min(possible, max(0, round(check.points_earned * factor)))
    return {
        "test-name": f"{exercise.id}: {check.title}",
        "passed": check.status is CheckStatus.PASSED,
        "score": earned,
        "max-score": possible,
        # Extra fields: Classroom 50 keeps them verbatim.
        "status": check.status.value,
        "message": feedback(check),
        "exercise": exercise.id,
        "check": check.id,
        "points": check.points_earned,
        "points_possible": check.points_possible,
    }


def result_payload(report: SubmissionReport, environ: Mapping[str, str]) -> dict[str, Any]:
    """The `result.json` object for the run described by `environ`."""
    factor = scale(report)
    tests = [_test(e, c, factor) for e in report.exercises for c in e.checks]
    commit = environ.get("COMMIT_URL", "")
    return {
        "schema": SCHEMA,
        "classroom": environ.get("CLASSROOM", ""),
        "assignment": environ.get("ASSIGNMENT") or "+".join(e.id for e in report.exercises),
        "submission": environ.get("SUBMISSION_TAG", ""),
        "commit": commit,
        "release": environ.get("RELEASE_URL", ""),
        "review": environ.get("REVIEW_URL") or commit,
        "datetime": submitted_at(environ.get(SUBMITTED_AT_VARIABLE, "")) or _utc(report.started_at),
        "graded_at": _utc(report.started_at),
        "score": sum(t["score"] for t in tests),
        "max-score": sum(t["max-score"] for t in tests),
        "tests": tests,
    }


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    payload = result_payload(as_read(report, show_hidden), os.environ)
    return json.dumps(payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
