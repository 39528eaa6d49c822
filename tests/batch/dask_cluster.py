"""A real Dask cluster on the loopback: `dask scheduler` and `dask worker` as separate processes.

What a department runs across machines (a scheduler on one host, workers on lab
machines), squeezed onto 127.0.0.1: the processes, the TCP between them and the
worker plugin that gives each worker a sandbox are the real ones. Used by the cluster
test and by benchmarks/bench_batch.py --scheduler.

Every process is started in a session of its own, and `stop()` ends each one it
started (and anything they started: nannies, worker processes, sandboxes),
gracefully first, then by force, and waits until none is left.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil  # comes with distributed

HOST = "127.0.0.1"


def _dask_command() -> list[str]:
    beside = Path(sys.executable).with_name("dask")  # the venv's `dask` command
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "dask"]


class LoopbackCluster:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.processes: list[subprocess.Popen[bytes]] = []
        self.address = ""

    def _start(self, *args: str, log: str) -> subprocess.Popen[bytes]:
        out = open(self.folder / log, "wb")
        process = subprocess.Popen([*_dask_command(), *args], stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, cwd=self.folder)
        out.close()
        self.processes.append(process)
        return process

    def start_scheduler(self, timeout_s: float = 60) -> str:
        scheduler = self._start("scheduler", "--host", HOST, "--port", "0", "--no-dashboard",
                                "--scheduler-file", str(self.scheduler_file), log="scheduler.log")
        deadline = time.monotonic() + timeout_s
        while not self.scheduler_file.exists():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dask scheduler did not start: {(self.folder / 'scheduler.log').read_text()}")
            time.sleep(0.1)
        time.sleep(0.1)  # the file is written whole before the scheduler listens; be safe
        self.address = json.loads(self.scheduler_file.read_text())["address"]
        return self.address

    def start_worker(self, name: str) -> None:
        """One `dask worker` process with one single-threaded worker (the sandbox is not thread-safe)."""
        self._start("worker", self.address, "--host", HOST, "--nthreads", "1", "--nworkers", "1",
                    "--no-dashboard", "--name", name, "--death-timeout", "60", log=f"{name}.log")

    def wait_for_workers(self, count: int, timeout_s: float = 180) -> None:
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=timeout_s)

    def all_processes(self) -> list[psutil.Process]:
        found: list[psutil.Process] = []
        for process in self.processes:
            try:
                parent = psutil.Process(process.pid)
                found += [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
        return found

    def stop(self, timeout_s: float = 30) -> list[psutil.Process]:
        """Stop workers, then the scheduler; the processes still alive afterwards (none, normally)."""
        everything = self.all_processes()
        for process in reversed(self.processes):  # workers first: they close their sandboxes
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        _, alive = psutil.wait_procs(everything, timeout=timeout_s)
        for process in alive:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(alive, timeout=10)
        for process in self.processes:
            process.wait(timeout=10)
        return alive
