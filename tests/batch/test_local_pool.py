"""The local pool survives a worker process that dies: retried once, then a grader error."""

from __future__ import annotations

import os
from pathlib import Path

from grader.batch.local import LocalEngine, threads_per_job
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.task import GradeTask


def _start_nothing(threads: int, parent_pid: int) -> None:
    """No sandbox: these tests exercise the pool, not grading."""


def _grade_or_die(task: GradeTask) -> str:
    """Kills its own worker process for "doomed"; "flaky" dies only on its first try."""
    marker = Path(task.work_dir)
    if task.student_id == "doomed" or (task.student_id == "flaky" and not marker.exists()):
        marker.mkdir(parents=True, exist_ok=True)
        os._exit(3)
    return StudentRecord(student_id=task.student_id, status=StudentStatus.GRADED, points_earned=1).to_json()


def _task(tmp_path: Path, student_id: str) -> GradeTask:
    return GradeTask(student_id=student_id, source="", work_dir=str(tmp_path / student_id), course_root="",
                     exercise_ids=(), content_hash="", config_hash="")


def test_a_dying_worker_costs_only_its_own_submission(tmp_path: Path) -> None:
    engine = LocalEngine(2, grade=_grade_or_die, start=_start_nothing)
    ids = ["a", "doomed", "b", "flaky", "c", "d"]
    records = {r.student_id: r for r in engine.run(_task(tmp_path, i) for i in ids)}
    assert sorted(records) == sorted(ids)
    assert records["doomed"].status is StudentStatus.GRADER_ERROR
    assert "twice on its own" in records["doomed"].message
    assert all(records[i].status is StudentStatus.GRADED for i in ids if i != "doomed")


def test_threads_split_the_cores_between_jobs() -> None:
    assert threads_per_job(1, cores=8) == 8
    assert threads_per_job(2, cores=8) == 4
    assert threads_per_job(3, cores=8) == 2
    assert threads_per_job(16, cores=8) == 1


class _PoolThatBreaksOnSubmit:
    """An executor run in this process whose `breaks_at`-th submit finds the pool broken,
    as a real one does when a worker dies between a wait and the next submit."""

    opened = 0

    def __init__(self, grade, breaks_at: int | None) -> None:
        type(self).opened += 1
        self.grade, self.breaks_at, self.submitted = grade, breaks_at, 0

    def submit(self, fn, task):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.submitted += 1
        if self.submitted == self.breaks_at:
            raise BrokenProcessPool("a child process terminated abruptly")
        future: Future = Future()
        future.set_result(fn(task))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def _graded(task: GradeTask) -> str:
    return StudentRecord(student_id=task.student_id, status=StudentStatus.GRADED, points_earned=1).to_json()


def test_a_pool_found_broken_when_submitting_loses_no_submission(tmp_path: Path, monkeypatch) -> None:
    engine = LocalEngine(2, grade=_graded, start=_start_nothing)
    _PoolThatBreaksOnSubmit.opened = 0
    monkeypatch.setattr(engine, "_pool", lambda: _PoolThatBreaksOnSubmit(
        _graded, breaks_at=2 if _PoolThatBreaksOnSubmit.opened == 0 else None))
    ids = ["a", "b", "c", "d", "e"]
    got = [record.student_id for record in engine.run(_task(tmp_path, i) for i in ids)]
    assert sorted(got) == ids  # each exactly once: the refused one was not lost, none twice
    assert _PoolThatBreaksOnSubmit.opened == 2  # the broken pool was replaced
