"""Grading-process side of the sandbox: start the zygote, open cells, spawn workers, talk to them.

One zygote per Sandbox; one cell at a time (a student's sandbox for one submission,
built once); one worker per check, forked inside the cell. Everything a cell or a
worker sends is parsed with `protocol`; what cannot be read is the student's fault
for the check in progress (UnreadableResult), never a grader error, and the check's
worker is killed so the next check starts from a fresh one.
"""

from __future__ import annotations

import dataclasses
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

from grader.i18n import N_, tr
from grader.sandbox import privileges, procfs, protocol
from grader.sandbox.environment import child_environment
from grader.sandbox.isolation import Protection
from grader.sandbox.framing import (
    ChannelClosed,
    ChannelTimeout,
    MessageTooLarge,
    recv_message,
    send_message,
)
from grader.sandbox.outcomes import (
    StudentCrashed,
    StudentTimeout,
    UnreadableResult,
    describe_exit,
)
from grader.sandbox.protocol import CellSpec, ProtocolViolation, Reply, Request, WorkerSpec

CONTROL_MAX_BYTES = 1 << 16
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[2]); "
    "from grader.sandbox.zygote import main; main()"
)
_EXIT_WAIT_S = 2.0
_CLEAR_WAIT_S = 3.0  # the cell takes up to 2 s to clear a check's leftovers (cell.py)
_SPAWN_WAIT_S = 30.0
UNREADABLE = N_("your code sent the grader something it could not read")


class SandboxUnavailable(RuntimeError):
    """The zygote or a cell could not be started: a grader-side failure."""


class _CellGone(Exception):
    """The cell's control channel closed or spoke out of turn."""


def _recv_control(sock: socket.socket, deadline: float) -> tuple[bytes, list[int]] | None:
    readable, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
    if not readable:
        return None
    data, fds, _flags, _addr = socket.recv_fds(sock, CONTROL_MAX_BYTES, 1)
    return data, fds


class _Cell:
    """The grading process's handle on one cell."""

    def __init__(self, spec: CellSpec, control: socket.socket, request: int) -> None:
        self.spec = spec
        self.control = control
        self.request = request  # the OpenCell the zygote answers with the cell's pid
        self.pid: int | None = None  # on the host: the cell outside its namespaces
        self.ready: protocol.CellReady | None = None
        self.spawned: dict[int, tuple[int, int | None]] = {}  # request -> (pid inside, pidfd)
        self.exits: dict[int, protocol.Exited] = {}
        self.cleared: set[int] = set()  # workers whose check has ended, leftovers and all
        self.clearing: set[int] = set()  # workers closed, not yet reported cleared
        self.gone = False
        self.prefetched: tuple[WorkerSpec, int, socket.socket] | None = None
        self._next_request = 0

    def _read(self, deadline: float) -> bool:
        """Read one control message if one comes before `deadline`. The cell forks the
        student's workers, so what it says is parsed, never trusted blindly."""
        if self.gone:
            raise _CellGone()
        try:
            received = _recv_control(self.control, deadline)
        except OSError:  # ECONNRESET: the cell died with messages unread (its code killed it)
            self.gone = True
            raise _CellGone() from None
        if received is None:
            return False
        data, fds = received
        try:
            if not data:
                raise _CellGone()
            message = protocol.parse(data, protocol.FromCell)
        except (ProtocolViolation, _CellGone):
            for fd in fds:
                os.close(fd)
            self.gone = True
            raise _CellGone() from None
        if isinstance(message, protocol.WorkerSpawned):
            self.spawned[message.request] = (message.pid, fds[0] if fds else None)
            fds = fds[1:]
        elif isinstance(message, protocol.Exited):
            if message.pid not in self.cleared:  # else its check is over: nobody asks
                self.exits[message.pid] = message
        elif isinstance(message, protocol.Cleared):
            self.cleared.add(message.pid)
            self.exits.pop(message.pid, None)
        elif self.ready is None:
            self.ready = message
        for fd in fds:
            os.close(fd)
        return True

    def wait_ready(self, timeout_s: float) -> protocol.CellReady:
        deadline = time.monotonic() + timeout_s
        while self.ready is None:
            if time.monotonic() > deadline:
                raise _CellGone()
            self._read(deadline)
        return self.ready

    def request_spawn(self, spec: WorkerSpec) -> tuple[int, socket.socket]:
        """Ask for a worker without waiting for it; `await_spawn` collects it."""
        self._next_request += 1
        request = self._next_request
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            socket.send_fds(self.control, [protocol.dumps(protocol.SpawnWorker(request, spec))], [theirs.fileno()])
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return request, ours

    def await_spawn(self, request: int, ours: socket.socket) -> tuple[int, int | None, socket.socket]:
        deadline = time.monotonic() + _SPAWN_WAIT_S
        try:
            while request not in self.spawned:
                if time.monotonic() > deadline:
                    raise _CellGone()
                self._read(deadline)
        except BaseException:
            ours.close()
            raise
        pid, pidfd = self.spawned.pop(request)
        return pid, pidfd, ours

    def take_prefetched(self, spec: WorkerSpec) -> tuple[int, int | None, socket.socket] | None:
        """The worker made in advance for `spec`, if it is still fit to serve: the
        previous check's code shares the cell and may have killed or stopped it."""
        prefetched, self.prefetched = self.prefetched, None
        if prefetched is None:
            return None
        wanted, request, ours = prefetched
        pid, pidfd, ours = self.await_spawn(request, ours)
        # Handing over a dead or stopped worker would cost the next check its points by
        # chance. Anything the previous check's code did to it has landed by now: the
        # cell said Cleared only once that code could make no more system calls.
        if wanted == spec and pid not in self.exits and not _interfered_with(pidfd):
            return pid, pidfd, ours
        ours.close()  # an idle worker exits when its channel closes
        if pidfd is not None:
            _kill_by_pidfd(pidfd)
            os.close(pidfd)
        return None

    def prefetch(self, spec: WorkerSpec) -> None:
        """Let the next check's worker be forked and set up while this check runs."""
        request, ours = self.request_spawn(spec)
        self.prefetched = (spec, request, ours)

    def wait_exit(self, pid: int, wait_s: float = _EXIT_WAIT_S) -> protocol.Exited | None:
        deadline = time.monotonic() + wait_s
        try:
            while pid not in self.exits and self._read(deadline):
                pass
        except _CellGone:
            pass
        return self.exits.pop(pid, None)

    def settle(self, wait_s: float = _CLEAR_WAIT_S) -> bool:
        """Until the cell has killed every closed worker and everything they started (it
        answers each KillWorker with Cleared). False if it did not answer in time."""
        deadline = time.monotonic() + wait_s
        try:
            while not self.clearing <= self.cleared and self._read(deadline):
                pass
        except _CellGone:
            pass
        self.clearing -= self.cleared
        return not self.clearing

    def kill_worker(self, pid: int, pidfd: int | None) -> None:
        if pidfd is not None:
            _kill_by_pidfd(pidfd)
        try:
            self.control.send(protocol.dumps(protocol.KillWorker(pid)))
        except OSError:
            pass

    def close(self) -> None:
        if self.prefetched is not None:
            self.prefetched[2].close()
        for _pid, pidfd in self.spawned.values():
            if pidfd is not None:
                os.close(pidfd)
        self.control.close()  # the cell exits when its channel closes ...
        if self.pid is None:  # not forked yet: it will find its channel closed and exit
            return
        try:
            os.kill(self.pid, signal.SIGKILL)  # ... and this makes sure of it, namespace and all
        except OSError:
            pass
        shutil.rmtree(os.path.join(self.spec.tmp_root, f"root-{self.pid}"), ignore_errors=True)


class Sandbox:
    """Owns one zygote process. Start it early: it imports torch in parallel with us."""

    def __init__(
        self,
        threads: int | None = None,
        start_timeout_s: float = 120.0,
        hidden_paths: tuple[str, ...] = (),
        isolate: bool = True,
        many_cells: bool = False,
        for_protections_only: bool = False,
        warm_modules: tuple[str, ...] = (),
    ) -> None:
        """`threads`: torch threads of every worker, set once in the zygote.
        `hidden_paths`: folders or files student code must never see (report outputs,
        other students' submissions), even where the allow-list would show them.
        `many_cells`: this sandbox will grade many submissions (a batch's worker): once
        its first cell is open, the zygote spends about half a second to make every later
        fork cheaper (grader/sandbox/hugepages.py), and imports `warm_modules` (what the
        course's probe files import) once for all its cells.
        `for_protections_only`: it will only build a cell to see what this machine gives
        (check_protections): its zygote skips importing torch, a second and more."""
        self.threads = threads
        self.many_cells = many_cells
        self.warm_modules = tuple(warm_modules)
        self.for_protections_only = for_protections_only  # no torch in its zygote: it runs no worker
        self.hidden_paths = tuple(str(p) for p in hidden_paths)
        self.isolate = isolate
        self.protections: set[Protection] | None = None  # as reported by the first cell
        self.start_timeout_s = start_timeout_s
        self.tmp_root = tempfile.mkdtemp(prefix="grader-")
        os.chmod(self.tmp_root, 0o711)
        self._opened: dict[int, int] = {}  # request -> cell pid
        self._next_request = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._cell: _Cell | None = None
        self.restarts = 0
        self._start()

    # -- zygote lifecycle -------------------------------------------------------
    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-c", _ZYGOTE_BOOT, str(theirs.fileno()), _PACKAGE_PARENT,
             "many-cells" if self.many_cells else "few-cells",
             "no-torch" if self.for_protections_only else "torch", ",".join(self.warm_modules)],
            pass_fds=[theirs.fileno()],
            env=child_environment(self.tmp_root, threads=self.threads),
            stdin=subprocess.DEVNULL,
            cwd=self.tmp_root,
            start_new_session=True,
        )
        theirs.close()
        self._control = ours

    def _read_zygote(self, deadline: float) -> None:
        assert self._control is not None
        try:
            received = _recv_control(self._control, deadline)
        except OSError:  # ECONNRESET: student code (without isolation) killed the zygote
            raise SandboxUnavailable(tr("the sandbox process (zygote) exited")) from None
        if received is None:
            return
        data, fds = received
        for fd in fds:
            os.close(fd)
        if not data:
            raise SandboxUnavailable(tr("the sandbox process (zygote) exited"))
        try:
            message = protocol.parse(data, protocol.FromZygote)
        except ProtocolViolation as exc:  # the zygote runs no student code: our bug
            raise SandboxUnavailable(tr("the sandbox process sent {problem}", problem=exc)) from None
        # Started (torch imported) needs nothing: a cell asked for earlier waits in the socket.
        if isinstance(message, protocol.CellOpened):
            self._opened[message.request] = message.pid

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def close(self, wait: bool = True) -> None:
        """End the zygote and everything it started. It kills its cells, waits for them
        and removes their cgroups before it exits (tens of ms): `wait=False` leaves it to
        finish that on its own, for a command that is about to print and exit."""
        self.close_cell()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            if self._next_request == 0:
                # Never used (a usage error found after it was started): nothing of it to
                # clean up, and it may be busy importing torch for another second.
                self._process.kill()
            if wait or self._next_request == 0:
                try:
                    self._process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                    self._process.wait()
        shutil.rmtree(self.tmp_root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _restart(self) -> None:
        self.restarts += 1
        self.close_cell()
        if self._control is not None:
            self._control.close()
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self._start()

    # -- cells --------------------------------------------------------------------
    def _request_cell(self, spec: CellSpec) -> _Cell:
        """Ask the zygote for a cell and return at once: it is built (and a worker asked
        of it is made) while we go on. `_complete_cell` waits for it."""
        assert self._control is not None
        for path in spec.expose:
            privileges.let_workers_read(path)
        self._next_request += 1
        request = self._next_request
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            socket.send_fds(self._control, [protocol.dumps(protocol.OpenCell(request, spec))], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return _Cell(spec, ours, request)

    def _complete_cell(self, cell: _Cell) -> None:
        """Wait until the zygote has forked `cell` and the cell has built itself."""
        if cell.pid is not None:
            return
        deadline = time.monotonic() + self.start_timeout_s  # the zygote may still be starting
        while cell.request not in self._opened:
            if time.monotonic() > deadline:
                raise SandboxUnavailable(tr("the sandbox did not open a cell in time"))
            self._read_zygote(deadline)
        cell.pid = self._opened.pop(cell.request)
        try:
            ready = cell.wait_ready(_SPAWN_WAIT_S)
        except _CellGone:
            raise SandboxUnavailable(tr("a student's sandbox could not be built")) from None
        if self.protections is None:
            known = {p.value for p in Protection}
            self.protections = {Protection(name) for name in ready.protections if name in known}

    def check_protections(self) -> set[Protection]:
        """The protections this machine gives student code, found by building one cell for
        an empty submission (no student code runs): what `grader grade` asks before it
        grades anyone."""
        if self.protections is None:
            empty = tempfile.mkdtemp(prefix="empty-", dir=self.tmp_root)
            try:
                self.close_cell()
                self._cell = self._request_cell(self._with_our_paths(CellSpec(tmp_root=self.tmp_root,
                                                                              submission_dir=empty)))
                self._complete_cell(self._cell)
            finally:
                self.close_cell()
                shutil.rmtree(empty, ignore_errors=True)
        return set(self.protections or ())

    def _with_our_paths(self, cell: CellSpec) -> CellSpec:
        return dataclasses.replace(
            cell, tmp_root=self.tmp_root, isolate=self.isolate, hide=(*cell.hide, *self.hidden_paths)
        )

    def prepare(self, cell: CellSpec, worker: WorkerSpec) -> None:
        """Start building the cell for `cell`, and `worker` in it, without waiting: what a
        submission's first check will most likely ask for (spawn uses it if it matches).
        A hint only: whatever goes wrong here is met again, and handled, by spawn."""
        full = self._with_our_paths(cell)
        if not self._alive() or (self._cell is not None and self._cell.spec == full and not self._cell.gone):
            return
        self.close_cell()
        try:
            self._cell = self._request_cell(full)
            self._cell.prefetch(worker)
        except OSError:
            self.close_cell()

    def close_cell(self) -> None:
        """End the current student's cell (its namespaces, its root, whatever runs in it)."""
        if self._cell is not None:
            self._cell.close()
            self._cell = None

    def discard_prefetched(self) -> None:
        """Forget what was built in advance: a cell stages the submission's files when it
        is built, so after the files change (a watch re-run) it is built again."""
        self.close_cell()

    def spawn(
        self, cell: CellSpec, worker: WorkerSpec, budget_s: float,
        next_worker: WorkerSpec | None | Literal["same"] = "same",
    ) -> "WorkerHandle":
        """Fork a worker for one check in the cell for `cell`, building the cell first if
        needed. Restarts the zygote or the cell once if they died. `next_worker` is made
        in advance, while this check runs ("same": another like this one; None: nothing,
        no check follows)."""
        full = self._with_our_paths(cell)
        for attempt in range(2):
            try:
                if not self._alive():
                    raise SandboxUnavailable(tr("the sandbox process (zygote) exited"))
                # The previous check's leftovers are killed before this check's worker
                # is handed over (waited for here, not when that check closed, so that
                # pytest's bookkeeping in between hides the wait).
                if self._cell is not None and not self._cell.gone and not self._cell.settle():
                    self._cell.gone = True
                if self._cell is not None and self._cell.gone:
                    # Student code killed (or stopped answering in) its own sandbox: it is
                    # built again for the checks that follow, and the report says so.
                    self.restarts += 1
                if self._cell is None or self._cell.spec != full or self._cell.gone:
                    self.close_cell()
                    self._cell = self._request_cell(full)
                self._complete_cell(self._cell)
                taken = self._cell.take_prefetched(worker)
                pid, pidfd, channel = taken or self._cell.await_spawn(*self._cell.request_spawn(worker))
                # The next check's fork and mounts happen while this check runs.
                upcoming = worker if next_worker == "same" else next_worker
                if upcoming is not None:
                    self._cell.prefetch(upcoming)
                # The check's clock starts once its worker is handed over, not while it was made.
                return WorkerHandle(self._cell, pid, pidfd, channel, time.monotonic() + budget_s)
            except (SandboxUnavailable, OSError, _CellGone):
                if attempt:
                    raise SandboxUnavailable(tr("the sandbox process could not be restarted")) from None
                if self._alive():
                    self.close_cell()
                else:
                    self._restart()
        raise AssertionError("unreachable")


def _interfered_with(pidfd: int | None) -> bool:
    """Whether a worker made in advance was harmed while it waited: it has exited, or
    (read from the host's /proc) it is stopped, dying or has a signal pending. The
    previous check's code shares its cell and may have signalled it; the cell made sure
    that code can send nothing more before saying Cleared."""
    if pidfd is None:
        return False
    readable, _, _ = select.select([pidfd], [], [], 0)
    if readable:
        return True
    host_pid = procfs.pid_of_pidfd(pidfd)
    # A kernel whose fdinfo does not name the pid: nothing more to tell, hand it over.
    return host_pid is not None and procfs.was_interfered_with(host_pid)


def _kill_by_pidfd(pidfd: int) -> None:
    try:
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    except OSError:
        pass


class WorkerHandle:
    """One forked worker serving the calls of one check, until `close`."""

    def __init__(self, cell: _Cell, pid: int, pidfd: int | None, channel: socket.socket, deadline: float) -> None:
        self.cell = cell
        self.pid = pid  # inside the cell's namespace
        self.pidfd = pidfd
        self.channel = channel
        self.deadline = deadline
        self._next_id = 0
        self._killed = False
        self.dead: str | None = None

    def _fail(self, error: type[Exception], message: str) -> Exception:
        self.kill()
        self.dead = message
        return error(message)

    def request(self, request: Request, what: str, limit_note: str, max_bytes: int) -> Reply:
        """Send one request and wait for its reply within the check's deadline; a reply
        announced over `max_bytes` is refused unread."""
        if self.dead:
            raise StudentCrashed(self.dead)
        self._next_id += 1
        request = dataclasses.replace(request, id=self._next_id)
        try:
            send_message(self.channel, protocol.dumps(request))
            raw = recv_message(self.channel, deadline=self.deadline, max_bytes=max_bytes)
        except ChannelTimeout:
            raise self._timed_out(what, limit_note) from None
        except (ChannelClosed, BrokenPipeError, ConnectionResetError):
            # Ask how it ended before killing it, or every death would read "SIGKILL".
            exited = self.cell.wait_exit(self.pid)
            how = describe_exit(exited.code, exited.signal) if exited else describe_exit(None, None)
            raise self._fail(StudentCrashed, tr("{what}: the process {how}", what=what, how=how)) from None
        except MessageTooLarge as exc:
            detail = tr("message of {size} bytes exceeds the cap of {cap}", size=exc.size, cap=exc.cap)
            raise self._fail(UnreadableResult, tr("{what} returned too much data ({detail})",
                                                  what=what, detail=detail)) from None
        try:
            reply = protocol.parse(raw, Reply)
            if reply.id != request.id:
                raise ProtocolViolation(f"a reply to request {reply.id}, expected {request.id}")
            forged = [name for name in reply.forbidden if name not in request.forbid]
            if forged:
                raise ProtocolViolation(f"a report of {forged[0][:40]!r}, which this check does not watch")
        except ProtocolViolation as exc:
            raise self.unreadable(what, str(exc)) from None
        return reply

    def past_deadline(self, what: str, limit_note: str) -> Exception | None:
        """A timeout if the check's time ran out while the grading process read what the
        worker sent: decoding a reply counts against the check's limit too."""
        return self._timed_out(what, limit_note) if time.monotonic() > self.deadline else None

    def _timed_out(self, what: str, limit_note: str) -> Exception:
        return self._fail(StudentTimeout, tr("{what} did not finish within the time limit ({limit})",
                                             what=what, limit=limit_note))

    def unreadable(self, what: str, detail: str) -> Exception:
        """The student's fault: what their worker sent cannot be read. Ends the worker."""
        return self._fail(UnreadableResult, tr("{what}: {problem} ({detail})",
                                               what=what, problem=tr(UNREADABLE), detail=detail[:200]))

    def kill(self) -> None:
        if not self._killed:
            self._killed = True
            self.cell.kill_worker(self.pid, self.pidfd)

    def close(self) -> None:
        """Kill the worker. Its cell kills what it left running; the next worker of the
        cell is handed over only once that is done (Sandbox.spawn), so the next check
        starts clean."""
        self.kill()
        try:
            self.channel.close()
        except OSError:
            pass
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None
        self.cell.clearing.add(self.pid)
        shutil.rmtree(os.path.join(self.cell.spec.tmp_root, f"w{self.pid}"), ignore_errors=True)
