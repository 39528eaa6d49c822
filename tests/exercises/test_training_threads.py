"""A check's training gets a batch job's share of the cores (or, alone, the grading
process's torch threads), never the whole machine once per job: two jobs on two cores,
each training with two OpenMP threads, spin four threads on two cores."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
import torch

from grader.probes import training
from grader.probes.training import share_cores, training_threads
from tests.conftest import REPO_ROOT


@pytest.fixture
def torch_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    before = torch.get_num_threads()
    monkeypatch.setattr(training, "_JOB_CORES", None)
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


def test_alone_a_grading_keeps_torchs_threads_for_training_and_one_for_the_rest(torch_threads, grade):
    torch.set_num_threads(3)
    assert grade("exercise_01", REPO_ROOT / "solutions").points_earned == 20
    assert training_threads() == 3
    assert torch.get_num_threads() == 1
    assert _budget_of("exercise_05")().threads == 3
