"""The `grader` command: usage errors, reports, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grader.cli import main
from tests.conftest import REPO_ROOT

# In-process `grader check` runs share one sandbox per module (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("cli_sandbox")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "--no-color", *args],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
    )


def test_list_shows_exercises_with_points(capsys):
    assert main(["--no-color", "list"]) == 0
    out = capsys.readouterr().out
    assert "exercise_01" in out and "Convolution and pooling by hand" in out and "20" in out
    assert "exercise_02" in out


def test_unknown_exercise_is_a_usage_error_with_a_suggestion(capsys):
    assert main(["--no-color", "check", "exercise_1"]) == 2
    err = capsys.readouterr().err
    assert "unknown exercise 'exercise_1'" in err and "did you mean exercise_01" in err


def test_missing_submission_folder(capsys, tmp_path):
    assert main(["--no-color", "check", "01", "--submission", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_check_needs_exercises_or_all(capsys):
    assert main(["--no-color", "check"]) == 2
    assert "--all" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: grader" in capsys.readouterr().out


def test_json_report_to_file_and_fail_under(tmp_path, capsys):
    out = tmp_path / "reports" / "report.json"
    code = main(["--no-color", "check", "exercise_02", "--submission", str(REPO_ROOT / "exercises"),
                 "--format", "json", "--output", str(out), "--fail-under", "50"])
    assert code == 1
    captured = capsys.readouterr()
    assert "below --fail-under 50%" in captured.err
    report = json.loads(out.read_text())
    assert report["percent"] == 0 and report["exercises"][0]["id"] == "exercise_02"
    assert "Total: 0/16 points" in captured.out


def test_json_to_stdout(capsys):
    assert main(["check", "02", "--submission", str(REPO_ROOT / "solutions"), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["percent"] == 100.0


def test_unwritable_output_is_reported(capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["--no-color", "check", "02", "--submission", str(REPO_ROOT / "solutions"),
                 "--format", "json", "--output", str(blocker / "report.json")])
    assert code == 3
    assert "cannot write the report" in capsys.readouterr().err


def _mnist_found() -> bool:
    """Whether `grader check` in a subprocess will find MNIST (as the CLI searches)."""
    import os
    from pathlib import Path

    from grader.data.locate import candidates, default_cache_dir, find_mnist

    search = candidates(env_dir=os.environ.get("GRADER_DATA_DIR"), cache_dir=default_cache_dir(os.environ, Path.home()),
                        cwd=REPO_ROOT)
    return find_mnist(search).folder is not None


@pytest.mark.parametrize("submission, total", [("solutions", "(100%)"), ("exercises", "(0%)")])
def test_end_to_end_all_exercises(submission, total):
    with_data = _mnist_found()
    done = run_cli("check", "--all", "--submission", submission, *([] if with_data else ["--no-download"]))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if submission == "solutions" and not with_data:
        # The MNIST checks cannot run here: they are NOT RUN (never passed); all else passes.
        assert "NOT RUN" in done.stdout and "FAIL" not in done.stdout
        return
    assert "Total:" in done.stdout and total in done.stdout


@pytest.mark.parametrize("option, value", [("--timeout", "0"), ("--timeout", "-1"), ("--memory-mb", "0"), ("--processes", "x")])
def test_limits_must_be_positive_numbers(capsys, option, value):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "01", option, value])
    assert exit_.value.code == 2
    assert option in capsys.readouterr().err


def test_merged_limits_are_validated():
    import pydantic

    from grader.models.manifest import CheckLimits

    with pytest.raises(pydantic.ValidationError):
        CheckLimits().merged(timeout_s=-1)
    assert CheckLimits().merged(timeout_s=3, memory_mb=None).timeout_s == 3
