"""A student's report as one self-contained HTML page (`--format html`, and feedback/<id>.html).

The same content as the Markdown feedback: each exercise's checks with status,
points and feedback; tensor excerpts as aligned grids; the exercise's comparison
(e.g. Net vs DeepNet) as a table; notes. It prints cleanly (a print stylesheet).
Hidden checks keep their verdict and points, and their feedback is withheld, as in
every format a student reads; so are the mistakes they recognised. Paths on the
grading machine are not shown: the graded file appears by name only. Headings,
column names and status words are in the active language.
"""

from __future__ import annotations

from pathlib import PurePath

from grader.i18n import N_, tr
from grader.models.results import CheckResult, ExerciseResult, SubmissionReport
from grader.report.common import RECOGNISED_MISTAKE, as_read, points, score_line, score_points
from grader.report.html_page import esc, page, status_badge, tr_html
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
    # Rows and columns are data keys (English in the JSON); shown in the reader's language.
    head = "".join(f'<th scope="col" class="num">{esc(tr(c))}</th>' for c in columns)
    rows = "".join(
        f'<tr><th scope="row">{esc(tr(name))}</th>'
        + "".join(f'<td class="num">{esc(_number(figures[c])) if c in figures else ""}</td>' for c in columns)
        + "</tr>"
        for name, figures in exercise.comparison.items()
    )
    return (
        f'<table class="comparison"><caption>{esc(tr("{exercise}: comparison", exercise=exercise.id))}</caption>'
        f'<thead><tr><th scope="col">{esc(tr("Network"))}</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


def _feedback(check: CheckResult) -> str:
    parts = [message_html(check.message)] if check.message else []
    parts += [f'<p class="mistake">{esc(tr(RECOGNISED_MISTAKE, title=m.title))}</p>' for m in check.mistakes]
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
        f"<small>({esc(score_points(exercise.points_earned, exercise.points_possible))})</small></h2>",
    ]
    if exercise.student_file:
        # Why this file, when the submission had both a .py and a notebook.
        why = f" ({esc(exercise.file_choice)})" if exercise.file_choice else ""
        graded = tr_html(N_("Graded file: {file}"), file=f"<code>{esc(PurePath(exercise.student_file).name)}</code>")
        parts.append(f"<p>{graded}{why}</p>")
    if exercise.checks:
        parts.append(
            f'<table class="checks"><caption class="visually-hidden">'
            f'{esc(tr("Checks of {exercise}", exercise=exercise.id))}</caption>'
            f'<thead><tr><th scope="col">{esc(tr("Check"))}</th><th scope="col">{esc(tr("Status"))}</th>'
            f'<th scope="col" class="num">{esc(tr("Points"))}</th><th scope="col">{esc(tr("Feedback"))}</th>'
            "</tr></thead><tbody>"
            + "".join(_check_row(c) for c in exercise.checks)
            + "</tbody></table>"
        )
    if exercise.comparison:
        parts.append(_comparison(exercise))
    if exercise.message:
        parts.append(f'<p class="note">{esc(tr("Note: {note}", note=exercise.message))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def title_of(report: SubmissionReport) -> str:
    if report.student_id:
        return tr("Grader report for {student}", student=report.student_id)
    return tr("Grader report")


def report_body(report: SubmissionReport) -> str:
    """The page's content, without the document around it."""
    when = report.started_at.strftime("%Y-%m-%d %H:%M UTC")
    contents = "".join(
        f'<li><a href="#{esc(e.id)}">{esc(e.id)}</a>: {points(e.points_earned, e.points_possible)}</li>'
        for e in report.exercises
    )
    parts = [
        f"<header><h1>{esc(title_of(report))}</h1>",
        f'<p class="lead"><strong class="total">'
        f"{esc(score_line(report.points_earned, report.points_possible, report.percent))}</strong> &middot; "
        f"{esc(tr('graded {when} by grader {version}', when=when, version=report.grader_version))}</p>",
        f'<nav aria-label="{esc(tr("Exercises"))}"><ul class="figures">{contents}</ul></nav></header>',
        *(_exercise(e) for e in report.exercises),
    ]
    parts += [f'<p class="note">{esc(tr("Note: {note}", note=n))}</p>' for n in report.notes]
    return "\n".join(parts)


def render(report: SubmissionReport, *, show_hidden: bool = False) -> str:
    report = as_read(report, show_hidden)
    return page(title_of(report), report_body(report))
