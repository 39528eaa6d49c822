"""Grade on this machine: a pool of worker processes, each owning one Sandbox.

A Sandbox costs a torch import to start, so each worker process starts one and
reuses it for every submission it grades. With N jobs each worker process gets
cores // N cores for its checks' trainings (grader.probes.training.share_cores), so N
jobs never oversubscribe the cores. All other torch work, its own reference values and
its sandbox's workers, runs on one thread: the exercises' tensors are small, and two
OpenMP threads each made a class of exercises 01-04 slower on two cores (75-79
submissions a minute against 93 at --jobs 1) while their spinning burned a quarter
more CPU. Workers ignore Ctrl-C (the parent decides) and exit when the parent
dies, taking their sandbox with them. A worker process that dies (not student
code: that runs in the sandbox's children) breaks the pool; the submissions in
flight are run again one at a time in a fresh pool; a submission that breaks it
twice on its own is recorded as a grader error, and no other is blamed.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.task import GradeTask, grader_failed, run_task
from grader.i18n import tr

if TYPE_CHECKING:
    from grader.probes import HELPER_MODULES
    from grader.sandbox.client import Sandbox

# The one Sandbox of this worker process. ProcessPoolExecutor offers no other home for
# per-process state than its initializer; only worker processes ever set it.
_WORKER_SANDBOX: "Sandbox | None" = None


def threads_per_job(jobs: int, cores: int | None = None) -> int:
    """Each job's share of `cores` (default: the cores this process may use, its affinity
    and cgroup quota: grader.cores)."""
    from grader.cores.policy import usable_cores
    from grader.cores.situation import read_situation

    return max(1, (cores or usable_cores(read_situation(samples=1))) // max(1, jobs))


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    if _WORKER_SANDBOX is not None:
        _WORKER_SANDBOX.close()
    os._exit(1)


def _start_worker(threads: int, parent_pid: int) -> None:
    global _WORKER_SANDBOX
    from grader.probes import HELPER_MODULES
    from grader.sandbox.client import Sandbox

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # First: its torch import overlaps ours. One thread per worker (see the docstring).
    _WORKER_SANDBOX = Sandbox(threads=1, many_cells=True, warm_modules=HELPER_MODULES)
    atexit.register(_WORKER_SANDBOX.close)
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    import torch  # noqa: F401 - the reference solutions compute in this process too

    import grader.engine.run  # noqa: F401 - pytest and the engine, before the freeze
    from grader.probes.training import share_cores

    share_cores(threads)
    # torch's and pytest's objects live as long as this process: frozen, the garbage
    # collector stops walking them on every full collection (a tenth of this process's
    # time in a batch went there).
    gc.collect()
    gc.freeze()


def _grade_in_worker(task: GradeTask) -> str:
    if _WORKER_SANDBOX is None:
        raise RuntimeError("worker process started without its sandbox")
    return run_task(task, _WORKER_SANDBOX)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's workers now: the caller stopped reading with tasks in flight (a
    canary failed, a machine lacked a protection, Ctrl-C). shutdown(wait=False) alone left
    an idle worker waiting for work that never came, and the interpreter's exit waited
    for that worker forever. Each worker's zygote ends when its worker does (its control
    socket closes)."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):  # private: no public way before 3.14
        try:
            process.kill()
        except (OSError, AttributeError):
            pass


class LocalEngine:
    """Runs GradeTasks on `jobs` worker processes; yields each record as it finishes."""

    def __init__(
        self,
        jobs: int,
        cores: int | None = None,
        grade: Callable[[GradeTask], str] = _grade_in_worker,
        start: Callable[[int, int], None] = _start_worker,
    ) -> None:
        self.jobs = max(1, jobs)
        self.threads = threads_per_job(self.jobs, cores)
        # Seams for tests (module-level functions: they travel to the workers by name).
        self.grade = grade
        self.start = start

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.jobs,
            # spawn, not fork: the parent runs threads (the progress bar) and holds sqlite.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=self.start,
            initargs=(self.threads, os.getpid()),
        )

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        pending = deque(tasks)
        # Tasks in flight when a worker died. Which one killed it is unknown, so each is
        # run again alone: one that breaks a pool on its own twice is the culprit.
        suspects: deque[GradeTask] = deque()
        alone: set[str] = set()
        solo_deaths: dict[str, int] = {}
        while pending or suspects:
            pool = self._pool()
            in_flight: dict[Future[str], GradeTask] = {}
            try:
                broken = False
                while (pending or suspects or in_flight) and not broken:
                    # A small window: a kill loses only what is in flight.
                    limit = 1 if suspects or alone else self.jobs + 1
                    while (pending or suspects) and len(in_flight) < limit:
                        from_suspects = bool(suspects)
                        task = suspects.popleft() if from_suspects else pending.popleft()
                        try:
                            in_flight[pool.submit(self.grade, task)] = task
                        except BrokenProcessPool:
                            # A worker died after the last wait: this task never ran. It goes
                            # back where it came from, and what is in flight is suspect.
                            (suspects if from_suspects else pending).appendleft(task)
                            broken = True
                            break
                    if broken:
                        break
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        task = in_flight.pop(future)
                        try:
                            yield StudentRecord.from_json(future.result())  # JSON on the way from the worker
                        except BrokenProcessPool:
                            broken = True
                            if task.student_id in alone:
                                solo_deaths[task.student_id] = solo_deaths.get(task.student_id, 0) + 1
                            if solo_deaths.get(task.student_id, 0) >= 2:
                                with task.speaking():
                                    died = task.record(StudentStatus.GRADER_ERROR, tr(
                                        "the grading process died each time it graded this submission, "
                                        "twice on its own; tell the course staff"))
                                yield died
                            else:
                                suspects.append(task)
                                continue
                        except Exception as exc:  # e.g. a task that could not be sent
                            with task.speaking():
                                failed = task.record(StudentStatus.GRADER_ERROR, grader_failed(exc))
                            yield failed
                        alone.discard(task.student_id)
                if broken:
                    suspects.extend(in_flight.values())
                    in_flight.clear()
                    alone.update(t.student_id for t in suspects)
            finally:
                if in_flight:
                    _kill_workers(pool)
                pool.shutdown(wait=not in_flight, cancel_futures=True)
