"""The zygote: a clean process that imports torch once and forks one worker per check.

Why a separate process rather than forking the grader itself: the grading process
holds the reference solutions, expected values and the caller's environment; a
child forked from it would inherit all of them in memory. The zygote is started
with a scrubbed environment, imports nothing of the course, and never computes,
so its forks are cheap (~10 ms), clean and safe to use threads in.

Control messages (one JSON object per SOCK_SEQPACKET datagram):
  parent -> zygote: {"op": "spawn", "request": n, "spec": {...}} with the worker's
                    socket attached (SCM_RIGHTS)
  zygote -> parent: {"ready": true, "pid": p}
                    {"spawned": pid, "request": n}
                    {"exited": pid, "code": c, "signal": s}
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import socket
import sys
from typing import Any

CONTROL_MAX_BYTES = 1 << 16


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    control.send(json.dumps(message).encode("utf-8"))


def _reap(control: socket.socket, workers: dict[int, str]) -> None:
    from grader.sandbox.isolation import remove_pids_cgroup

    while workers:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        remove_pids_cgroup(workers.pop(pid), pid)
        message: dict[str, Any] = {"exited": pid, "code": None, "signal": None}
        if os.WIFSIGNALED(status):
            message["signal"] = os.WTERMSIG(status)
        else:
            message["code"] = os.WEXITSTATUS(status)
        _send(control, message)


def serve(control: socket.socket) -> None:
    # Importing torch here, before any fork, is the point of the zygote.
    from grader.sandbox.worker import run_worker

    import torch  # noqa: F401

    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    workers: dict[int, str] = {}  # pid -> the sandbox folder it works in
    _send(control, {"ready": True, "pid": os.getpid()})
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [])
            if wake_read in readable:
                os.read(wake_read, 4096)
            _reap(control, workers)
            if control not in readable:
                continue
            data, fds, _flags, _addr = socket.recv_fds(control, CONTROL_MAX_BYTES, 1)
            if not data:
                return  # the grading process is gone
            request = json.loads(data)
            if request.get("op") != "spawn" or len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                continue
            # Trusted names from the exercise's manifest: imported here once, not per worker.
            for name in request["spec"].get("preload", []):
                try:
                    importlib.import_module(name)
                except ImportError:
                    pass
            pid = os.fork()
            if pid == 0:
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.close(wake_read)
                os.close(wake_write)
                control.close()
                run_worker(fds[0], request["spec"])  # never returns
            os.close(fds[0])
            workers[pid] = request["spec"]["tmp_root"]
            _send(control, {"spawned": pid, "request": request.get("request")})
    finally:
        for pid in workers:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    try:
        serve(control)
    except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
