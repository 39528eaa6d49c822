"""A Markdown summary: for `$GITHUB_STEP_SUMMARY`, pull requests and feedback files.

Student code can put any text in a message (an exception's text, a printed value),
so every cell is escaped: HTML is neutralised and table syntax cannot be broken.
Only what a Markdown viewer would take as HTML is escaped (`<` opening a tag, `&`
opening an entity): the file is also read as plain text, where `10 -&gt; 128` would
be noise, so `->`, `a < b` and `x & y` stay as written.
Hidden checks show their verdict and points, with the feedback "hidden".
Headings, column names and status words are in the active language.
"""

from __future__ import annotations

import re

from grader.i18n import tr
from grader.models.results import CheckResult, ExerciseResult, SubmissionReport
from grader.report.common import as_read, feedback, graded_file, points, score_line, score_points, status_word


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")  # `<b`, `</`, `<!--`, `<?`: HTML to a viewer
_ENTITY = re.compile(r"&(?=#?\w+;)")  # `&lt;`, `&#60;`: an entity to a viewer


def escape_cell(text: str) -> str:
    """Text safe inside one Markdown table cell, line breaks kept as <br>."""
    escaped = _TAG_START.sub("&lt;", _ENTITY.sub("&amp;", text))
    escaped = escaped.replace("|", "\\|").replace("`", "\\`")
    return "<br>".join(line.rstrip() for line in escaped.splitlines())


def _check_row(check: CheckResult) -> str:
    cells = (
        escape_cell(check.title),
        escape_cell(status_word(check.status)),
        points(check.points_earned, check.points_possible),
        escape_cell(feedback(check)),
    )
    return "| " + " | ".join(cells) + " |"


def _exercise_section(exercise: ExerciseResult) -> list[str]:
    score = score_points(exercise.points_earned, exercise.points_possible)
    lines = [f"### {escape_cell(exercise.id)}: {escape_cell(exercise.title)} ({escape_cell(score)})", ""]
    if graded_file(exercise):
        lines += [f"*{escape_cell(graded_file(exercise))}*", ""]
    if exercise.checks:
        header = (tr("Check"), tr("Status"), tr("Points"), tr("Feedback"))
        lines += ["| " + " | ".join(escape_cell(h) for h in header) + " |", "|---|---|---:|---|"]
        lines += [_check_row(c) for c in exercise.checks]
        lines.append("")
    if exercise.message:
        lines += [f"> {tr('note: {note}', note=escape_cell(exercise.message))}", ""]
    return lines


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    report = as_read(report, show_hidden)
    score = escape_cell(score_line(report.points_earned, report.points_possible, report.percent))
    if report.student_id:
        heading = tr("Grader report for {student}: {score}", student=escape_cell(report.student_id), score=score)
    else:
        heading = tr("Grader report: {score}", score=score)
    lines = [f"## {heading}", ""]
    for exercise in report.exercises:
        lines += _exercise_section(exercise)
    run_notes = list(report.notes)
    if run_notes:
        lines += [f"> {tr('note: {note}', note=escape_cell(n))}" for n in run_notes] + [""]
    return "\n".join(lines)
