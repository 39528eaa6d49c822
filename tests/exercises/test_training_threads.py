"""A check's training gets a batch job's share of the cores (or, alone, the grading
process's torch threads), never the whole machine once per job: two jobs on two cores,
each training with two OpenMP threads, spin four threads on two cores. And when its
threads spin and the cores are busy as it starts, it trains on the cores still free
(grader.cores.policy; the machine is a fake one here)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
import torch

from grader.cores.policy import WaitPolicy
from grader.cores.situation import CpuSituation
from grader.probes import training
from grader.probes.training import share_cores, training_threads
from tests.conftest import REPO_ROOT

QUIET = CpuSituation(cpus=4, others_running=0.0, pressure_pct=0.0)
TWO_BUSY_LOOPS = CpuSituation(cpus=4, others_running=2.0, pressure_pct=0.0)
TWO_BUSY_LOOPS_ON_TWO = CpuSituation(cpus=2, others_running=2.0, pressure_pct=0.0)


@pytest.fixture
def torch_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process's training cores undecided, on a quiet machine, threads that spin."""
    before = torch.get_num_threads()
    monkeypatch.setattr(training, "_TRAINING_CORES", None)
    monkeypatch.setattr(training, "read_situation", lambda: QUIET)
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    yield
    torch.set_num_threads(before)


def _budget_of(exercise: str):
    spec = importlib.util.spec_from_file_location(f"budget_{exercise}", REPO_ROOT / "checks" / exercise / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.budget


@pytest.mark.parametrize("threads, expected", [(1, 1), (2, 2), (3, 3), (4, 4), (16, 4)])
def test_training_threads_follow_this_process_up_to_four(torch_threads, threads, expected):
    torch.set_num_threads(threads)
    assert training_threads() == expected
    assert training_threads(at_most=2) == min(2, threads)


def test_a_jobs_share_beats_torchs_threads_and_leaves_other_work_on_one_thread(torch_threads):
    torch.set_num_threads(2)
    share_cores(3)
    assert training_threads() == 3
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize("exercise", ["exercise_05", "exercise_06"])
def test_a_batch_jobs_share_of_the_cores_is_what_its_trainings_get(torch_threads, exercise):
    budget = _budget_of(exercise)
    torch.set_num_threads(2)
    assert budget().threads == 2  # alone on the machine: torch's threads
    share_cores(1)  # --jobs 2 on two cores
    assert budget().threads == 1
    share_cores(3)
    assert budget().threads == 3


@pytest.mark.parametrize("exercise", ["exercise_05", "exercise_06"])
def test_spinning_threads_train_on_the_cores_still_free_when_it_starts(torch_threads, exercise):
    machine = [QUIET]
    share_cores(4, wait=WaitPolicy.SPIN, read=lambda: machine[0])
    budget = _budget_of(exercise)
    assert budget().threads == 4
    machine[0] = TWO_BUSY_LOOPS  # read again for each training
    assert budget().threads == 2


def test_sleeping_threads_keep_their_count_on_a_busy_machine(torch_threads):
    """Threads that sleep at once do not fight the busy loops, and more of them get a
    bigger share of a busy machine."""
    share_cores(4, wait=WaitPolicy.PASSIVE, read=lambda: TWO_BUSY_LOOPS)
    assert training_threads() == 4


def test_the_wait_policy_is_the_one_the_environment_gave_libgomp(torch_threads, monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "passive")
    share_cores(2, read=lambda: TWO_BUSY_LOOPS_ON_TWO)
    assert training_threads() == 2  # passive: no fewer threads for the busy loops
    monkeypatch.delenv("OMP_WAIT_POLICY")
    share_cores(2, read=lambda: TWO_BUSY_LOOPS_ON_TWO)
    assert training_threads() == 1  # libgomp's default spinning: the free cores only (at least one)


def test_alone_a_grading_keeps_torchs_threads_for_training_and_one_for_the_rest(torch_threads, grade):
    torch.set_num_threads(3)
    assert grade("exercise_01", REPO_ROOT / "solutions").points_earned == 20
    assert training_threads() == 3
    assert torch.get_num_threads() == 1
    assert _budget_of("exercise_05")().threads == 3
