"""The same batch on a Dask local cluster (the engine `--scheduler` selects)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch.records import StudentStatus
from grader.batch.runner import BatchPlan, run_batch
from grader.catalog.course import Course
from tests.batch.classroom import PARTLY_WRONG, REFERENCE, folder, zipped
from tests.conftest import REPO_ROOT

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
