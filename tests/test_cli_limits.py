"""`grader check`'s limit options, each lowered below what a submission needs and shown to
bite: the submission in tests/fixtures/limits/ would get past every default."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from grader.sandbox.cell import _EXTRA_PROCESSES
from grader.cli import main
from tests.conftest import FIXTURES

LIMITS = FIXTURES / "limits"
# Torch's threads count against the process cap too: leave room for one per core.
PROCESSES = 16 + (os.cpu_count() or 1)


def _check(args: list[str], report: Path) -> dict[str, dict[str, object]]:
    """Run `grader check` in this process (it starts its own sandbox); the checks by id."""
    assert main(["--no-color", "check", "exercise_01", "--format", "json", "--output", str(report), *args]) == 0
    data = json.loads(report.read_text())
    (exercise,) = data["exercises"]
    return {"notes": data["notes"], **{c["id"]: c for c in exercise["checks"]}}


@pytest.fixture(scope="module")
def over_the_limits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    report = tmp_path_factory.mktemp("limits") / "report.json"
    return _check(
        ["--submission", str(LIMITS / "over_the_limits"), "--timeout", "30", "--memory-mb", "1024",
         "--file-mb", "2", "--cpu-s", "1", "--processes", str(PROCESSES)],
        report,
    )


@pytest.mark.skipif(Path("/dev/nvidiactl").exists(), reason="with a GPU driver the worker sets no address-space limit")
def test_memory_mb(over_the_limits):
    for name in ("corr2d_lecture_example", "corr2d_random"):
        check = over_the_limits[name]
        assert check["status"] == "error", check["message"]
        assert "raised MemoryError" in check["message"]
        assert "(the memory limit is memory_mb=1024)" in check["message"]


def test_file_mb(over_the_limits):
    check = over_the_limits["conv2d_lecture_padding"]
    assert check["status"] == "error", check["message"]
    assert "File too large (files and printed output are limited to file_mb=2 MiB)" in check["message"]


def test_cpu_s(over_the_limits):
    for name in ("max_pool_lecture_example", "max_pool_random"):
        check = over_the_limits[name]
        # Ended by the CPU limit after one second (an error), not by the 30 s timeout.
        assert check["status"] == "error", check["message"]


@pytest.mark.xfail(strict=True, reason="a worker killed by SIGXCPU inside its PID namespace is "
                   "reported as 'exited with status 70' (grader/sandbox/worker.py)")
def test_cpu_s_is_named_in_the_message(over_the_limits):
    for name in ("max_pool_lecture_example", "max_pool_random"):
        assert "ran out of CPU time (SIGXCPU)" in over_the_limits[name]["message"]


def test_processes(over_the_limits):
    if any("a cap on the number of processes" in note for note in over_the_limits["notes"]):
        pytest.skip("no process cap on this machine")
    check = over_the_limits["avg_pool_random"]
    assert check["status"] == "error", check["message"]
    assert f"(the process limit is processes={PROCESSES})" in check["message"]
    made = re.search(r"fork refused after (\d+) children", check["message"])
    # The student's sandbox holds a few processes of its own beyond what a check may start
    # (grader.sandbox.cell._EXTRA_PROCESSES); without a cap the bomb would reach its safety limit.
    assert made is not None and int(made.group(1)) < PROCESSES + _EXTRA_PROCESSES


def test_limits_cost_only_the_functions_that_ran_into_them(over_the_limits):
    assert over_the_limits["conv1x1"]["status"] == "passed"


def test_submission_timeout(tmp_path):
    checks = _check(
        ["--submission", str(LIMITS / "sleeps_in_every_function"), "--timeout", "30", "--submission-timeout", "1"],
        tmp_path / "report.json",
    )
    del checks["notes"]
    # The first check is cut short by what is left of the budget (1 s), not its own 30 s...
    first = checks.pop("corr2d_lecture_example")
    assert first["status"] == "timeout"
    assert re.search(r"did not finish within the time limit \(timeout_s=(0\.\d+|1)\)", first["message"]), first["message"]
    # ... and no other check starts once it is spent.
    for check in checks.values():
        assert check["status"] == "timeout"
        if not check["hidden"]:  # a hidden check's message is withheld from students
            assert check["message"] == (
                "not run: the time budget for all checks of exercise_01 (submission_timeout_s=1) is used up"
            )
