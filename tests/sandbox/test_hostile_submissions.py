"""Hostile and broken submissions: each is a real file under tests/fixtures/hostile/<threat>/.

Every case asserts the exact status and message of the affected checks, that the
other checks are still graded, and the total: no threat earns more than the
correct parts of the submission.
"""

from __future__ import annotations

import time

import pytest

from grader.models.results import CheckStatus
from tests.conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"
CORR2D_CHECKS = {"corr2d_lecture_example", "corr2d_random"}



def _corr2d(status: CheckStatus, phrase: str) -> dict[str, tuple[CheckStatus, str]]:
    """Both corr2d checks (4 of the 20 points) end the same way."""
    return {name: (status, phrase) for name in CORR2D_CHECKS}


# (folder, {check id or "*": (status, phrase in message)}, points earned of 20)
CASES = [
    ("infinite_loop_in_function", {"corr2d_lecture_example": (CheckStatus.TIMEOUT, "corr2d() did not finish within the time limit (timeout_s=2)"), "corr2d_random": (CheckStatus.TIMEOUT, "did not finish")}, 16),
    ("infinite_loop_at_import", {"*": (CheckStatus.TIMEOUT, "importing exercise_01.py did not finish within the time limit")}, 0),
    ("os_exit_at_import", {"*": (CheckStatus.ERROR, "exited with status 0 without returning a result")}, 0),
    ("sys_exit_at_import", {"*": (CheckStatus.ERROR, "exercise_01.py called sys.exit(0) while being imported")}, 0),
    ("syntax_error", {"*": (CheckStatus.ERROR, "exercise_01.py has a syntax error")}, 0),
    ("missing_function", {"conv1x1": (CheckStatus.FAILED, "exercise_01.py has no function `conv1x1`")}, 18),
    ("monkeypatch_torch_and_pytest", {"*": (CheckStatus.FAILED, "")}, 0),
    ("fake_report_output", {"*": (CheckStatus.FAILED, "")}, 0),
    ("conftest_next_to_submission", {"*": (CheckStatus.FAILED, "not implemented yet")}, 0),
    ("memory_bomb_python", _corr2d(CheckStatus.ERROR, "raised MemoryError:  (the memory limit is memory_mb="), 16),
    ("memory_bomb_torch", _corr2d(CheckStatus.ERROR, "(the memory limit is memory_mb="), 16),
    ("thread_keeps_running", {}, 20),
    ("stdout_flood", _corr2d(CheckStatus.ERROR, "(files and printed output are limited to file_mb="), 16),
    ("disk_fill", _corr2d(CheckStatus.ERROR, "(files and printed output are limited to file_mb="), 16),
    ("sleep_past_timeout", _corr2d(CheckStatus.TIMEOUT, "corr2d() did not finish within the time limit (timeout_s=2)"), 16),
    ("segfault_mid_check", _corr2d(CheckStatus.ERROR, "corr2d(): the process a segmentation fault (SIGSEGV)"), 16),
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
    ("reads_solutions", {"*": (CheckStatus.FAILED, "")}, 0),
    ("symlink_to_solution", {"*": (CheckStatus.FAILED, "exercise_01.py is a link to a file outside the submission folder; it was not graded")}, 0),
    ("symlinked_helper_module", {"*": (CheckStatus.ERROR, "importing exercise_01.py raised ModuleNotFoundError: No module named 'helper'")}, 0),
    ("kills_other_processes", {}, 20),
]


@pytest.mark.parametrize("folder, expected, points", CASES, ids=[c[0] for c in CASES])
def test_hostile_submission_gets_an_explained_fair_score(grade, folder, expected, points):
    result = grade("exercise_01", HOSTILE / folder, timeout_s=2)
    assert len(result.checks) == 11, [c.id for c in result.checks]
    for check in result.checks:
        status, phrase = expected.get(check.id, expected.get("*", (CheckStatus.PASSED, "")))
        assert check.status is status, (check.id, check.message)
        assert phrase in check.message, (check.id, check.message)
        if status is not CheckStatus.PASSED:
            assert check.message, check.id
    assert result.points_earned == points


def test_unloadable_module_pays_the_timeout_once(grade):
    started = time.monotonic()
    result = grade("exercise_01", HOSTILE / "infinite_loop_at_import", timeout_s=2)
    assert all(c.status is CheckStatus.TIMEOUT for c in result.checks)
    assert time.monotonic() - started < 8, "every check paid the import timeout again"


def test_syntax_error_names_the_line(grade):
    result = grade("exercise_01", HOSTILE / "syntax_error")
    assert "line 4" in result.checks[0].message


def test_an_honest_submission_scores_the_same_after_hostile_ones(grade):
    from tests.conftest import REPO_ROOT

    for folder in ("os_exit_at_import", "monkeypatch_torch_and_pytest", "infinite_loop_in_function"):
        grade("exercise_01", HOSTILE / folder, timeout_s=2)
    result = grade("exercise_01", REPO_ROOT / "solutions")
    assert result.points_earned == result.points_possible == 20
