"""The zygote: a clean process that imports torch once and forks one cell per student.

Why a separate process rather than forking the grader itself: the grading process
holds the reference solutions, expected values and the caller's environment; a
child forked from it would inherit all of them in memory. The zygote is started
with a scrubbed environment, imports nothing of the course, and never computes,
so its forks are cheap, clean and safe to use threads in.

Its torch thread count comes from its environment (OMP_NUM_THREADS and MKL_NUM_THREADS,
set by the Sandbox from `threads`, or the grading process's own, which grader/cores
chose), and so does how its OpenMP threads wait (OMP_WAIT_POLICY: spin or sleep, chosen
from how busy the cores were), both read once when torch is imported, and it runs no
tensor work: OpenMP thread pools do not survive fork. A child of a process whose pool
exists hangs in its first parallel region with more than one thread (both torch
builds; benchmarks/fork_threads.py), which is how `Sandbox(threads=4)` can time out
every check on a machine where the zygote's pool got started (issue 9, part 4).
Not torch.set_num_threads either: for a count above one it makes a thread pool that a
fork handler builds again in every child, and a process with a second thread can
enter no user namespace (the cell's, and the worker's own in privileges.py).
Workers inherit the count and never call torch.set_num_threads themselves.

A zygote told it will open many cells (a batch's: `many-cells`) readies itself for
cheap forks once its first cell is open: the worker's code imported, everything frozen
for the garbage collector, its memory folded into huge pages (hugepages.py). None of
that is tensor work.

Control messages are protocol records (OpenCell in; Started, CellOpened, Exited out),
one per SOCK_SEQPACKET datagram; a cell's control socket comes attached to OpenCell.
"""

from __future__ import annotations

import importlib
import os
import select
import signal
import socket
import sys
import time

from grader.sandbox import protocol

CONTROL_MAX_BYTES = 1 << 16
_RETRY_S = 0.05  # how soon the cgroup of an ended cell is tried again
_CLEAN_UP_S = 1.5  # on the way out (the grading process waits 2 s for the zygote)


def _reap(control: socket.socket, cells: dict[int, str], cgroups: list[tuple[str, int]]) -> None:
    while cells:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        cgroups.append((cells.pop(pid), pid))
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        code = None if signum is not None else os.WEXITSTATUS(status)
        control.send(protocol.dumps(protocol.Exited(pid=pid, code=code, signal=signum)))


def _remove_cgroups(cgroups: list[tuple[str, int]]) -> None:
    """Remove the pids cgroups of ended cells that can be removed now. A cell's
    processes leave its cgroup only once their exits finish, a few ms after the cell's:
    the rest are tried again on the next turn of the loop."""
    from grader.sandbox.isolation import remove_pids_cgroup

    cgroups[:] = [(tmp_root, pid) for tmp_root, pid in cgroups if not remove_pids_cgroup(tmp_root, pid)]


def _end_cells(cells: dict[int, str], cgroups: list[tuple[str, int]]) -> None:
    """On the way out: kill the cells still open, wait for them, remove every cgroup."""
    for pid in cells:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid, tmp_root in cells.items():
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
        cgroups.append((tmp_root, pid))
    deadline = time.monotonic() + _CLEAN_UP_S
    _remove_cgroups(cgroups)
    while cgroups and time.monotonic() < deadline:
        time.sleep(0.01)
        _remove_cgroups(cgroups)


def _ready_for_many_forks(warm_modules: tuple[str, ...]) -> None:
    """Import what every cell imports at its first check (the worker's code) and what
    the client named as what the course's probe files import (otherwise each probing
    check's worker imports them again), freeze it all for the garbage collector (a
    child's collections then never write to these objects' pages) and fold the memory
    into huge pages (hugepages.py)."""
    import gc

    import grader.sandbox.worker  # noqa: F401 - for the cells, once

    for name in warm_modules:  # trusted names from the grading process, imported once
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    from grader.sandbox.hugepages import collapse_anonymous_memory

    gc.collect()
    gc.freeze()
    collapse_anonymous_memory()


def serve(control: socket.socket, many_cells: bool = False, with_torch: bool = True,
          warm_modules: tuple[str, ...] = ()) -> None:
    # Importing torch here, before any fork, is the point of the zygote.
    from grader.sandbox.cell import run_cell

    if with_torch:  # a zygote that only builds cells to see what they get has no need of it
        import torch  # noqa: F401 - its thread count is read from our environment now
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    cells: dict[int, str] = {}  # pid -> the sandbox folder it works in
    cgroups: list[tuple[str, int]] = []  # of ended cells, not removed yet
    folded = False  # memory folded for many forks since the last import
    control.send(protocol.dumps(protocol.Started(pid=os.getpid())))
    try:
        while True:
            readable, _, _ = select.select([control, wake_read], [], [], _RETRY_S if cgroups else None)
            if wake_read in readable:
                os.read(wake_read, 4096)
            _reap(control, cells, cgroups)
            _remove_cgroups(cgroups)
            if control not in readable:
                continue
            data, fds, _flags, _addr = socket.recv_fds(control, CONTROL_MAX_BYTES, 1)
            if not data:
                return  # the grading process is gone
            request = protocol.parse(data, protocol.OpenCell)  # from the grading process only
            if len(fds) != 1:
                for fd in fds:
                    os.close(fd)
                continue
            # Trusted names from the exercise's manifest: imported here once, not per cell.
            for name in request.spec.preload:
                if name not in sys.modules:
                    folded = False  # new memory: fold it too, next time
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
                run_cell(fds[0], request.spec)  # never returns
            os.close(fds[0])
            cells[pid] = request.spec.tmp_root
            control.send(protocol.dumps(protocol.CellOpened(request=request.request, pid=pid)))
            if many_cells and not folded:
                # After the first cell is on its way, not before: its student waits for nothing.
                _ready_for_many_forks(warm_modules)
                folded = True
    finally:
        _end_cells(cells, cgroups)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    many_cells = len(sys.argv) > 3 and sys.argv[3] == "many-cells"
    with_torch = not (len(sys.argv) > 4 and sys.argv[4] == "no-torch")
    warm_modules = tuple(name for name in (sys.argv[5] if len(sys.argv) > 5 else "").split(",") if name)
    try:
        serve(control, many_cells, with_torch, warm_modules)
    except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
