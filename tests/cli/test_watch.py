"""`grader check --watch`: re-grades on each save, shows what changed, stays isolated.

The saves are scripted (a fake file watch writes the student's file and reports it),
the grading is real: the session's sandbox, exercise 02's checks.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from grader.cli import main
from grader.cli.watch import changes, watch
from grader.engine.session import GradingSession
from grader.models.results import CheckResult, CheckStatus, ExerciseResult, SubmissionReport
from tests.conftest import REPO_ROOT

WRONG_CONV_OUTPUT_SIZE = """
def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
    return size - kernel_size  # forgets the +1
"""


class ScriptedSaves:
    """Stands in for FileWatch: each wait() applies the next save, then Ctrl-C."""

    def __init__(self, student: Path, saves: list[str]) -> None:
        self.paths = (student,)
        self.student = student
        self.saves = list(saves)

    def wait(self, clock):
        if not self.saves:
            raise KeyboardInterrupt
        self.student.write_text(self.saves.pop(0))
        return [self.student]


def report_of(*statuses: CheckStatus) -> SubmissionReport:
    checks = [
        CheckResult(id=f"c{i}", title=f"check {i}", status=s, points_possible=1,
                    points_earned=1 if s is CheckStatus.PASSED else 0)
        for i, s in enumerate(statuses)
    ]
    return SubmissionReport(grader_version="0", submission=".", exercises=[ExerciseResult(id="e", title="E", checks=checks)])


def test_changes_lists_only_the_checks_whose_status_moved():
    before = report_of(CheckStatus.FAILED, CheckStatus.PASSED, CheckStatus.ERROR)
    after = report_of(CheckStatus.PASSED, CheckStatus.PASSED, CheckStatus.FAILED)
    found = changes(before, after)
    assert [(c.title, c.before, c.after) for c in found] == [
        ("check 0", CheckStatus.FAILED, CheckStatus.PASSED),
        ("check 2", CheckStatus.ERROR, CheckStatus.FAILED),
    ]
    assert changes(None, after) == []


def run_watch(course, sandbox, folder: Path, saves: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    console = Console(file=out, width=200, no_color=True, highlight=False)
    student = folder / "exercise_02.py"
    session = GradingSession(course, course.select(["exercise_02"]), sandbox=sandbox, lent=True)
    code = watch(session, folder, console, files=ScriptedSaves(student, saves))
    return code, out.getvalue()


def test_a_fix_shows_fail_to_pass_and_ctrl_c_prints_the_last_score(course, sandbox, variant):
    folder = variant("exercise_02", WRONG_CONV_OUTPUT_SIZE)
    reference = (REPO_ROOT / "solutions" / "exercise_02.py").read_text()
    code, output = run_watch(course, sandbox, folder, [reference])
    assert code == 0
    first, second = output.split("[run 1", 1)
    # conv_output_size is wrong, and the shape checks that build on it fail with it.
    assert "Total: 6/16 points (37.5%)" in first and "since the last run" not in first
    assert "since the last run: 6/16 points (37.5%) -> 16/16 points (100%)" in second
    assert "FAIL -> PASS  exercise_02: conv_output_size: the lecture's figures" in second
    assert "FAIL -> PASS  exercise_02: conv_output_size: random cases, dilation included, against torch" in second
    assert "FAIL -> PASS  exercise_02: lenet_flatten_features: 320 for 28x28, and other input sizes" in second
    assert "PASS -> PASS" not in second and "pool_output_size" not in second.split("since the last run")[1]
    assert output.rstrip().endswith("stopped watching; last score: 16/16 points (100%)")


def test_nothing_student_code_did_in_one_run_reaches_the_next(course, sandbox, variant):
    # Counts its imports in a place every worker forked from one process would share:
    # if a worker, or the process they are forked from, kept this module's effects,
    # the second run would see a count above 1 and fail.
    leaky = """
import builtins
builtins._grader_watch_imports = getattr(builtins, "_grader_watch_imports", 0) + 1
_reference_lenet = lenet_flatten_features

def lenet_flatten_features(height=28, width=28):
    if builtins._grader_watch_imports > 1:
        return -1
    return _reference_lenet(height, width)
"""
    folder = variant("exercise_02", leaky)
    source = (folder / "exercise_02.py").read_text()
    code, output = run_watch(course, sandbox, folder, [source + "\n# saved again\n"])
    assert code == 0
    assert output.count("Total: 16/16 points (100%)") == 2
    assert "-> FAIL" not in output


@pytest.mark.parametrize("option", [["--format", "json"], ["--output", "r.json"], ["--fail-under", "50"]])
def test_watch_refuses_one_off_report_options(option, capsys):
    assert main(["--no-color", "check", "exercise_02", "--watch", *option]) == 2
    assert "--watch shows the terminal report only" in capsys.readouterr().err
