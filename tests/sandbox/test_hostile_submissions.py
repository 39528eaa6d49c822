"""Hostile and broken submissions: each is a real file under tests/fixtures/hostile/<threat>/.

Every case asserts the exact status and message of the affected checks, that the
other checks are still graded, and the total: no threat earns more than the
correct parts of the submission.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from grader.models.results import CheckStatus
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
# Honest calls take milliseconds; a hostile one waits out this much, so keep it short.
TIMEOUT_S = 1.5
CORR2D_CHECKS = {"corr2d_lecture_example", "corr2d_random"}



def _corr2d(status: CheckStatus, phrase: str) -> dict[str, tuple[CheckStatus, str]]:
    """Both corr2d checks (4 of the 20 points) end the same way."""
    return {name: (status, phrase) for name in CORR2D_CHECKS}


# (folder, {check id or "*": (status, phrase in message)}, points earned of 20)
CASES = [
    ("infinite_loop_in_function", {"corr2d_lecture_example": (CheckStatus.TIMEOUT, "corr2d() did not finish within the time limit (timeout_s=1.5)"), "corr2d_random": (CheckStatus.TIMEOUT, "did not finish")}, 16),
    ("infinite_loop_at_import", {"*": (CheckStatus.TIMEOUT, "importing exercise_01.py did not finish within the time limit")}, 0),
    ("os_exit_at_import", {"*": (CheckStatus.ERROR, "exited with status 0 without returning a result")}, 0),
    ("sys_exit_at_import", {"*": (CheckStatus.ERROR, "exercise_01.py called sys.exit(0) while being imported")}, 0),
    ("syntax_error", {"*": (CheckStatus.ERROR, "exercise_01.py has a syntax error")}, 0),
    ("missing_function", {"conv1x1": (CheckStatus.FAILED, "exercise_01.py has no function `conv1x1`")}, 18),
    # The patched comparisons live in the worker; the grader compares with its own torch.
    ("monkeypatch_torch_and_pytest", {
        **_corr2d(CheckStatus.FAILED, "but wrong values: "),
        "conv2d_channel_mismatch": (CheckStatus.FAILED, "returned Tensor instead of raising ValueError"),
        "*": (CheckStatus.FAILED, "has shape (1), expected ("),
    }, 0),
    # What it prints and the report files it writes are not what the grader reads (see below).
    ("fake_report_output", {
        **_corr2d(CheckStatus.FAILED, "has shape (1, 1), expected ("),
        "conv2d_lecture_padding": (CheckStatus.FAILED, "but wrong values: "),
        "conv2d_lecture_bias": (CheckStatus.FAILED, "but wrong values: "),
        "conv2d_channel_mismatch": (CheckStatus.FAILED, "returned Tensor instead of raising ValueError"),
        "*": (CheckStatus.FAILED, "expected ("),
    }, 0),
    ("conftest_next_to_submission", {"*": (CheckStatus.FAILED, "not implemented yet")}, 0),
    ("memory_bomb_python", _corr2d(CheckStatus.ERROR, "raised MemoryError:  (the memory limit is memory_mb="), 16),
    ("memory_bomb_torch", _corr2d(CheckStatus.ERROR, "(the memory limit is memory_mb="), 16),
    ("thread_keeps_running", {}, 20),
    ("stdout_flood", _corr2d(CheckStatus.ERROR, "(files and printed output are limited to file_mb="), 16),
    ("disk_fill", _corr2d(CheckStatus.ERROR, "(files and printed output are limited to file_mb="), 16),
    ("sleep_past_timeout", _corr2d(CheckStatus.TIMEOUT, "corr2d() did not finish within the time limit (timeout_s=1.5)"), 16),
    ("segfault_mid_check", _corr2d(CheckStatus.ERROR, "corr2d(): the process crashed with a segmentation fault (SIGSEGV)"), 16),
    ("os_abort_mid_check", _corr2d(CheckStatus.ERROR, "aborted (os.abort or a failed C assertion) (SIGABRT)"), 16),
    ("os_exit_mid_check", _corr2d(CheckStatus.ERROR, "corr2d(): the process exited with status 0 without returning a result"), 16),
    ("recursion_error", _corr2d(CheckStatus.ERROR, "corr2d() raised RecursionError: maximum recursion depth exceeded"), 16),
    (
        "base_exceptions",
        {
            **_corr2d(CheckStatus.ERROR, "corr2d() called sys.exit(3)"),
            "conv1x1": (CheckStatus.ERROR, "conv1x1() raised KeyboardInterrupt"),
            "max_pool_lecture_example": (CheckStatus.ERROR, "max_pool2d() raised GeneratorExit"),
            "max_pool_random": (CheckStatus.ERROR, "max_pool2d() raised GeneratorExit"),
        },
        11,
    ),
    ("lying_objects", _corr2d(CheckStatus.FAILED, "returned exercise_01.Liar, expected a torch.Tensor"), 16),
    ("tensor_subclass", _corr2d(CheckStatus.FAILED, "returned an instance of exercise_01.AlwaysClose, a subclass of torch.Tensor; return a plain torch.Tensor"), 16),
    ("tensor_subclass_correct_values", _corr2d(CheckStatus.FAILED, "a subclass of torch.Tensor"), 16),
    ("fake_tensor_object", _corr2d(CheckStatus.FAILED, "returned exercise_01.FakeTensor, expected a torch.Tensor"), 16),
    # The solutions folder is hidden: its import fails and the fallback (zeros) is graded.
    ("reads_solutions", {
        **_corr2d(CheckStatus.FAILED, "but wrong values: "),
        "*": (CheckStatus.FAILED, "has no function `"),
    }, 0),
    ("symlink_to_solution", {"*": (CheckStatus.FAILED, "exercise_01.py is a link to a file outside the submission folder; it was not graded")}, 0),
    ("symlinked_helper_module", {"*": (CheckStatus.ERROR, "importing exercise_01.py raised ModuleNotFoundError: No module named 'helper'")}, 0),
    ("kills_other_processes", {}, 20),
    # The next check's worker, made in advance, is stopped too: a fresh one serves it.
    ("stops_other_processes", {}, 20),
    # Where workers have their own PID namespace the zygote is out of its reach.
    ("kills_the_sandbox", {}, 20),
    # A reply announced over the cap is refused unread; the next checks are not thrown off.
    ("reply_too_large", _corr2d(CheckStatus.ERROR, "corr2d() returned too much data (message of 1099511627776 bytes"), 16),
]


@pytest.mark.parametrize("folder, expected, points", CASES, ids=[c[0] for c in CASES])
def test_hostile_submission_gets_an_explained_fair_score(grade, folder, expected, points):
    result = grade("exercise_01", HOSTILE / folder, timeout_s=TIMEOUT_S)
    assert len(result.checks) == 11, [c.id for c in result.checks]
    for check in result.checks:
        status, phrase = expected.get(check.id, expected.get("*", (CheckStatus.PASSED, "")))
        assert check.status is status, (check.id, check.message)
        assert phrase in check.message, (check.id, check.message)
        assert (phrase != "") == (status is not CheckStatus.PASSED), "every failure names what it checks for"
    assert result.points_earned == points


def test_unloadable_module_pays_the_timeout_once(grade):
    started = time.monotonic()
    result = grade("exercise_01", HOSTILE / "infinite_loop_at_import", timeout_s=TIMEOUT_S)
    assert all(c.status is CheckStatus.TIMEOUT for c in result.checks)
    assert time.monotonic() - started < 8, "every check paid the import timeout again"


def test_syntax_error_names_the_line(grade):
    result = grade("exercise_01", HOSTILE / "syntax_error")
    assert "line 4" in result.checks[0].message


def test_an_honest_submission_scores_the_same_after_hostile_ones(grade):
    from tests.conftest import REPO_ROOT

    for folder in ("os_exit_at_import", "monkeypatch_torch_and_pytest", "infinite_loop_in_function"):
        grade("exercise_01", HOSTILE / folder, timeout_s=TIMEOUT_S)
    result = grade("exercise_01", REPO_ROOT / "solutions")
    assert result.points_earned == result.points_possible == 20


FAKE_REPORT = {"score": 20, "points_earned": 20, "percent": 100}


def _holds_the_fake(path: Path) -> bool:
    try:
        return json.loads(path.read_text()) == FAKE_REPORT
    except (OSError, ValueError):
        return False


def test_fake_report_files_land_nowhere_the_grader_or_a_user_reads(grade, tmp_path, monkeypatch):
    """fake_report_output writes report.json and results.json in its working folder and
    /tmp/report.json: none of them may appear in the grader's folder, the submission's
    folder or the machine's /tmp, and its own claims (20/20) are not the score."""
    monkeypatch.chdir(tmp_path)  # the grading process's working folder, where a user finds reports
    folder = HOSTILE / "fake_report_output"
    before = sorted(p.name for p in folder.iterdir())
    result = grade("exercise_01", folder)
    assert result.points_earned == 0
    for place in (tmp_path / "report.json", tmp_path / "results.json", folder / "report.json",
                  folder / "results.json", Path("/tmp/report.json")):
        assert not _holds_the_fake(place), place
    assert sorted(p.name for p in folder.iterdir()) == before


def test_disk_fill_files_are_gone_after_the_check(grade):
    result = grade("exercise_01", HOSTILE / "disk_fill", timeout_s=TIMEOUT_S)
    message = next(c for c in result.checks if c.id == "corr2d_lecture_example").message
    where = re.search(r"wrote fill0\.\.fill\d+\.bin in (\S+?)(?: \(files|$)", message)
    assert where is not None, message
    folder = Path(where.group(1))  # as the worker saw it; here, after the check, nothing of it is left
    assert not (folder.exists() and any(folder.glob("fill*.bin"))), folder
    assert result.points_earned == 16


def test_kills_other_processes_leaves_a_bystander_alive(grade):
    """kills_other_processes SIGKILLs its parent, init and every process it can see; a process
    of the grading machine's user must survive it (the grader itself and its sandbox too)."""
    bystander = subprocess.Popen(["sleep", "119.97"])
    try:
        result = grade("exercise_01", HOSTILE / "kills_other_processes")
        assert bystander.poll() is None, "the bystander was killed"
    finally:
        bystander.kill()
        bystander.wait()
    assert result.points_earned == 20
