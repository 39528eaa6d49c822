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
from grader.i18n import N_, tr
from grader.models.results import CheckStatus

CANARY_ID = "(reference solution)"  # not a valid folder name on any roster: parentheses and spaces


# How the reference's status reads in "the reference solution got FAILED on ..." (the
# statuses it can fail with).
_GOT = {
    CheckStatus.FAILED: N_("FAILED"),
    CheckStatus.ERROR: N_("ERROR"),
    CheckStatus.TIMEOUT: N_("TIMEOUT"),
    CheckStatus.GRADER_ERROR: N_("GRADER ERROR"),
}
_EXPLAINED = {
    "before": N_("{reason} (before the class): the grader is broken on this machine; no student's score was recorded"),
    "after": N_("{reason} (after the class): the grader is broken on this machine; no student's score was recorded"),
}


def canary_task(template: GradeTask, references: Path, when: str, language: str | None = None) -> GradeTask:
    """The reference solution, through the same pool, with the same limits as `template`,
    graded in `language` (the instructor's; default: the template's)."""
    return dataclasses.replace(
        template,
        student_id=f"{CANARY_ID} {when}",
        source=str(references),
        work_dir=template.work_dir.rstrip("/") + f"-canary-{when}",
        content_hash="",
        language=language or template.language,
    )


def is_canary(record: StudentRecord) -> bool:
    return record.student_id.startswith(CANARY_ID)


def failure(record: StudentRecord) -> str | None:
    """None when the reference scored full marks; otherwise why, for the course staff (in
    the active language)."""
    if record.status is not StudentStatus.GRADED or record.report is None:
        return tr("the reference solution could not be graded ({reason})", reason=record.message)
    for exercise in record.report.exercises:
        for check in exercise.checks:
            if check.status in (CheckStatus.PASSED, CheckStatus.SKIPPED):
                continue
            got = _GOT.get(check.status, check.status.value.upper())
            return tr(
                "the reference solution got {status} on {exercise} / {check}: {message}",
                status=tr(got), exercise=exercise.id, check=check.id,
                message=check.message.splitlines()[0] if check.message else tr("no message"),
            )
    return None


def explain(reason: str, when: str) -> str:
    """`reason` and what it means for the class, `when` ("before" or "after") it was found."""
    return tr(_EXPLAINED[when], reason=reason)


@dataclasses.dataclass(frozen=True)
class CanaryFailed:
    """The reference solution did not score full marks: said in whichever language is active
    (each student's record in theirs, the instructor's summary in the instructor's)."""

    record: StudentRecord  # the canary's own
    when: str  # "before" or "after" the class

    def reason(self) -> str:
        return explain(failure(self.record) or "", self.when)


def not_a_score(record: StudentRecord, reason: str) -> StudentRecord:
    """A result graded by a grader that failed its canary: kept for the staff, never a score."""
    return record.model_copy(update={"status": StudentStatus.GRADER_ERROR, "message": reason, "points_earned": 0.0})
