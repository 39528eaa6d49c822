"""A batch's zygote folds its memory into huge pages once its first cell is open, so
that every later fork copies fewer page tables; a one-off check's zygote does not."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

import pytest

from grader.engine.run import grade_submission
from grader.sandbox.client import Sandbox
from tests.conftest import REPO_ROOT

@functools.cache
def _folded_in_a_fresh_process() -> int:
    done = subprocess.run(
        [sys.executable, "-c", "import torch; from grader.sandbox.hugepages import collapse_anonymous_memory as c; "
         "print(c())"],
        capture_output=True, text=True, cwd=REPO_ROOT,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def _skip_without_folding() -> None:
    if _folded_in_a_fresh_process() == 0:
        pytest.skip("this kernel does not fold memory into huge pages (MADV_COLLAPSE, Linux 6.1+)")


def _anon_huge_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("AnonHugePages:"):
            return int(line.split()[1])
    return 0


_ONE_HUGE_PAGE_KIB = 2 << 10


def _thp_always() -> bool:
    setting = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    return setting.exists() and "[always]" in setting.read_text()


def test_folding_reports_what_it_folded():
    _skip_without_folding()
    # How much folds depends on how fragmented the machine's free memory is (CI has
    # folded 28 MiB where this machine folds 150), so the floor is a single huge page.
    assert _folded_in_a_fresh_process() >= _ONE_HUGE_PAGE_KIB << 10


@pytest.mark.parametrize("many_cells", [True, False])
def test_only_a_zygote_for_many_cells_folds_its_memory(course, many_cells):
    _skip_without_folding()
    exercise = course.select(["exercise_01"])
    with Sandbox(many_cells=many_cells) as box:
        before = _anon_huge_kib(box._process.pid)
        first = grade_submission(course, exercise, REPO_ROOT / "solutions", box)
        after_first = _anon_huge_kib(box._process.pid)
        second = grade_submission(course, exercise, REPO_ROOT / "solutions", box)
    assert first.points_earned == second.points_earned == 20
    if many_cells:
        assert after_first - before >= _ONE_HUGE_PAGE_KIB
    elif not _thp_always():  # where every big allocation is huge anyway, only the fold is told
        assert after_first - before < _ONE_HUGE_PAGE_KIB
