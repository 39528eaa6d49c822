"""The same batch on a Dask local cluster (the engine `--scheduler` selects)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from grader.batch.records import StudentStatus
from grader.batch.runner import BatchPlan, run_batch
from grader.catalog.course import Course
from grader.errors import SchedulerError
from tests.batch.classroom import PARTLY_WRONG, REFERENCE, folder, zipped
from tests.conftest import FIXTURES, REPO_ROOT

KILLS_ITS_GRADER = FIXTURES / "courses" / "kills_its_grader"

pytest.importorskip("distributed")


def test_grades_on_a_local_dask_cluster(tmp_path: Path) -> None:
    from grader.batch.dask_engine import DaskEngine

    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    zipped(subs, "bob", {"exercise_01.py": PARTLY_WRONG})
    (subs / "carol.zip").write_bytes(b"corrupt")
    course = Course.at(REPO_ROOT)
    plan = BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.select(["exercise_01"]),
                     canary=False)  # tests/batch/test_canary.py covers the canary
    outcome = run_batch(plan, DaskEngine("local", jobs=1))
    rows = {r.student_id: (r.status, r.points_earned) for r in outcome.records}
    assert rows == {
        "alice": (StudentStatus.GRADED, 20),
        "bob": (StudentStatus.GRADED, 18),
        "carol": (StudentStatus.INVALID, 0),
    }
    assert (outcome.progress.graded_now, outcome.progress.failures) == (2, 1)


def test_workers_on_one_host_share_its_cores() -> None:
    from types import SimpleNamespace

    from grader.batch.dask_engine import SandboxPlugin
    from grader.batch.local import threads_per_job

    plugin = SandboxPlugin(None, {"10.0.0.5": 2, "10.0.0.6": 1})

    def worker(address: str) -> object:
        return SimpleNamespace(address=address, state=SimpleNamespace(nthreads=1))

    assert plugin.threads_for(worker("tcp://10.0.0.5:40001")) == threads_per_job(2)
    assert plugin.threads_for(worker("tcp://10.0.0.6:40001")) == threads_per_job(1)
    assert plugin.threads_for(worker("tcp://10.0.0.7:40001")) == threads_per_job(1)  # joined later
    assert SandboxPlugin(3).threads_for(worker("tcp://10.0.0.5:40001")) == 3  # a local cluster's own split


def test_an_unreachable_scheduler_is_a_scheduler_error_with_a_remedy(tmp_path: Path) -> None:
    from grader.batch.dask_engine import DaskEngine

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", REFERENCE)
    course = Course.at(REPO_ROOT)
    plan = BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.select(["exercise_01"]))
    with pytest.raises(SchedulerError) as error:
        run_batch(plan, DaskEngine(address, jobs=1, connect_timeout_s=1))
    assert f"cannot reach the Dask scheduler {address}" in error.value.message
    assert "dask scheduler" in error.value.hint


def test_a_worker_that_dies_mid_task_costs_only_that_submission(tmp_path: Path) -> None:
    """mallory's answer makes the course's check kill the Dask worker grading it. Her row
    says the grader failed; alice, graded by the worker Dask starts again, is unaffected."""
    import dask

    from grader.batch.dask_engine import DaskEngine

    subs = tmp_path / "subs"
    subs.mkdir()
    folder(subs, "alice", "def answer():\n    return 42\n", name="dies.py")
    folder(subs, "mallory", "def answer():\n    return 'die'\n", name="dies.py")
    course = Course.at(KILLS_ITS_GRADER)
    # No canary: its runs share the cluster whose worker mallory kills (the canary is
    # tested in tests/batch/test_canary.py).
    plan = BatchPlan(submissions=subs, out=tmp_path / "out", course=course, exercises=course.exercises(),
                     canary=False)
    # Dask retries a task whose worker died (3 times by default, each killing a worker):
    # the first death decides here.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        outcome = run_batch(plan, DaskEngine("local", jobs=1))
    records = {r.student_id: r for r in outcome.records}
    assert (records["alice"].status, records["alice"].points_earned) == (StudentStatus.GRADED, 1)
    assert records["mallory"].status is StudentStatus.GRADER_ERROR
    assert "the grader failed on the cluster: KilledWorker" in records["mallory"].message
