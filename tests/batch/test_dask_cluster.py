"""`--scheduler tcp://...` for real: a Dask scheduler and two workers as separate processes
on the loopback grade a small class into the same gradebook as the local pool does."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.local import LocalEngine, threads_per_job
from grader.batch.records import StudentRecord
from grader.batch.runner import BatchPlan, run_batch
from grader.catalog.course import Course
from tests.batch.classroom import PARTLY_WRONG, REFERENCE, SYNTAX_ERROR, folder, zipped
from tests.conftest import REPO_ROOT

pytest.importorskip("distributed")


def _gradebook(records: list[StudentRecord]) -> dict[str, object]:
    """What a gradebook says about each student, without times and machine-specific paths."""
    return {
        r.student_id: (r.status, r.points_earned, r.points_possible, r.message, r.content_hash, r.config_hash,
                       [(e.id, [(c.id, c.status, c.points_earned, c.message) for c in e.checks])
                        for e in (r.report.exercises if r.report else [])])
        for r in records
    }


def test_a_scheduler_and_two_workers_grade_like_the_local_pool(tmp_path: Path, monkeypatch) -> None:
    from distributed import Client

    # Threads that sleep keep their share however busy the machine is (grader.cores.policy);
    # spinning ones would train on fewer on a busy test machine. The workers inherit this.
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")

    from grader.batch.dask_engine import DaskEngine
    from tests.batch.dask_cluster import LoopbackCluster

    subs = tmp_path / "subs"
    folder(subs, "alice", REFERENCE)
    zipped(subs, "bob", {"exercise_01.py": PARTLY_WRONG})
    folder(subs, "carol", SYNTAX_ERROR)
    (subs / "dave.zip").write_bytes(b"not a zip")
    course = Course.at(REPO_ROOT)

    def plan(out: str) -> BatchPlan:
        return BatchPlan(submissions=subs, out=tmp_path / out, course=course, exercises=course.select(["exercise_01"]))

    cluster_folder = tmp_path / "cluster"
    cluster_folder.mkdir()
    cluster = LoopbackCluster(cluster_folder)
    try:
        address = cluster.start_scheduler()
        assert address.startswith("tcp://127.0.0.1:")
        cluster.start_worker("lab-1")
        cluster.start_worker("lab-2")
        cluster.wait_for_workers(2)
        on_cluster = run_batch(plan("out-cluster"), DaskEngine(address, jobs=2))
        started = cluster.all_processes()
        with Client(address) as client:  # the two workers share this host's cores
            shares = client.run(lambda: __import__("grader.probes.training").probes.training.training_threads())
    finally:
        left = cluster.stop()
    assert left == [] and not any(p.is_running() for p in started)
    assert list(shares.values()) == [min(4, threads_per_job(2))] * 2

    local = run_batch(plan("out-local"), LocalEngine(1))
    assert _gradebook(on_cluster.records) == _gradebook(local.records)
    rows = {r.student_id: (r.status.value, r.points_earned) for r in on_cluster.records}
    assert rows == {"alice": ("graded", 20), "bob": ("graded", 18), "carol": ("graded", 0), "dave": ("invalid", 0)}
    assert (on_cluster.progress.graded_now, on_cluster.progress.failures) == (3, 1)
