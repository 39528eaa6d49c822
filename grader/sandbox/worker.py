"""The child that runs student code: one per check, forked from its cell.

Everything here runs in the untrusted process. It gets a fresh working folder and a
fresh copy of the submission, applies its limits, loads the student's module,
answers requests from the grading process, and sends back only protocol records
with codec data. It never decides anything: the grading process judges what it
returns, and treats whatever it cannot read as the student's fault.
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from grader.sandbox import codec, isolation, privileges, protocol, rootfs
from grader.sandbox.cell_state import CellState, die_with_parent
from grader.sandbox.isolation import Protection
from grader.sandbox.framing import ChannelClosed, recv_message, send_message
from grader.sandbox.loader import load_student_module, load_trusted_module
from grader.sandbox.notebook import cell_position
from grader.sandbox.protocol import ErrorReport, Limits, Reply, Request, SourceLine, WorkerSpec
from grader.sandbox.tracing import OperatorSpy


_OUTPUT_FILE = "output.txt"
_CANNOT_GIVE_UP = 71  # the worker could not drop a privilege its cell promised: it runs nothing


class _StudentImportFailed(Exception):
    def __init__(self, error: ErrorReport) -> None:
        super().__init__(error.message)
        self.error = error


def _apply_limits(limits: Limits, processes: int) -> None:
    def set_limit(which: int, value: int) -> None:
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass

    mib = 1024 * 1024
    # CUDA reserves far more address space than it uses: RLIMIT_AS would break it.
    if not os.path.exists("/dev/nvidiactl"):
        set_limit(resource.RLIMIT_AS, limits.memory_mb * mib)
    set_limit(resource.RLIMIT_FSIZE, limits.file_mb * mib)
    if processes > 0:
        set_limit(resource.RLIMIT_NPROC, processes)
    set_limit(resource.RLIMIT_CORE, 0)
    cpu_s = limits.cpu_s or limits.timeout_s * (os.cpu_count() or 1)
    set_limit(resource.RLIMIT_CPU, max(1, int(cpu_s + 0.999)))


def _student_frames(exc: BaseException, student_path: str) -> tuple[SourceLine, ...]:
    """The traceback lines inside the student's own file (or a notebook's cells): what
    they can act on. The grading process words them."""
    name = os.path.basename(student_path)
    lines: list[SourceLine] = []
    for frame in traceback.extract_tb(exc.__traceback__):
        cell = cell_position(frame.filename, name)
        if frame.filename == student_path or cell is not None:
            number, execution = cell or (0, 0)
            lines.append(SourceLine(frame.lineno or 0, (frame.line or "").strip()[:500], frame.name[:200],
                                    number, execution))
    return tuple(lines[-3:])


def _syntax_error_line(exc: SyntaxError, student_path: str) -> SourceLine:
    """The line a syntax error is on, in the file or (in a notebook) within its cell."""
    cell = cell_position(exc.filename or "", os.path.basename(student_path))
    number, execution = cell or (0, 0)
    other = "" if cell or not exc.filename or exc.filename == student_path else os.path.basename(exc.filename)
    return SourceLine(exc.lineno or 0, (exc.text or "").strip()[:500], "", number, execution, other[:200])


def _describe_error(exc: BaseException, student_path: str, during: str) -> ErrorReport:
    try:
        message = str(exc)[:2000]
    except Exception:
        message = "<str() of the exception failed>"
    kind: protocol.ErrorKind = "exception"
    where = _student_frames(exc, student_path)
    if isinstance(exc, NotImplementedError):
        kind = "not_implemented"
    elif isinstance(exc, SyntaxError) and during == "import":
        kind = "syntax_error"
        # The parser's words only: str(exc) repeats the file and line, which `where` holds.
        message = str(exc.msg if isinstance(exc.msg, str) else message)[:2000]
        where = (_syntax_error_line(exc, student_path),)
    elif isinstance(exc, (SystemExit, KeyboardInterrupt, GeneratorExit)):
        kind = "exit"
        if isinstance(exc, SystemExit):
            message = f"sys.exit({exc.code!r})"[:2000]
    return ErrorReport(kind=kind, type=type(exc).__name__, message=message, where=where,
                       during="import" if during == "import" else "call")


class Worker:
    def __init__(self, channel: socket.socket, spec: WorkerSpec, student_path: str) -> None:
        self.channel = channel
        self.spec = spec
        self.student_path = student_path
        self.module: Any = None
        self.import_error: ErrorReport | None = None
        self.probes: dict[str, Any] = {}

    def student(self) -> Any:
        if self.module is None and self.import_error is None:
            try:
                self.module = load_student_module(Path(self.student_path), self.spec.module_name)
            except BaseException as exc:  # student import: SystemExit etc. are theirs to answer for
                self.import_error = _describe_error(exc, self.student_path, "import")
        if self.import_error is not None:
            raise _StudentImportFailed(self.import_error)
        return self.module

    def probe(self, file: str, name: str, source: str | None) -> Any:
        """A probe function; its file is loaded once (the grading process sends the
        source with the first request that names the file: the course is not visible here)."""
        if file not in self.probes:
            self.probes[file] = load_trusted_module(Path(file), f"_grader_probe_{len(self.probes)}", source)
        return getattr(self.probes[file], name)

    def handle(self, request: Request) -> Reply:
        try:
            module = self.student()
        except _StudentImportFailed as failed:
            return Reply(id=request.id, ok=False, error=failed.error)
        if request.op == "import":
            names = sorted(n for n in vars(module) if not n.startswith("_"))
            return Reply(id=request.id, ok=True, value=codec.encode(names))
        args = codec.decode(request.args or [])
        kwargs = codec.decode(request.kwargs or {})
        if request.op == "call":
            target = getattr(module, request.function, None)
            if target is None or not callable(target):
                missing = ErrorReport(kind="missing_function", type="", message=request.function)
                return Reply(id=request.id, ok=False, error=missing)
        else:
            probe = self.probe(request.probe_file, request.probe_name, request.probe_source)
            target = lambda *a, **k: probe(module, *a, **k)  # noqa: E731
        spy = OperatorSpy(frozenset(request.forbid))
        try:
            if spy.watch:
                with spy:
                    value = target(*args, **kwargs)
            else:
                value = target(*args, **kwargs)
            encoded = codec.encode(value)
        except BaseException as exc:  # student code: any exception is a result to report
            error = _describe_error(exc, self.student_path, "call")
            return Reply(id=request.id, ok=False, error=error, forbidden=tuple(spy.seen))
        return Reply(id=request.id, ok=True, value=encoded, forbidden=tuple(spy.seen))

    def serve(self) -> None:
        while True:
            try:
                raw = recv_message(self.channel)
            except (ChannelClosed, OSError):
                return
            request = protocol.parse(raw, Request)  # from the grading process: a violation is a bug
            try:
                reply = self.handle(request)
            except BaseException as exc:  # noqa: BLE001 - the child's outermost boundary
                reply = Reply(id=request.id, ok=False, error=_describe_error(exc, self.student_path, "call"))
            try:
                payload = protocol.dumps(reply)
            except (TypeError, ValueError) as exc:
                failed = ErrorReport(kind="exception", type="EncodingError", message=str(exc)[:2000])
                payload = protocol.dumps(Reply(id=request.id, ok=False, error=failed))
            send_message(self.channel, payload)


def _workdir(state: CellState) -> str:
    """A fresh writable folder for this check, where the worker will not enter namespaces
    of its own (privileges.py): its own tmpfs in its own mount namespace where the cell
    has one, so nothing a previous check wrote is there, and its own IPC namespace, so a
    SysV segment or a message queue a check leaves is gone with it."""
    size_mb = state.spec.file_mb * 2
    isolation.unshare(isolation.CLONE_NEWIPC)
    if state.mode != "none" and isolation.unshare(isolation.CLONE_NEWNS):
        if state.mode == "root" and _mount_work(state):
            return rootfs.WORK
        if state.mode == "host":
            keep = [p for p in (*state.spec.expose, *state.spec.read_only) if p.startswith("/tmp/")]
            if isolation.private_tmp(size_mb, keep):
                os.makedirs(rootfs.WORK, mode=0o700, exist_ok=True)
                return rootfs.WORK
    workdir = os.path.join(state.spec.tmp_root, f"w{os.getpid()}")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    return workdir


def _mount_work(state: CellState) -> bool:
    """/tmp/work and /dev/shm as fresh tmpfs mounts, owned by whoever mounts them."""
    if not isolation.mount_tmpfs(rootfs.WORK, state.spec.file_mb * 2, "0700"):
        return False
    isolation.mount_tmpfs("/dev/shm", 16, "1777")
    return True


def _give_up_privileges(state: CellState) -> str:
    """Make this check's working folder and give up every privilege (privileges.py);
    returns the folder. In the allow-listed root the folder is mounted inside the worker's
    own namespaces, as the worker's own user: one mount namespace per worker, not two."""
    made: list[str] = []

    def mount_in_own_namespace() -> None:
        if not _mount_work(state):
            raise privileges.PrivilegeError(0, "mounting /tmp/work in the worker's namespace")
        made.append(rootfs.WORK)

    own_root = state.mode == "root" and state.own_user_namespace
    if not own_root:
        made.append(_workdir(state))
        if state.worker_user:
            os.chown(made[0], privileges.WORKER_UID, privileges.WORKER_GID)
    privileges.give_up_everything(
        as_worker_user=state.worker_user,
        own_user_namespace=state.own_user_namespace,
        syscall_filter=Protection.SYSCALL_FILTER in state.protections,
        in_own_namespace=mount_in_own_namespace if own_root else None,
    )
    return made[0]


def run_worker(channel_fd: int, spec: WorkerSpec, state: CellState) -> None:
    """Entry point in the freshly forked worker. Never returns."""

    status = 0
    try:
        os.setsid()
        die_with_parent()
        try:
            workdir = _give_up_privileges(state)
        except OSError:
            status = _CANNOT_GIVE_UP
            return
        die_with_parent()  # a change of user cleared it
        staged = Path(workdir) / "submission"
        isolation.write_submission(state.files, staged)
        student_path = str(staged / spec.module_path)
        os.chdir(workdir)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        out = os.open(os.path.join(workdir, _OUTPUT_FILE), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.environ["HOME"] = workdir
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir
        processes = spec.limits.processes
        if Protection.PROCESS_COUNT not in state.protections and not state.own_user_namespace:
            # RLIMIT_NPROC counts every process of the user: allow that many more.
            # Root ignores it: do not pretend. (In a user namespace of its own, it counts
            # only the worker's: the kernel keeps the count per namespace.)
            processes = 0 if os.getuid() == 0 else state.user_processes + processes
        _apply_limits(spec.limits, processes)
        sys.path.insert(0, os.path.dirname(student_path))
        channel = socket.socket(fileno=channel_fd)
        Worker(channel, spec, student_path).serve()
    except BaseException:  # noqa: BLE001 - the child's outermost boundary
        status = 70
    finally:
        os._exit(status)
