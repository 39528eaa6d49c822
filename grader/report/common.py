"""What every text renderer shares: status words, points, and what a student may see.

A check marked hidden keeps its verdict and points in every format, but its message
is withheld from the formats a student reads (the message can give the test away),
unless an instructor asks for it (`show_hidden`; Gradescope gates it itself).

Words a person reads (status words, "points", "hidden") are marked here in English and
translated where they are shown, in the active language (grader.i18n); what machines
read (JSON keys, status values, ids) is never translated.
"""

from __future__ import annotations

from pathlib import PurePath

from grader.i18n import N_, tr
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport

# In English; `status_word` gives the word in the active language.
STATUS_WORD: dict[CheckStatus, str] = {
    CheckStatus.PASSED: N_("PASS"),
    CheckStatus.FAILED: N_("FAIL"),
    CheckStatus.ERROR: N_("ERROR"),
    CheckStatus.TIMEOUT: N_("TIMEOUT"),
    CheckStatus.SKIPPED: N_("NOT RUN"),
    CheckStatus.GRADER_ERROR: N_("GRADER ERROR"),
}

HIDDEN_MESSAGE = N_("hidden")


def status_word(status: CheckStatus) -> str:
    """The status as a person reads it, in the active language ("PASS", "通过")."""
    return tr(STATUS_WORD[status])


def points(earned: float, possible: float) -> str:
    """`3/4`: points without trailing zeros."""
    return f"{earned:g}/{possible:g}"


def score_points(earned: float, possible: float) -> str:
    """`3/4 points` in the active language."""
    return tr("{score} points", score=points(earned, possible))


def score_line(earned: float, possible: float, percent: float) -> str:
    """`3/4 points (75%)` in the active language."""
    return tr("{score} points ({percent}%)", score=points(earned, possible), percent=f"{percent:g}")


def withheld(check: CheckResult) -> bool:
    """Whether a student may not read this check's message: a hidden check that ran.
    Why a check did not run ("MNIST data not found ...") gives nothing away and tells
    the student what to do, so it is shown."""
    return check.hidden and check.status is not CheckStatus.SKIPPED


def as_read(report: SubmissionReport, show_hidden: bool) -> SubmissionReport:
    """The report as its reader may see it: whole for an instructor (`show_hidden`),
    else the student's copy. Every renderer starts here, so that a format handed a whole
    report (a batch's, a test's) withholds by default and shows all when told to."""
    return report if show_hidden else withhold_hidden(report)


RECOGNISED_MISTAKE = N_("Recognised mistake: {title}")


def feedback(check: CheckResult) -> str:
    """The check's message, then a line naming each mistake it recognised (the name a
    student can look up in the course's notes, and the one the class figures count)."""
    named = [tr(RECOGNISED_MISTAKE, title=m.title) for m in check.mistakes]
    return "\n".join([check.message, *named] if check.message else named)


def graded_file(exercise: ExerciseResult) -> str:
    """`graded exercise_01.ipynb (exercise_01.py is the untouched stub)` when the
    submission had both files, for the exercise's header; "" when there was no choice."""
    if not exercise.file_choice or not exercise.student_file:
        return ""
    return tr("graded {file} ({why})", file=PurePath(exercise.student_file).name, why=exercise.file_choice)


def withhold_hidden(report: SubmissionReport) -> SubmissionReport:
    """A copy of the report a student may read whole (the JSON a student's run writes):
    hidden checks keep status and points; their messages and named mistakes go."""
    exercises = [
        exercise.model_copy(update={"checks": [
            check.model_copy(update={"message": tr(HIDDEN_MESSAGE), "mistakes": []}) if withheld(check) else check
            for check in exercise.checks
        ]})
        for exercise in report.exercises
    ]
    return report.model_copy(update={"exercises": exercises})


def report_notes(report: SubmissionReport) -> list[str]:
    """Exercise-wide and run-wide notes, each prefixed with where it comes from."""
    notes = [f"{e.id}: {e.message}" for e in report.exercises if e.message]
    return notes + list(report.notes)
