"""The terminal report, drawn with rich on the Console it is given.

Statuses carry a word as well as a colour, so the report reads the same on a
terminal without colour (NO_COLOR, CI logs, a pipe).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.models.results import CheckStatus, ExerciseResult, SubmissionReport
from grader.report.common import graded_file, student_message

STATUS_STYLE: dict[CheckStatus, tuple[str, str]] = {
    CheckStatus.PASSED: ("PASS", "bold green"),
    CheckStatus.FAILED: ("FAIL", "bold red"),
    CheckStatus.ERROR: ("ERROR", "bold red"),
    CheckStatus.TIMEOUT: ("TIMEOUT", "bold yellow"),
    CheckStatus.SKIPPED: ("NOT RUN", "yellow"),
    CheckStatus.GRADER_ERROR: ("GRADER ERROR", "bold magenta"),
}


def _points(earned: float, possible: float) -> str:
    return f"{earned:g}/{possible:g}"


def _exercise_table(exercise: ExerciseResult, show_hidden: bool) -> Table:
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
    table.add_column("Check", ratio=3, overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Feedback", ratio=5, overflow="fold")
    for result in exercise.checks:
        word, style = STATUS_STYLE[result.status]
        table.add_row(
            result.title,
            Text(word, style=style),
            _points(result.points_earned, result.points_possible),
            Text(result.message if show_hidden else student_message(result)),
        )
    table.caption = f"{exercise.id}: {_points(exercise.points_earned, exercise.points_possible)} points"
    table.caption_justify = "right"
    return table


def _comparison_table(exercise: ExerciseResult) -> Table:
    """Side-by-side figures (rows: networks; columns: the figures any row has)."""
    columns: list[str] = []
    for figures in exercise.comparison.values():
        columns += [c for c in figures if c not in columns]
    table = Table(title=f"{exercise.id}: comparison", title_justify="left")
    table.add_column("")
    for column in columns:
        table.add_column(column, justify="right")
    for row, figures in exercise.comparison.items():
        cells = [figures.get(c, "") for c in columns]
        table.add_row(row, *(f"{v:,}" if isinstance(v, int) else f"{v:g}" if isinstance(v, float) else str(v) for v in cells))
    return table


def render_terminal(report: SubmissionReport, console: Console, show_hidden: bool = False) -> None:
    """Hidden checks' feedback is withheld unless `show_hidden` (an instructor's run)."""
    for exercise in report.exercises:
        console.print(_exercise_table(exercise, show_hidden))
        if exercise.comparison:
            console.print(_comparison_table(exercise))
        if exercise.message:
            console.print(Text(f"note: {exercise.message}", style="yellow"))
        console.print()
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))
    style = "bold green" if report.percent >= 100 else ("bold yellow" if report.percent > 0 else "bold red")
    console.print(
        Text(
            f"Total: {_points(report.points_earned, report.points_possible)} points ({report.percent:g}%)",
            style=style,
        )
    )
