"""Grade on a Dask cluster: an existing scheduler (`tcp://host:8786`) or a local one.

The same GradeTasks as the local pool. Each Dask worker process gets one Sandbox
from a worker plugin; grading holds a lock because pytest (which runs the checks)
swaps process-wide state, so start workers with `--nthreads 1` and as many
processes as the machine has cores to spare. As the local pool does, the workers on
one host share its cores: each gets cores // (workers on that host) torch threads,
so two workers on a 2-core lab machine do not run four busy threads. Workers need the grader installed,
and the submissions and output folders at the same paths (a shared file system).

This module imports Dask: import it only when a scheduler is asked for (the extra
`grader[batch]` installs it).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any, Iterable, Iterator

from distributed import Client, LocalCluster, as_completed, get_worker
from distributed.comm.addressing import get_address_host
from distributed.diagnostics.plugin import WorkerPlugin

from grader.batch.local import threads_per_job
from grader.batch.records import StudentRecord, StudentStatus
from grader.batch.task import GradeTask, run_task
from grader.errors import SchedulerError
from grader.i18n import tr
from grader.probes import HELPER_MODULES
from grader.sandbox.client import Sandbox

PLUGIN_NAME = "grader-sandbox"


class SandboxPlugin(WorkerPlugin):
    """A Dask worker plugin: one Sandbox per worker process, closed with the worker."""

    name = PLUGIN_NAME

    def __init__(self, threads: int | None = None, workers_per_host: dict[str, int] | None = None) -> None:
        self.threads = threads
        self.workers_per_host = workers_per_host or {}
        self.lock = threading.Lock()
        self.sandbox: Sandbox | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"threads": self.threads, "workers_per_host": self.workers_per_host}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["threads"], state.get("workers_per_host"))  # type: ignore[misc]

    def threads_for(self, worker: Any) -> int:
        """Torch threads for this worker: its host's cores shared by the workers on that host."""
        if self.threads:
            return self.threads
        # A worker that joins later counts as alone on its host: at worst it oversubscribes.
        sharing = self.workers_per_host.get(get_address_host(worker.address), 1)
        return threads_per_job(sharing * getattr(worker.state, "nthreads", 1))

    def setup(self, worker: Any) -> None:
        threads = self.threads_for(worker)
        # As in the local pool: the checks' trainings get the worker's share of the cores,
        # all other torch work one thread (grader.batch.local).
        self.sandbox = Sandbox(threads=1, many_cells=True, warm_modules=HELPER_MODULES)
        from grader.probes.training import share_cores

        share_cores(threads)

    def teardown(self, worker: Any) -> None:
        if self.sandbox is not None:
            self.sandbox.close()


def grade_on_worker(task: GradeTask) -> str:
    plugin = get_worker().plugins[PLUGIN_NAME]
    with plugin.lock:
        return run_task(task, plugin.sandbox)


class DaskEngine:
    def __init__(self, scheduler: str, jobs: int, connect_timeout_s: float = 10.0) -> None:
        self.scheduler = scheduler
        self.jobs = max(1, jobs)
        self.connect_timeout_s = connect_timeout_s

    def _connect(self) -> tuple[Any, Any]:
        try:
            if self.scheduler == "local":
                cluster = LocalCluster(
                    n_workers=self.jobs, threads_per_worker=1, processes=True, dashboard_address=None
                )
                return cluster, Client(cluster)
            return None, Client(self.scheduler, timeout=f"{self.connect_timeout_s}s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(
                tr("cannot reach the Dask scheduler {address}: {reason}", address=self.scheduler, reason=exc),
                hint=tr("start one with `dask scheduler` and workers with `dask worker ADDRESS --nthreads 1`"),
            ) from exc

    def run(self, tasks: Iterable[GradeTask]) -> Iterator[StudentRecord]:
        cluster, client = self._connect()
        try:
            threads = threads_per_job(self.jobs) if cluster is not None else None
            hosts = Counter(info.get("host", "") for info in client.scheduler_info()["workers"].values())
            client.register_plugin(SandboxPlugin(threads, dict(hosts)), name=PLUGIN_NAME)
            run_id = uuid.uuid4().hex[:8]
            futures = {}
            for task in tasks:
                key = f"grade-{task.student_id}-{run_id}"
                futures[client.submit(grade_on_worker, task, key=key, pure=False)] = task
            for future in as_completed(futures):
                task = futures[future]
                try:
                    yield StudentRecord.from_json(future.result())  # JSON on the way from the worker
                except Exception as exc:  # a worker died for good, or the task could not run
                    with task.speaking():
                        failed = task.record(StudentStatus.GRADER_ERROR, tr(
                            "the grader failed on the cluster: {type}: {error}", type=type(exc).__name__, error=exc))
                    yield failed
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
