"""Which file was graded, and why, sits in the exercise's header in every human format."""

from __future__ import annotations

import io
import json

from rich.console import Console

from grader.report import RENDERERS
from grader.report.terminal import render_terminal
from tests.report.sample import sample_report

WHY = "graded exercise_01.ipynb (exercise_01.py is the untouched stub)"


def _report_with_a_choice():
    report = sample_report()
    first = report.exercises[0].model_copy(
        update={"student_file": "/submissions/alice/exercise_01.ipynb", "file_choice": "exercise_01.py is the untouched stub"}
    )
    return report.model_copy(update={"exercises": [first, *report.exercises[1:]]})


def test_terminal_title_names_the_graded_file():
    buffer = io.StringIO()
    render_terminal(_report_with_a_choice(), Console(file=buffer, width=200, no_color=True, highlight=False))
    title = buffer.getvalue().splitlines()[0]
    assert title.strip() == f"exercise_01: Convolution and pooling by hand · {WHY}"


def test_markdown_says_it_under_the_heading_not_in_a_note():
    lines = RENDERERS["markdown"](_report_with_a_choice()).splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("### exercise_01"))
    assert lines[heading + 2] == f"*{WHY}*"
    assert not any(line.startswith("> note") and "graded" in line for line in lines)


def test_gradescope_output_and_junit_properties_say_it():
    assert json.loads(RENDERERS["gradescope"](_report_with_a_choice()))["output"].splitlines()[1] == f"exercise_01: {WHY}"
    assert f'<property name="graded_file" value="{WHY}" />' in RENDERERS["junit"](_report_with_a_choice())


def test_no_choice_no_words():
    text = RENDERERS["markdown"](sample_report())
    assert "graded" not in text.split("### exercise_01")[1].splitlines()[2]
