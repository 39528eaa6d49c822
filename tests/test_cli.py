"""The `grader` command: usage errors, reports, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.cli import main
from tests.conftest import FIXTURES, REPO_ROOT

# In-process `grader check` runs share one sandbox per module (see tests/conftest.py).
pytestmark = pytest.mark.usefixtures("cli_sandbox")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", "--no-color", *args],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=900, env=env,
    )


def test_list_shows_exercises_with_points(capsys):
    assert main(["--no-color", "list"]) == 0
    out = capsys.readouterr().out
    assert "exercise_01" in out and "Convolution and pooling by hand" in out and "20" in out
    assert "exercise_02" in out


@pytest.fixture
def no_sandbox(monkeypatch):
    """Checks that a usage error leaves no sandbox behind. `grader check` starts its zygote
    first (its torch import overlaps the rest of a cold check), so a usage error found
    after that must kill it unused at once: no cell asked for, the process ended (killed,
    not waited for), its private folder gone. Yields the sandboxes that were started."""
    import grader.sandbox.client
    from tests.conftest import Sandbox  # the real one (cli_sandbox lends a shared one)

    started: list[Sandbox] = []

    class Recorded(Sandbox):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(grader.sandbox.client, "Sandbox", Recorded)
    yield started
    for box in started:
        assert box._next_request == 0, "a usage error asked the sandbox for a cell"
        assert box._process is not None and box._process.returncode is not None, "the zygote was left running"
        assert box._process.returncode < 0, "the zygote was waited for instead of killed at once"
        assert not os.path.exists(box.tmp_root)


def test_unknown_exercise_is_a_usage_error_with_a_suggestion(capsys, no_sandbox):
    assert main(["--no-color", "check", "exercise_1"]) == 2
    err = capsys.readouterr().err
    assert "unknown exercise 'exercise_1'" in err and "did you mean exercise_01" in err


@pytest.mark.parametrize("argv", [["--no-color", "list"], ["list", "--no-color"]])
def test_no_color_works_before_and_after_the_command(argv):
    """docs/checking.md lists --no-color under `grader check`: it was refused after the command."""
    from grader.cli import build_parser

    assert build_parser().parse_args(argv).no_color is True
    assert build_parser().parse_args(["list"]).no_color is False


def test_missing_submission_folder(capsys, tmp_path, no_sandbox):
    assert main(["--no-color", "check", "01", "--submission", str(tmp_path / "nope")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_data_dir_that_is_not_a_folder_is_a_usage_error(capsys, tmp_path, no_sandbox):
    code = main(["--no-color", "check", "05", "--submission", str(REPO_ROOT / "solutions"),
                 "--data-dir", str(tmp_path / "nope")])
    assert code == 2
    assert f"--data-dir {tmp_path / 'nope'} is not a folder" in capsys.readouterr().err


def test_course_folder_without_a_course_is_a_usage_error(capsys, tmp_path, no_sandbox):
    assert main(["--no-color", "check", "01", "--course", str(tmp_path)]) == 2
    assert str(tmp_path) in capsys.readouterr().err


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


SHARED_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist"


def _cli_environment() -> tuple[dict[str, str], bool]:
    """The environment for `grader check` in a subprocess, and whether it will find MNIST.

    As the real-MNIST fixtures do: $GRADER_DATA_DIR, else ../shared/data/mnist (the
    development and CI machines' verified copy), handed on as GRADER_DATA_DIR; whether it
    is found is decided as the CLI searches."""
    from grader.data.locate import DataSearch, default_cache_root
    from grader.data.mnist.provider import MnistProvider

    env = dict(os.environ)
    if not env.get("GRADER_DATA_DIR") and (SHARED_MNIST / "t10k-labels-idx1-ubyte.gz").is_file():
        env["GRADER_DATA_DIR"] = str(SHARED_MNIST)
    search = DataSearch(env_dir=env.get("GRADER_DATA_DIR"), cache_root=default_cache_root(env, Path.home()), cwd=REPO_ROOT)
    return env, MnistProvider().find(search).folder is not None


@pytest.mark.parametrize("submission", ["solutions", "exercises"])
def test_end_to_end_all_exercises(submission, tmp_path):
    # Without MNIST on purpose: the real-data acceptance tests of exercises 05 and 06
    # already train on it, and training both again here cost the suite 80 s. This run
    # checks the whole CLI path, and that the MNIST checks say NOT RUN, never FAIL.
    env, _ = _cli_environment()
    env.pop("GRADER_DATA_DIR", None)
    env["HOME"] = env["XDG_CACHE_HOME"] = str(tmp_path / "home")  # no user cache either
    done = run_cli("check", "--all", "--submission", submission, "--output", str(tmp_path / "report.json"),
                   "--no-download", env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    checks = [c for e in report["exercises"] for c in e["checks"]]
    not_run = [c for c in checks if c["status"] == "skipped"]
    if submission == "exercises":
        assert report["points_earned"] == 0 and not any(c["status"] == "passed" for c in checks)
    else:
        # The MNIST checks cannot run here: NOT RUN (never passed, never failed), all else passes.
        shown = [c for c in not_run if not c["hidden"]]  # a hidden check's message is withheld from students
        assert shown and all(c["message"].startswith("not run: MNIST data not found") for c in shown)
        assert "NOT RUN" in done.stdout and "FAIL" not in done.stdout
        assert all(c["status"] == "passed" for c in checks if c not in not_run)
        assert report["points_earned"] == report["points_possible"] - sum(c["points_possible"] for c in not_run)
    total = f"Total: {report['points_earned']:g}/{report['points_possible']:g} points ({report['percent']:g}%)"
    assert total in done.stdout


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


ONE_EXERCISE_COURSE = FIXTURES / "courses" / "kills_its_grader"  # exercise "dies": answer() must return 42


def test_course_option_lists_and_checks_another_course(capsys, tmp_path):
    assert main(["--no-color", "list", "--course", str(ONE_EXERCISE_COURSE)]) == 0
    out = capsys.readouterr().out
    assert "dies" in out and "exercise_01" not in out
    (tmp_path / "dies.py").write_text("def answer():\n    return 42\n")
    code = main(["--no-color", "check", "dies", "--course", str(ONE_EXERCISE_COURSE), "--submission", str(tmp_path),
                 "--format", "json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert [e["id"] for e in report["exercises"]] == ["dies"] and report["percent"] == 100


def test_grade_regrade_grades_unchanged_submissions_again(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")  # rich wraps at the terminal width: keep the summary on one line
    (tmp_path / "subs" / "alice").mkdir(parents=True)
    (tmp_path / "subs" / "alice" / "dies.py").write_text("def answer():\n    return 42\n")
    args = ["--no-color", "grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--jobs", "1",
            "--course", str(ONE_EXERCISE_COURSE)]
    summaries = []
    for again in ([], ["--regrade"]):
        assert main([*args, *again]) == 0
        summaries.append(capsys.readouterr().out)
    # Unchanged, the second run would skip alice (tests/batch/test_runner.py); --regrade grades her again.
    assert "1 submissions: 1 graded now, 0 unchanged (skipped)" in summaries[0]
    assert "1 submissions: 1 graded now, 0 unchanged (skipped)" in summaries[1]


def test_grade_regrade_names_the_students_to_grade_again(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "1000")
    for student in ("alice", "bob"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        (tmp_path / "subs" / student / "dies.py").write_text("def answer():\n    return 42\n")
    args = ["--no-color", "--lang", "en", "grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"),
            "--jobs", "1", "--course", str(ONE_EXERCISE_COURSE)]
    assert main(args) == 0
    capsys.readouterr()
    assert main([*args, "--regrade", "bob"]) == 0
    assert "2 submissions: 1 graded now, 1 unchanged (skipped)" in capsys.readouterr().out
    assert main([*args, "--regrade", "carol"]) == 2
    err = capsys.readouterr().err
    assert "no submission in" in err and "for carol" in err and "--regrade takes the students' ids" in err


def test_check_a_file_by_its_path_grades_that_file(tmp_path, capsys, monkeypatch):
    """A student who names their file (`grader check work/exercise_03.py`) means that file:
    its folder is the submission, wherever it is."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "exercise_03.py").write_text((REPO_ROOT / "solutions" / "exercise_03.py").read_text())
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "--lang", "en", "check", "work/exercise_03.py", "--course", str(REPO_ROOT),
                 "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["submission"] == str(work) and report["points_earned"] == report["points_possible"] > 0


@pytest.mark.parametrize("names, error", [
    (["work/exercise_09.py"], "exercise_09.py does not exist"),
    (["work/exercise_03.py", "other/exercise_01.py"], "the files named are in different folders"),
])
def test_check_refuses_files_it_cannot_grade_as_named(tmp_path, capsys, monkeypatch, names, error):
    for folder, name in (("work", "exercise_03.py"), ("other", "exercise_01.py")):
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "--lang", "en", "check", *names, "--course", str(REPO_ROOT)]) == 2
    assert error in capsys.readouterr().err


def test_check_refuses_a_file_outside_the_submission_folder_given(tmp_path, capsys, monkeypatch):
    for folder in ("work", "other"):
        (tmp_path / folder).mkdir()
    (tmp_path / "work" / "exercise_03.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert main(["--no-color", "--lang", "en", "check", "work/exercise_03.py", "--submission", "other",
                 "--course", str(REPO_ROOT)]) == 2
    assert "the files named are not in --submission other" in capsys.readouterr().err


def test_long_work_says_each_step_on_its_own_line_where_no_spinner_shows():
    import io

    from rich.console import Console

    from grader.cli.common import progress_lines

    log = io.StringIO()
    with progress_lines(Console(file=log, width=120), "releasing ...") as progress:
        progress("recording exercise_01's reference values")
        progress("recording exercise_01's reference values")  # said once
        progress("verifying exercise_01 on the stub")
    lines = log.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == [
        "releasing ...", "recording exercise_01's reference values", "verifying exercise_01 on the stub"]
    assert all(line.startswith("[") and " min] " in line for line in lines)
