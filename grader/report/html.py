"""A student's report as one self-contained HTML page (`--format html`, and feedback/<id>.html).

The same content as the Markdown feedback: each exercise's checks with status,
points and feedback; tensor excerpts as aligned grids; the exercise's comparison
(e.g. Net vs DeepNet) as a table; notes. It prints cleanly (a print stylesheet).
Hidden checks keep their verdict and points, and their feedback is withheld, as in
every format a student reads; so are the mistakes they recognised. Paths on the
grading machine are not shown: the graded file appears by name only.
"""

from __future__ import annotations

from pathlib import PurePath

from grader.models.results import CheckResult, ExerciseResult, SubmissionReport
from grader.report.common import points, student_message, withheld
from grader.report.html_page import esc, page, status_badge
from grader.report.html_tensors import message_html


def _number(value: float | str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.10g}"
    return str(value)


def comparison_columns(comparison: dict[str, dict[str, float | str]]) -> list[str]:
    """The figures any row has, in the order they first appear."""
    columns: list[str] = []
    for figures in comparison.values():
        columns += [c for c in figures if c not in columns]
    return columns


def _comparison(exercise: ExerciseResult) -> str:
    columns = comparison_columns(exercise.comparison)
    head = "".join(f'<th scope="col" class="num">{esc(c)}</th>' for c in columns)
    rows = "".join(
        f'<tr><th scope="row">{esc(name)}</th>'
        + "".join(f'<td class="num">{esc(_number(figures[c])) if c in figures else ""}</td>' for c in columns)
        + "</tr>"
        for name, figures in exercise.comparison.items()
    )
    return (
        f'<table class="comparison"><caption>{esc(exercise.id)}: comparison</caption>'
        f'<thead><tr><th scope="col">Network</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _feedback(check: CheckResult) -> str:
    if withheld(check):  # the message, and any mistake it names, would give the check away
        return f'<p class="message">{esc(student_message(check))}</p>'
    parts = [message_html(check.message)] if check.message else []
    parts += [f'<p class="mistake">Recognised mistake: {esc(m.title)}</p>' for m in check.mistakes]
    return "".join(parts)


def _check_row(check: CheckResult) -> str:
    return (
        f'<tr id="check-{esc(check.id)}"><th scope="row">{esc(check.title)}</th>'
        f"<td>{status_badge(check.status)}</td>"
        f'<td class="num">{points(check.points_earned, check.points_possible)}</td>'
        f"<td>{_feedback(check)}</td></tr>"
    )


def _exercise(exercise: ExerciseResult) -> str:
    heading = f"{exercise.id}: {exercise.title}"
    parts = [
        f'<section aria-labelledby="{esc(exercise.id)}">',
        f'<h2 id="{esc(exercise.id)}">{esc(heading)} '
        f"<small>({points(exercise.points_earned, exercise.points_possible)} points)</small></h2>",
    ]
    if exercise.student_file:
        # Why this file, when the submission had both a .py and a notebook.
        why = f" ({esc(exercise.file_choice)})" if exercise.file_choice else ""
        parts.append(f"<p>Graded file: <code>{esc(PurePath(exercise.student_file).name)}</code>{why}</p>")
    if exercise.checks:
        parts.append(
            f'<table class="checks"><caption class="visually-hidden">Checks of {esc(exercise.id)}</caption>'
            '<thead><tr><th scope="col">Check</th><th scope="col">Status</th>'
            '<th scope="col" class="num">Points</th><th scope="col">Feedback</th></tr></thead><tbody>'
            + "".join(_check_row(c) for c in exercise.checks)
            + "</tbody></table>"
        )
    if exercise.comparison:
        parts.append(_comparison(exercise))
    if exercise.message:
        parts.append(f'<p class="note">Note: {esc(exercise.message)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def title_of(report: SubmissionReport) -> str:
    return f"Grader report for {report.student_id}" if report.student_id else "Grader report"


def report_body(report: SubmissionReport) -> str:
    """The page's content, without the document around it."""
    when = report.started_at.strftime("%Y-%m-%d %H:%M UTC")
    contents = "".join(
        f'<li><a href="#{esc(e.id)}">{esc(e.id)}</a>: {points(e.points_earned, e.points_possible)}</li>'
        for e in report.exercises
    )
    parts = [
        f"<header><h1>{esc(title_of(report))}</h1>",
        f'<p class="lead"><strong class="total">{points(report.points_earned, report.points_possible)} points '
        f"({report.percent:g}%)</strong> &middot; graded {esc(when)} by grader {esc(report.grader_version)}</p>",
        f'<nav aria-label="Exercises"><ul class="figures">{contents}</ul></nav></header>',
        *(_exercise(e) for e in report.exercises),
    ]
    parts += [f'<p class="note">Note: {esc(n)}</p>' for n in report.notes]
    return "\n".join(parts)


def render(report: SubmissionReport) -> str:
    return page(title_of(report), report_body(report))
