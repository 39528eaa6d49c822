"""Gradescope's results.json: the autograder output format Gradescope documents.

Top level: `score` (what the submission earned), `output` (notes about the whole
submission) and `tests`, one per check, each with `score`, `max_score`, `name`,
`number`, `output`, `status` ("passed" or "failed") and `visibility`. A hidden
check is `after_published` (or what course.toml's [gradescope] hidden_visibility
says): Gradescope shows it to students only then, and always to the instructor, so
its message is kept here rather than withheld.

`grader check --format gradescope` writes plain text. The autograder that
`grader autograder gradescope` builds asks for Markdown (`output_format` "md", so the
comparison tables render) and adds what the course enables: the late penalty (the
top-level `score` then is the penalised total; each test keeps its own points), the
leaderboard (exercise 05/06's test accuracy) and `extra_data` (the named mistakes).

The `output` texts are what a student reads: their verdict word and score line are in
the active language. Field names and `status`/`visibility` values stay as Gradescope
defines them (tests/report/gradescope_results.schema.json).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from grader.i18n import tr
from grader.models.manifest import GradescopeSettings, LatePolicy
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import feedback, graded_file, report_notes, score_line, status_word

MARKDOWN = "md"
LEADERBOARD_COLUMN = "test accuracy (%)"  # the comparison column exercises 05/06 fill
OWN_ROW_SUFFIX = "(yours)"  # the comparison row that is the student's ("Net (yours)")


# -- the late policy --------------------------------------------------------------------
@dataclass(frozen=True)
class LateAdjustment:
    """What the late policy did to one submission: the fraction of its score kept, and
    a sentence for the student (empty when on time or no policy)."""

    kept: float = 1.0
    note: str = ""
    late_seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


def _when(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def late_adjustment(policy: LatePolicy, metadata: dict[str, Any] | None) -> LateAdjustment:
    """Apply `policy` to Gradescope's submission_metadata.json (`created_at`,
    `assignment.due_date`, `assignment.late_due_date`). Metadata missing or unreadable:
    nothing is taken, and the note says why."""
    if policy.kind == "none":
        return LateAdjustment()
    assignment = (metadata or {}).get("assignment") or {}
    submitted, due = _when((metadata or {}).get("created_at")), _when(assignment.get("due_date"))
    late_due = _when(assignment.get("late_due_date"))
    if submitted is None or due is None:
        return LateAdjustment(note=tr("No late penalty: the submission's time or the due date is unknown."))
    late_s = (submitted - due).total_seconds()
    details = {"policy": policy.kind, "created_at": submitted.isoformat(), "due_date": due.isoformat(),
               "late_due_date": late_due.isoformat() if late_due else None, "late_seconds": max(0.0, late_s)}
    if late_s <= 0:
        return LateAdjustment(details={**details, "penalty_percent": 0.0})
    past_late_due = late_due is not None and submitted > late_due
    if policy.kind == "zero_after_late_due" or (past_late_due and policy.zero_after_late_due):
        if past_late_due:
            return LateAdjustment(0.0, tr("Submitted after the late due date ({late_due}): the score is 0.",
                                          late_due=late_due.isoformat()), late_s, {**details, "penalty_percent": 100.0})
        return LateAdjustment(1.0, tr("Submitted late, before the late due date: no penalty."), late_s,
                              {**details, "penalty_percent": 0.0})
    unit_s = 86400.0 if policy.kind == "per_day" else 3600.0
    units = math.ceil(late_s / unit_s)
    penalty = min(policy.cap_percent, units * policy.penalty_percent)
    unit = tr("day(s)") if policy.kind == "per_day" else tr("hour(s)")
    note = tr("Submitted {units} {unit} late: {penalty}% of the score is taken off ({per}% per {what}, at most {cap}%).",
              units=units, unit=unit, penalty=f"{penalty:g}", per=f"{policy.penalty_percent:g}",
              what=tr("day") if policy.kind == "per_day" else tr("hour"), cap=f"{policy.cap_percent:g}")
    return LateAdjustment(round(1.0 - penalty / 100.0, 6), note, late_s, {**details, "penalty_percent": penalty})


# -- the results --------------------------------------------------------------------------
def _markdown_block(text: str) -> str:
    """A message in Markdown: one line as is, several (tensor excerpts, tables) as a code block."""
    if "\n" not in text:
        return text
    fence = "````" if "```" in text else "```"
    return f"{fence}\n{text}\n{fence}"


def _test(exercise_number: int, check_number: int, exercise_id: str, check: CheckResult,
          settings: GradescopeSettings, markdown: bool) -> dict[str, Any]:
    verdict = status_word(check.status)
    message = feedback(check)
    if markdown:
        output = f"**{verdict}**\n\n{_markdown_block(message)}" if message else f"**{verdict}**"
    else:
        output = f"{verdict}: {message}" if message else verdict
    test: dict[str, Any] = {
        "name": f"{exercise_id}: {check.title}",
        "number": f"{exercise_number}.{check_number}",
        "score": check.points_earned,
        "max_score": check.points_possible,
        "status": "passed" if check.status is CheckStatus.PASSED else "failed",
        "output": output,
        "visibility": settings.hidden_visibility if check.hidden else "visible",
    }
    if markdown:
        test["output_format"] = MARKDOWN
    return test


def _comparison_table(exercise: ExerciseResult) -> str:
    rows = exercise.comparison
    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    lines = [f"| | {' | '.join(tr(c) for c in columns)} |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        lines.append(f"| {tr(name)} | {' | '.join(str(row.get(c, '')) for c in columns)} |")
    return f"**{exercise.id}**\n\n" + "\n".join(lines)


def leaderboard(report: SubmissionReport) -> list[dict[str, Any]]:
    """One entry per exercise that reported the student's test accuracy (higher is better)."""
    entries = []
    for exercise in report.exercises:
        for name, row in exercise.comparison.items():
            value = row.get(LEADERBOARD_COLUMN)
            if name.endswith(OWN_ROW_SUFFIX) and isinstance(value, (int, float)):
                entries.append({"name": f"{exercise.id} {LEADERBOARD_COLUMN}", "value": value, "order": "desc"})
                break
    return entries


def _mistakes(report: SubmissionReport) -> list[dict[str, str]]:
    return [{"exercise": e.id, "check": c.id, "id": m.id, "title": m.title}
            for e in report.exercises for c in e.checks for m in c.mistakes]


def results(report: SubmissionReport, settings: GradescopeSettings = GradescopeSettings(), *,
            late: LateAdjustment | None = None, markdown: bool = False) -> dict[str, Any]:
    """results.json as a dict. `markdown`: the autograder's richer form (see the module)."""
    tests = [
        _test(e_index, c_index, exercise.id, check, settings, markdown)
        for e_index, exercise in enumerate(report.exercises, start=1)
        for c_index, check in enumerate(exercise.checks, start=1)
    ]
    # Which file was graded, when a submission had both: first, where the student reads.
    choices = [f"{e.id}: {graded_file(e)}" for e in report.exercises if graded_file(e)]
    summary = score_line(report.points_earned, report.points_possible, report.percent)
    late = late or LateAdjustment()
    score = report.points_earned
    if late.kept < 1.0:
        score = round(report.points_earned * late.kept, 6)
        summary = tr("{score} after the late penalty (before it: {before})",
                     score=f"{score:g}/{report.points_possible:g}", before=summary)
    if not markdown:
        output = "\n".join([*choices, *report_notes(report)])
        results_: dict[str, Any] = {
            "score": score,
            "execution_time": round(report.duration_s),
            "output": f"{summary}\n{output}" if output else summary,
            "tests": tests,
        }
        return results_
    parts = [f"**{summary}**", late.note, *choices, *report_notes(report),
             *(_comparison_table(e) for e in report.exercises if e.comparison)]
    data: dict[str, Any] = {
        "score": score,
        "execution_time": round(report.duration_s),
        "output": "\n\n".join(p for p in parts if p),
        "output_format": MARKDOWN,
        "test_output_format": MARKDOWN,
        "tests": tests,
        "extra_data": {"grader_version": report.grader_version, "mistakes": _mistakes(report),
                       "points_before_late_penalty": report.points_earned, "late": late.details},
    }
    if settings.leaderboard:
        data["leaderboard"] = leaderboard(report)
    return data


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(report: SubmissionReport, *, show_hidden: bool = True) -> str:
    del show_hidden  # always whole: the visibility field keeps hidden checks from students
    return dumps(results(report))
