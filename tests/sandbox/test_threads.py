"""Torch threads in workers: set once in the zygote, before any fork; never in a forked child.

On torch's CUDA build (what `pip install torch` gives on Linux), `Sandbox(threads=4)`
gave every check a TIMEOUT: the worker called torch.set_num_threads(4) after the fork
and hung (issue 9, part 4). These tests fail on that build with that design: a worker
must report the sandbox's thread count and finish multi-threaded work in time.
benchmarks/fork_threads.py shows the underlying hazard on either build.
"""

from __future__ import annotations

import os

import pytest
import torch

from grader.engine.student import StudentCode
from grader.models.manifest import CheckLimits
from grader.sandbox.client import Sandbox

WORK = '''
import torch

def threads_and_work():
    x = torch.randn(1500, 1500)
    total = float((x @ x).sum()) + float(torch.ones(4_000_000).add_(1).sum())  # parallel regions
    return [torch.get_num_threads(), total == total]
'''


@pytest.fixture(scope="module")
def two_thread_sandbox():
    with Sandbox(threads=2) as box:
        yield box


@pytest.mark.parametrize("check", range(3))  # several workers of one cell, each fresh
def test_a_worker_has_the_sandboxs_threads_and_finishes_parallel_work(two_thread_sandbox, tmp_path, check):
    (tmp_path / "exercise_01.py").write_text(WORK)
    code = StudentCode(two_thread_sandbox, tmp_path / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=60))
    try:
        assert code.call("threads_and_work") == [2, True]
    finally:
        code.close()
    assert torch.get_num_threads() >= 1  # the grading process's own setting is untouched


POLICY = '''
import os
import torch

def policy_seen():
    return [os.environ.get("OMP_WAIT_POLICY"), os.environ.get("OMP_NUM_THREADS"), torch.get_num_threads()]
'''


@pytest.mark.parametrize("others_running, wait", [(0.0, None), (2.0, "PASSIVE")])
def test_a_worker_gets_the_thread_policy_grader_chose(monkeypatch, tmp_path, others_running, wait):
    """`grader` chooses from the machine at its start (here a fake 2-core one, quiet or
    beside two busy loops); the zygote's libgomp reads the choice, and every worker has it."""
    from grader.cli import choose_threads
    from grader.cores import situation
    from grader.cores.environment import THREAD_VARIABLES

    for name in THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    fake = situation.CpuSituation(cpus=2, others_running=others_running, pressure_pct=0.0)
    monkeypatch.setattr(situation, "read_situation", lambda: fake)
    with monkeypatch.context() as env:  # choose_threads writes os.environ: undone after
        env.setattr("os.environ", dict(os.environ))
        choose_threads()
        chosen = dict(os.environ)
    for name in THREAD_VARIABLES:
        if name in chosen:
            monkeypatch.setenv(name, chosen[name])
    (tmp_path / "exercise_01.py").write_text(POLICY)
    with Sandbox() as box:
        code = StudentCode(box, tmp_path / "exercise_01.py", "exercise_01", CheckLimits(timeout_s=60))
        try:
            assert code.call("policy_seen") == [wait, "2", 2]
        finally:
            code.close()
