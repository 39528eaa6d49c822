"""A cell: one student's sandbox, built once, that forks a fresh worker per check.

Forked from the zygote (torch already imported) for one submission, every exercise graded in it. It
reads the submission into memory, joins a pids cgroup, enters its namespaces
(network, mount, PID, IPC, UTS, inside a user namespace that, as root, maps the worker
user too), builds the allow-listed root (rootfs.py) and says which protections it got
(CellReady, sent before any student code runs in it). Then it serves SpawnWorker
requests: each check gets a worker forked from here, which gives up its privileges
(privileges.py: its own user, mount and IPC namespaces, no capabilities, the syscall
filter) and gets a fresh writable /tmp/work and a fresh copy of the submission, so a
check never sees what a previous check left in memory, in files or in IPC.
Namespaces, mounts and the root are paid once per cell instead of once per check.

    zygote ── cell (outside; ends as the inside ended)
                └── cell init (PID 1 of the cell's namespace; serves the grading process)
                      ├── worker (check 1)   ── what the student's code starts
                      └── worker (check 2) ...

PID 1 ignores the signals student code may send it, and when it exits the kernel
kills everything left in the namespace. When a check ends (KillWorker), the cell
SIGKILLs its worker, waits until that worker can make no more system calls, kills
whatever it left behind (processes in its session, or in no live worker's session)
and waits for those to be gone, then says Cleared: the grading process hands over the
next worker only after that, so the next check starts clean. The killed worker's own
exit finishes while the next check runs. A worker that ends by itself is reported
(Exited) after the same clean-up. Isolation between two checks of
one student is about fairness; between students (one cell each, never shared) and
between student and grader, it is as strong as the namespaces and the root make it.
The grading process asks for the next check's worker while the current check runs
(prefetch), so a check waits only for a worker that is already set up.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import time
from pathlib import Path

from grader.sandbox import isolation, procfs, protocol, rootfs, seccomp
from grader.sandbox.cell_state import CellState, die_with_parent
from grader.sandbox.isolation import Protection
from grader.sandbox.protocol import CellSpec

CONTROL_MAX_BYTES = 1 << 16
_EXTRA_PROCESSES = 8  # the cell's own processes, beyond what a check may start
_STOP_WAIT_S = 0.5  # for a killed worker to stop making system calls
_SWEEP_WAIT_S = 1.5  # for what a check left to be gone (the grading process waits 3 s for Cleared)


def count_user_processes(uid: int) -> int:
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    count += 1
            except OSError:
                pass
    return count


def _end_like(status: int) -> None:
    """Exit the way a waited-for process ended (its code, or its signal). Never returns."""
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 70)


def _set_up(spec: CellSpec, control: socket.socket, notes: list[str]) -> CellState:
    protections: set[Protection] = set()
    if isolation.join_pids_cgroup(spec.tmp_root, spec.processes + _EXTRA_PROCESSES):
        protections.add(Protection.PROCESS_COUNT)
    files = isolation.read_submission(Path(spec.submission_dir), notes.append)
    user_processes = count_user_processes(os.getuid())
    root_dir = os.path.join(spec.tmp_root, f"root-{os.getpid()}")
    os.makedirs(root_dir, exist_ok=True)
    namespaces = isolation.enter_namespaces() if spec.isolate else set()
    if "network" in namespaces:
        protections.add(Protection.NETWORK)
    if namespaces & {"user", "worker-user"}:
        protections.add(Protection.UNPRIVILEGED)
    if seccomp.supported():
        protections.add(Protection.SYSCALL_FILTER)
    if "pid" in namespaces:
        init = os.fork()
        if init:
            control.close()
            _, status = os.waitpid(init, 0)
            _end_like(status)
        die_with_parent()  # now PID 1 of the new namespace
    state = CellState(spec, files, "none", user_processes, protections, "pid" in namespaces,
                      worker_user="worker-user" in namespaces, own_user_namespace="user" in namespaces)
    if "mount" not in namespaces or not isolation.make_mounts_private():
        return state
    if state.in_pid_namespace and rootfs.build(root_dir, spec.expose, spec.hide):
        state.mode = "root"
        protections.update({Protection.FILESYSTEM, Protection.PROCESSES})
        return state
    if not os.path.isdir(spec.tmp_root):  # pivoted, but a later step failed
        state.mode = "root"
        return state
    # The fallback: the host's tree, with the course hidden and everything read-only.
    for path in spec.hide:
        isolation.hide(path)
    if not isolation.make_everything_read_only():
        for path in spec.read_only:
            isolation.make_read_only(path)
    state.mode = "host"
    if state.in_pid_namespace and isolation.mount_proc_at("/proc"):
        protections.add(Protection.PROCESSES)
    return state


class _Cell:
    def __init__(self, control: socket.socket, state: CellState) -> None:
        self.control = control
        self.state = state
        self.workers: set[int] = set()
        self.exits: list[protocol.Exited] = []

    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.workers:
                self.workers.discard(pid)
                signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
                code = None if signum is not None else os.WEXITSTATUS(status)
                self.exits.append(protocol.Exited(pid=pid, code=code, signal=signum))

    def _leftovers(self, ended: set[int]) -> list[int]:
        me = os.getpid()
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in (me, *self.workers):
                continue
            session = procfs.session_of(int(entry))
            if session in ended or (self.state.in_pid_namespace and session not in self.workers):
                found.append(int(entry))
        return found

    def _sweep(self, ended: set[int]) -> None:
        """Kill what the ended workers left running (in our namespace: anything not in a
        live worker's session, so a process that made its own session goes too), and wait
        until it is gone: its pids count against the cell's cap until then. Bounded in
        time, not in passes: on a busy machine a fork bomb's exits take a while."""
        deadline = time.monotonic() + _SWEEP_WAIT_S
        while True:
            targets = self._leftovers(ended)
            if not targets or time.monotonic() > deadline:
                return
            for pid in targets:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self._reap()
            time.sleep(0.0005)

    def _report_exits(self) -> None:
        self._reap()
        if not self.exits:
            return
        self._sweep({e.pid for e in self.exits})
        exits, self.exits = self.exits, []
        for exited in exits:
            self.control.send(protocol.dumps(exited))

    def _kill(self, pid: int) -> None:
        """End one check: SIGKILL its worker and clear away what it started, then say so.
        The worker's own exit is not waited for: with SIGKILL pending it runs no more of
        its code, and its teardown (a few ms for a process with torch) overlaps the next
        check. A leftover is waited for (_sweep): a fork bomb's would fill the cap."""
        if pid in self.workers:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + _STOP_WAIT_S
            # Until it can make no more system calls: a kill it is making of the next
            # check's worker lands before Cleared, where the grading process looks.
            while not procfs.has_stopped_running(pid) and time.monotonic() < deadline:
                time.sleep(0.0002)
        self._sweep({pid})
        self.control.send(protocol.dumps(protocol.Cleared(pid)))

    def _spawn(self, request: protocol.SpawnWorker, channel_fd: int, wake: tuple[int, int]) -> None:
        from grader.sandbox.worker import run_worker

        # What is here now is never garbage the worker must find: frozen, its collections
        # skip it (fewer pages written, so fewer copied; O(1) to do).
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            for fd in wake:
                os.close(fd)
            self.control.close()
            run_worker(channel_fd, request.spec, self.state)  # never returns
        os.close(channel_fd)
        self.workers.add(pid)
        # A pidfd lets the grading process kill this worker itself, without our help
        # and without knowing its pid outside our namespace.
        pidfds: list[int] = []
        try:
            pidfds.append(os.pidfd_open(pid))
        except (OSError, AttributeError):
            pass
        socket.send_fds(self.control, [protocol.dumps(protocol.WorkerSpawned(request.request, pid))], pidfds)
        for fd in pidfds:
            os.close(fd)

    def serve(self) -> None:
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_write, False)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        while True:
            readable, _, _ = select.select([self.control, wake_read], [], [])
            if wake_read in readable:
                os.read(wake_read, 4096)
            self._report_exits()
            if self.control not in readable:
                continue
            data, fds, _flags, _addr = socket.recv_fds(self.control, CONTROL_MAX_BYTES, 1)
            if not data:
                return  # the grading process closed the cell
            try:
                message = protocol.parse(data, protocol.ToCell)
            except protocol.ProtocolViolation:
                message = None
            if isinstance(message, protocol.SpawnWorker) and len(fds) == 1:
                self._spawn(message, fds[0], (wake_read, wake_write))
                continue
            for fd in fds:
                os.close(fd)
            if isinstance(message, protocol.KillWorker):
                self._kill(message.pid)


def run_cell(control_fd: int, spec: CellSpec) -> None:
    """Entry point in the cell, freshly forked from the zygote. Never returns."""
    status = 0
    try:
        os.setsid()
        die_with_parent()
        control = socket.socket(fileno=control_fd)
        notes: list[str] = []
        state = _set_up(spec, control, notes)
        ready = protocol.CellReady(protections=tuple(sorted(p.value for p in state.protections)), notes=tuple(notes))
        control.send(protocol.dumps(ready))
        _Cell(control, state).serve()
    except BaseException:  # noqa: BLE001 - the cell's outermost boundary
        status = 70
    finally:
        os._exit(status)
