"""The canary: the course's reference solution, graded like a student, before and after a class.

A grader that is broken on this machine (a sandbox that hangs, a limit that bites
everyone) otherwise turns into a class of zeros recorded as `graded`. The reference
must score every point its checks can give here (checks not run for lack of data
aside); if it does not, the class's results are not students' scores.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.task import GradeTask
from grader.models.results import CheckStatus

CANARY_ID = "(reference solution)"  # not a valid folder name on any roster: parentheses and spaces


def canary_task(template: GradeTask, references: Path, when: str) -> GradeTask:
    """The reference solution, through the same pool, with the same limits as `template`."""
    return dataclasses.replace(
        template,
        student_id=f"{CANARY_ID} {when}",
        source=str(references),
        work_dir=template.work_dir.rstrip("/") + f"-canary-{when}",
        content_hash="",
    )


def is_canary(record: StudentRecord) -> bool:
    return record.student_id.startswith(CANARY_ID)


def failure(record: StudentRecord) -> str | None:
    """None when the reference scored full marks; otherwise why, for the course staff."""
    if record.status is not StudentStatus.GRADED or record.report is None:
        return f"the reference solution could not be graded ({record.message})"
    for exercise in record.report.exercises:
        for check in exercise.checks:
            if check.status in (CheckStatus.PASSED, CheckStatus.SKIPPED):
                continue
            return (
                f"the reference solution got {check.status.value.upper().replace('_', ' ')} on "
                f"{exercise.id} / {check.id}: {check.message.splitlines()[0] if check.message else 'no message'}"
            )
    return None


def explain(reason: str, when: str) -> str:
    return f"{reason} ({when} the class): the grader is broken on this machine; no student's score was recorded"


def not_a_score(record: StudentRecord, reason: str) -> StudentRecord:
    """A result graded by a grader that failed its canary: kept for the staff, never a score."""
    return record.model_copy(update={"status": StudentStatus.GRADER_ERROR, "message": reason, "points_earned": 0.0})
