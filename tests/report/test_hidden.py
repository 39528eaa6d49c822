"""Hidden checks: verdict and points everywhere; the message nowhere a student reads it."""

from __future__ import annotations

import html as html_module
import io
import json

import pytest

from rich.console import Console

from grader.cli import main
from grader.models.results import NamedMistake
from grader.report import RENDERERS
from grader.report.common import withhold_hidden
from grader.report.terminal import render_terminal
from tests.conftest import REPO_ROOT
from tests.report.sample import readable, sample_report

SECRET = "gives 0.5, expected 1.5"  # the sample hidden check's message


def _terminal(report, show_hidden=False) -> str:
    buffer = io.StringIO()
    render_terminal(report, Console(file=buffer, width=200, no_color=True), show_hidden=show_hidden)
    return buffer.getvalue()


def test_the_terminal_withholds_hidden_feedback_unless_asked():
    report = sample_report()
    assert SECRET in json.dumps(report.model_dump(mode="json"))  # the sample does carry it
    assert SECRET not in _terminal(report) and "hidden" in _terminal(report)
    assert SECRET in _terminal(report, show_hidden=True)


def test_the_students_copy_keeps_points_and_drops_messages():
    report = sample_report()
    withheld = withhold_hidden(report)
    assert SECRET not in RENDERERS["json"](withheld)
    assert withheld.points_earned == report.points_earned and withheld.points_possible == report.points_possible
    hidden = [c for e in withheld.exercises for c in e.checks if c.hidden]
    assert hidden and all(c.message == "hidden" and c.mistakes == [] for c in hidden)


def _check_json(tmp_path, capsys, *extra: str) -> dict:
    code = main(["--no-color", "check", "exercise_01", "--submission", str(REPO_ROOT / "exercises"),
                 "--format", "json", *extra])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def _random_conv(report: dict) -> dict:
    (check,) = [c for c in report["exercises"][0]["checks"] if c["id"] == "conv2d_random"]
    return check


def test_a_students_json_report_withholds_the_course_hidden_check(tmp_path, capsys, cli_sandbox):
    check = _random_conv(_check_json(tmp_path, capsys))
    assert check["hidden"] is True and check["status"] == "failed" and check["message"] == "hidden"


def test_show_hidden_gives_the_instructor_the_message(tmp_path, capsys, cli_sandbox):
    check = _random_conv(_check_json(tmp_path, capsys, "--show-hidden"))
    assert "not implemented yet" in check["message"]


def test_gradescope_gets_the_message_to_publish_later(tmp_path, capsys, cli_sandbox):
    code = main(["--no-color", "check", "exercise_01", "--submission", str(REPO_ROOT / "exercises"),
                 "--format", "gradescope"])
    assert code == 0
    tests = json.loads(capsys.readouterr().out)["tests"]
    (secret,) = [t for t in tests if "conv2d: random batches" in t["name"]]
    assert secret["visibility"] == "after_published" and "not implemented yet" in secret["output"]


def test_why_a_hidden_check_did_not_run_is_shown():
    from grader.models.results import CheckResult, CheckStatus, ExerciseResult

    not_run = CheckResult(id="mnist", title="t", status=CheckStatus.SKIPPED, points_possible=5, hidden=True,
                          message="not run: MNIST data not found; run `grader data --download`")
    ran = not_run.model_copy(update={"id": "ran", "status": CheckStatus.FAILED, "message": "accuracy 97.1%"})
    report = sample_report()
    report.exercises = [ExerciseResult(id="exercise_05", title="t", checks=[not_run, ran])]
    copy = withhold_hidden(report)
    assert [c.message for c in copy.exercises[0].checks] == [not_run.message, "hidden"]


# Gradescope is left out: it always carries the message, gated by its visibility field.
STUDENT_FORMATS = sorted(set(RENDERERS) - {"gradescope"})


@pytest.mark.parametrize("format_name", STUDENT_FORMATS)
def test_every_format_withholds_by_default_and_shows_the_instructor_all(format_name):
    report = sample_report()
    secret = report.exercises[0].checks[4]
    secret.mistakes = [NamedMistake(id="conv2d.secret_mistake", title="the secret mistake", message="secret")]
    render = RENDERERS[format_name]
    students = readable(format_name, render(report))
    instructors = readable(format_name, render(report, show_hidden=True))
    assert SECRET not in students and "the secret mistake" not in students
    assert SECRET in instructors and "the secret mistake" in instructors  # every format names mistakes
    assert report.exercises[0].checks[4].message.endswith(SECRET)  # the caller's report is left whole


@pytest.mark.parametrize("format_name", ["markdown", "html", "junit"])
def test_check_show_hidden_reaches_every_format(format_name, capsys, cli_sandbox):
    argv = ["--no-color", "check", "exercise_01", "--submission", str(REPO_ROOT / "exercises"), "--format", format_name]
    assert main(argv) == 0
    students = html_module.unescape(capsys.readouterr().out)
    assert main([*argv, "--show-hidden"]) == 0
    instructors = html_module.unescape(capsys.readouterr().out)
    # exercise 01's hidden check, conv2d on random batches, fails on the stub
    assert "not implemented yet" in instructors
    assert instructors.count("not implemented yet") > students.count("not implemented yet")
