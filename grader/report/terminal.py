"""The terminal report, drawn with rich on the Console it is given.

Statuses carry a word as well as a colour, so the report reads the same on a
terminal without colour (NO_COLOR, CI logs, a pipe). Every word is in the active
language; rich measures wide (CJK) characters, so a Chinese table keeps its borders.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.i18n import tr
from grader.models.results import CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import as_read, feedback, graded_file, points, score_line, score_points, status_word

STATUS_COLOUR: dict[CheckStatus, str] = {
    CheckStatus.PASSED: "bold green",
    CheckStatus.FAILED: "bold red",
    CheckStatus.ERROR: "bold red",
    CheckStatus.TIMEOUT: "bold yellow",
    CheckStatus.SKIPPED: "yellow",
    CheckStatus.GRADER_ERROR: "bold magenta",
}


def status_text(status: CheckStatus) -> Text:
    """The status's word (in the active language) in its colour."""
    return Text(status_word(status), style=STATUS_COLOUR[status])


def _exercise_table(exercise: ExerciseResult) -> Table:
    # Which file was graded belongs in the header: a student with both a .py and a
    # notebook must see at once which one the points are for.
    title = f"{exercise.id}: {exercise.title}"
    if graded_file(exercise):
        title += f" · {graded_file(exercise)}"
    table = Table(
        title=title,
        title_justify="left",
        show_lines=False,
        expand=True,
    )
    table.add_column(tr("Check"), ratio=3, overflow="fold")
    table.add_column(tr("Status"), no_wrap=True)
    table.add_column(tr("Points"), justify="right", no_wrap=True)
    table.add_column(tr("Feedback"), ratio=5, overflow="fold")
    for result in exercise.checks:
        table.add_row(
            Text(result.title),
            status_text(result.status),
            points(result.points_earned, result.points_possible),
            Text(feedback(result)),
        )
    table.caption = f"{exercise.id}: {score_points(exercise.points_earned, exercise.points_possible)}"
    table.caption_justify = "right"
    return table


def _comparison_table(exercise: ExerciseResult) -> Table:
    """Side-by-side figures (rows: networks; columns: the figures any row has)."""
    columns: list[str] = []
    for figures in exercise.comparison.values():
        columns += [c for c in figures if c not in columns]
    table = Table(title=tr("{exercise}: comparison", exercise=exercise.id), title_justify="left")
    table.add_column("")
    # Rows and columns are data keys (English in the JSON); shown in the reader's language.
    for column in columns:
        table.add_column(tr(column), justify="right")
    for row, figures in exercise.comparison.items():
        cells = [figures.get(c, "") for c in columns]
        table.add_row(tr(row), *(f"{v:,}" if isinstance(v, int) else f"{v:g}" if isinstance(v, float) else str(v) for v in cells))
    return table


def render_terminal(report: SubmissionReport, console: Console, show_hidden: bool = False) -> None:
    """Hidden checks' feedback is withheld unless `show_hidden` (an instructor's run)."""
    report = as_read(report, show_hidden)
    for exercise in report.exercises:
        console.print(_exercise_table(exercise))
        if exercise.comparison:
            console.print(_comparison_table(exercise))
        if exercise.message:
            console.print(Text(tr("note: {note}", note=exercise.message), style="yellow"))
        console.print()
    for note in report.notes:
        console.print(Text(tr("note: {note}", note=note), style="yellow"))
    style = "bold green" if report.percent >= 100 else ("bold yellow" if report.percent > 0 else "bold red")
    score = score_line(report.points_earned, report.points_possible, report.percent)
    console.print(Text(tr("Total: {score}", score=score), style=style))
