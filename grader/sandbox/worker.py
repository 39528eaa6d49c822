"""The child that runs student code: one per check, forked from the zygote.

Everything here runs in the untrusted process. It applies its limits, loads the
student's module, answers requests from the grading process, and sends back only
codec data. It never decides anything: the grading process judges what it returns.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

from grader.sandbox import codec, isolation
from grader.sandbox.framing import ChannelClosed, recv_message, send_message
from grader.sandbox.loader import load_student_module, load_trusted_module
from grader.sandbox.notebook import cell_label
from grader.sandbox.tracing import OperatorSpy, describe

_PR_SET_PDEATHSIG = 1
_OUTPUT_FILE = "output.txt"


class _StudentImportFailed(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message", ""))
        self.error = error


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # not Linux: the zygote kills its workers on exit instead
        pass


def _apply_limits(limits: dict[str, Any]) -> None:
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
        set_limit(resource.RLIMIT_AS, int(limits["memory_mb"]) * mib)
    set_limit(resource.RLIMIT_FSIZE, int(limits["file_mb"]) * mib)
    if int(limits["processes"]) > 0:
        set_limit(resource.RLIMIT_NPROC, int(limits["processes"]))
    set_limit(resource.RLIMIT_CORE, 0)
    cpu_s = limits.get("cpu_s") or float(limits["timeout_s"]) * (os.cpu_count() or 1)
    set_limit(resource.RLIMIT_CPU, max(1, int(cpu_s + 0.999)))


def _student_frames(exc: BaseException, student_path: str) -> str:
    """The traceback lines inside the student's own file (or a notebook's cells): what
    they can act on."""
    name = os.path.basename(student_path)
    lines: list[str] = []
    for frame in traceback.extract_tb(exc.__traceback__):
        cell = cell_label(frame.filename, name)
        if frame.filename == student_path or cell is not None:
            where = f"{name}, {cell}" if cell else name
            lines.append(f"  {where}, line {frame.lineno}, in {frame.name}: {(frame.line or '').strip()}")
    return "\n".join(lines[-3:])


def _syntax_error_where(exc: SyntaxError, student_path: str) -> str:
    """`line 3: text`, or in a notebook `cell 2, line 3: text` (the line within the cell)."""
    where = f"line {exc.lineno}: {(exc.text or '').strip()}"
    cell = cell_label(exc.filename or "", os.path.basename(student_path))
    return f"{cell}, {where}" if cell else where


def _describe_error(exc: BaseException, student_path: str, during: str) -> dict[str, Any]:
    try:
        message = str(exc)
    except Exception:
        message = "<str() of the exception failed>"
    error: dict[str, Any] = {
        "type": type(exc).__name__,
        "message": message[:2000],
        "where": _student_frames(exc, student_path),
        "during": during,
    }
    if isinstance(exc, NotImplementedError):
        error["kind"] = "not_implemented"
    elif isinstance(exc, SyntaxError) and during == "import":
        error["kind"] = "syntax_error"
        error["where"] = _syntax_error_where(exc, student_path)
    elif isinstance(exc, (SystemExit, KeyboardInterrupt, GeneratorExit)):
        error["kind"] = "exit"
        if isinstance(exc, SystemExit):
            error["message"] = f"sys.exit({exc.code!r})"
    else:
        error["kind"] = "exception"
    return error


class Worker:
    def __init__(self, channel: socket.socket, spec: dict[str, Any], student_path: str, facts: dict[str, Any]) -> None:
        self.channel = channel
        self.spec = spec
        self.student_path = student_path
        self.facts = facts
        self.module: Any = None
        self.import_error: dict[str, Any] | None = None
        self.probes: dict[str, Any] = {}

    def student(self) -> Any:
        if self.module is None and self.import_error is None:
            try:
                self.module = load_student_module(
                    Path(self.student_path), self.spec["module_name"]
                )
            except BaseException as exc:  # student import: SystemExit etc. are theirs to answer for
                self.import_error = _describe_error(exc, self.student_path, "import")
        if self.import_error is not None:
            raise _StudentImportFailed(self.import_error)
        return self.module

    def probe(self, file: str, name: str, source: str | None) -> Any:
        """A probe function; its file is loaded once (the grading process sends the
        source with the first request that names the file)."""
        if file not in self.probes:
            self.probes[file] = load_trusted_module(Path(file), f"_grader_probe_{len(self.probes)}", source)
        return getattr(self.probes[file], name)

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        try:
            module = self.student()
        except _StudentImportFailed as failed:
            return {"ok": False, "error": failed.error}
        if op == "import":
            return {"ok": True, "value": codec.encode(sorted(n for n in vars(module) if not n.startswith("_")))}
        args = codec.decode(request.get("args", []))
        kwargs = codec.decode(request.get("kwargs", {}))
        if op == "call":
            name = request["function"]
            target = getattr(module, name, None)
            if target is None or not callable(target):
                return {"ok": False, "error": {"kind": "missing_function", "type": "", "message": name, "where": "", "during": "call"}}
        elif op == "probe":
            probe = self.probe(request["probe_file"], request["probe_name"], request.get("probe_source"))
            target = lambda *a, **k: probe(module, *a, **k)  # noqa: E731
        else:
            return {"ok": False, "error": {"kind": "protocol", "message": f"unknown op {op}"}}
        spy = OperatorSpy(frozenset(request.get("forbid", [])))
        try:
            if spy.watch:
                with spy:
                    value = target(*args, **kwargs)
            else:
                value = target(*args, **kwargs)
            encoded = codec.encode(value)
        except BaseException as exc:  # student code: any exception is a result to report
            return {"ok": False, "error": _describe_error(exc, self.student_path, "call"), "forbidden": describe(spy.seen)}
        return {"ok": True, "value": encoded, "forbidden": describe(spy.seen)}

    def serve(self) -> None:
        while True:
            try:
                raw = recv_message(self.channel)
            except (ChannelClosed, OSError):
                return
            request = json.loads(raw)
            try:
                reply = self.handle(request)
            except BaseException as exc:  # noqa: BLE001 - the child's outermost boundary
                reply = {"ok": False, "error": _describe_error(exc, self.student_path, "call")}
            reply["id"] = request.get("id")
            reply["facts"] = self.facts
            try:
                payload = json.dumps(reply, separators=(",", ":")).encode("utf-8")
            except (TypeError, ValueError) as exc:
                payload = json.dumps({"id": request.get("id"), "ok": False, "error": {"kind": "exception", "type": "EncodingError", "message": str(exc)}}).encode()
            send_message(self.channel, payload)


def _count_user_processes(uid: int) -> int:
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


def _outside_namespace(init_pid: int, status_pipe: int) -> None:
    """The process that made the PID namespace: end as the worker inside ended."""
    _, init_status = os.waitpid(init_pid, 0)
    report = os.read(status_pipe, 64).decode(errors="replace").split()
    if len(report) == 2 and report[1].lstrip("-").isdigit():
        kind, number = report[0], int(report[1])
        if kind == "signal":
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
        os._exit(number)
    _end_like(init_status)


def _namespace_init(worker_pid: int, status_pipe: int) -> None:
    """PID 1 of the namespace: reap everything, report how the worker ended, then exit.

    The worker must not be PID 1 itself: the kernel shields PID 1 from signals it
    has no handler for, so os.abort() or a SIGKILL from inside would misbehave.
    When this process exits, the kernel kills everything left in the namespace.
    """
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(70)
        except InterruptedError:
            continue
        if pid == worker_pid:
            if os.WIFSIGNALED(status):
                os.write(status_pipe, f"signal {os.WTERMSIG(status)}".encode())
            else:
                os.write(status_pipe, f"exit {os.WEXITSTATUS(status)}".encode())
            os._exit(0)


def _isolate(spec: dict[str, Any], facts: dict[str, Any]) -> tuple[str, str, set[str]]:
    """Namespaces, a private /tmp as working folder, the staged submission, hidden and
    read-only paths. Returns (working folder, the student's staged file, protections)."""
    limits = spec["limits"]
    protections: set[str] = set()
    notes: list[str] = facts["notes"]
    if isolation.join_pids_cgroup(spec["tmp_root"], int(limits["processes"])):
        protections.add("process-count")
    source = Path(spec["submission_dir"])
    files = isolation.read_submission(source, notes.append)
    namespaces = isolation.enter_namespaces() if spec.get("isolate", True) else set()
    if "network" in namespaces:
        protections.add("network")
    workdir = os.path.join(spec["tmp_root"], f"w{os.getpid()}")
    if "mount" in namespaces and isolation.make_mounts_private():
        hidden = all(isolation.hide(p) for p in spec.get("hide", []))
        read_only = isolation.make_everything_read_only() or all(
            isolation.make_read_only(p) for p in spec.get("read_only", [])
        )
        size_mb = int(limits["file_mb"]) * 2
        # What lives under /tmp and must stay readable: data prepared for the checks, and
        # the grader, the course and Python themselves when installed there (a CI clone).
        keep = [p for p in (*spec.get("expose", []), *spec.get("read_only", [])) if p.startswith("/tmp/")]
        if isolation.private_tmp(size_mb, keep):
            workdir = "/tmp/work"
        if hidden and read_only and workdir == "/tmp/work":
            protections.add("filesystem")
    os.makedirs(workdir, mode=0o700, exist_ok=True)
    staged = Path(workdir) / "submission"
    isolation.write_submission(files, staged)
    student_path = str(staged / Path(spec["module_path"]).relative_to(source))
    return workdir, student_path, protections | ({"pid"} & namespaces)


def run_worker(channel_fd: int, spec: dict[str, Any]) -> None:
    """Entry point in the freshly forked child. Never returns."""
    status = 0
    try:
        os.setsid()
        _die_with_parent()
        facts: dict[str, Any] = {"notes": [], "protections": []}
        workdir, student_path, protections = _isolate(spec, facts)
        os.chdir(workdir)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        out = os.open(os.path.join(workdir, _OUTPUT_FILE), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.environ["HOME"] = workdir
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir
        limits = dict(spec["limits"])
        if os.getuid() != 0 and "process-count" not in protections:
            # RLIMIT_NPROC counts every process of the user: allow that many more.
            limits["processes"] = _count_user_processes(os.getuid()) + int(limits["processes"])
        elif os.getuid() == 0 and "process-count" not in protections:
            limits["processes"] = 0  # root ignores RLIMIT_NPROC; do not pretend
        _apply_limits(limits)
        threads = spec.get("threads")
        if threads:
            import torch

            torch.set_num_threads(int(threads))
        if "pid" in protections:
            status_read, status_write = os.pipe()
            init_pid = os.fork()
            if init_pid:
                os.close(channel_fd)
                os.close(status_write)
                _outside_namespace(init_pid, status_read)
            os.close(status_read)
            _die_with_parent()
            if isolation.mount_proc():
                protections.add("processes")
            worker_pid = os.fork()
            if worker_pid:
                os.close(channel_fd)
                _namespace_init(worker_pid, status_write)
            os.close(status_write)
            _die_with_parent()
        protections.discard("pid")
        facts["protections"] = sorted(protections)
        sys.path.insert(0, os.path.dirname(student_path))
        channel = socket.socket(fileno=channel_fd)
        Worker(channel, spec, student_path, facts).serve()
    except BaseException:  # noqa: BLE001 - the child's outermost boundary
        status = 70
    finally:
        os._exit(status)
