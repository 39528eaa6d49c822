"""What a check sees of the student: call their functions, get data back or a StudentCodeError."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from grader.models.manifest import CheckLimits
from grader.sandbox import codec
from grader.sandbox.client import Sandbox, WorkerHandle
from grader.sandbox.outcomes import (
    ForbiddenCall,
    MissingFunction,
    NotImplementedYet,
    StudentCodeError,
    StudentImportError,
    StudentRaised,
)
from grader.sandbox.protocol import CellSpec, ErrorReport, Limits, Request, WorkerSpec
from grader.sandbox.tracing import friendly


def _where(error: ErrorReport) -> str:
    return f"\n{error.where}" if error.where else ""


def _limit_hint(exc_type: str, exc_message: str, limits: CheckLimits) -> str:
    """Name the limit a failure ran into, with its value, when we can tell."""
    if exc_type == "MemoryError" or "can't allocate memory" in exc_message or "Cannot allocate memory" in exc_message:
        return f" (the memory limit is memory_mb={limits.memory_mb})"
    if "File too large" in exc_message or "No space left on device" in exc_message:
        return f" (files and printed output are limited to file_mb={limits.file_mb} MiB)"
    if exc_type == "BlockingIOError" or "Resource temporarily unavailable" in exc_message:
        return f" (the process limit is processes={limits.processes})"
    return ""


def error_from_reply(error: ErrorReport, what: str, file_name: str, limits: CheckLimits) -> StudentCodeError:
    """Turn the child's description of a failure into the exception a check sees."""
    kind, exc_type, exc_message = error.kind, error.type, error.message
    hint = _limit_hint(exc_type, exc_message, limits)
    if error.during == "import":
        if kind == "syntax_error":
            return StudentImportError(f"{file_name} has a syntax error ({exc_message}), {error.where}")
        if kind == "exit" and exc_type == "SystemExit":
            return StudentImportError(f"{file_name} called {exc_message} while being imported; remove top-level exits")
        return StudentImportError(
            f"importing {file_name} raised {exc_type}: {exc_message}{hint}{_where(error)}"
        )
    if kind == "not_implemented":
        return NotImplementedYet(f"not implemented yet: {what} raises NotImplementedError")
    if kind == "missing_function":
        return MissingFunction(
            f"{file_name} has no function `{exc_message}`; keep the names from the exercise stub"
        )
    if kind == "exit" and exc_type == "SystemExit":
        return StudentRaised(f"{what} called {exc_message}", exc_type, exc_message)
    return StudentRaised(f"{what} raised {exc_type}: {exc_message}{hint}{_where(error)}", exc_type, exc_message)


class StudentCode:
    """The student's module for one check, living in a sandboxed worker."""

    def __init__(
        self,
        sandbox: Sandbox,
        module_path: Path,
        module_name: str,
        limits: CheckLimits,
        hidden_paths: tuple[Path, ...] = (),
        preload: tuple[str, ...] = (),
        read_only_paths: tuple[Path, ...] = (),
        exposed_paths: Callable[[], list[str]] = list,
    ) -> None:
        # Asked when the worker starts (not now): data such as MNIST is prepared by a
        # fixture that may run after this object is made.
        self.exposed_paths = exposed_paths
        self.hidden_paths = hidden_paths
        self.preload = preload
        self._probe_files_sent: set[str] = set()
        # Told every value the student's code returns (`grader release` uses it to spot a
        # public check that passes the student's output to the reference).
        self.observer: Callable[[Any], None] | None = None
        self.read_only_paths = read_only_paths
        self.sandbox = sandbox
        self.module_path = module_path
        self.module_name = module_name
        self.file_name = module_path.name
        self.limits = limits
        self._worker: WorkerHandle | None = None

    def _limit_note(self) -> str:
        return f"timeout_s={self.limits.timeout_s:g}"

    def _handle(self) -> WorkerHandle:
        if self._worker is None:
            limits = self.limits
            submission = self.module_path.parent
            cell = CellSpec(
                tmp_root="",  # the Sandbox's own
                submission_dir=str(submission),
                hide=tuple(str(p) for p in self.hidden_paths),
                expose=tuple(self.exposed_paths()),
                read_only=tuple(str(p) for p in self.read_only_paths),
                preload=self.preload,
                file_mb=limits.file_mb,
                processes=limits.processes,
            )
            worker = WorkerSpec(
                module_path=self.module_path.name,
                module_name=self.module_name,
                limits=Limits(limits.timeout_s, limits.cpu_s, limits.memory_mb, limits.file_mb, limits.processes),
            )
            self._worker = self.sandbox.spawn(cell, worker, limits.timeout_s)
        return self._worker

    def _request(self, request: Request, what: str) -> Any:
        reply = self._handle().request(request, what, self._limit_note())
        if reply.forbidden:
            used = ", ".join(friendly(name) for name in reply.forbidden)
            raise ForbiddenCall(
                f"{what} used {used}; this exercise asks you to write it with plain tensor operations"
            )
        if not reply.ok:
            error = reply.error or ErrorReport(kind="exception", type="", message="no error report")
            raise error_from_reply(error, what, self.file_name, self.limits)
        try:
            value = codec.decode(reply.value)
        except codec.CodecError as exc:
            raise self._handle().unreadable(what, str(exc)) from None
        if self.observer is not None:
            self.observer(value)
        return value

    def load(self) -> list[str]:
        """Import the module; returns its public names."""
        return self._request(Request(id=0, op="import"), f"importing {self.file_name}")

    def call(self, function: str, *args: Any, forbid: tuple[str, ...] = (), **kwargs: Any) -> Any:
        """Call `function(*args, **kwargs)` in the student's module; returns plain data."""
        request = Request(
            id=0, op="call", function=function, args=codec.encode(list(args)),
            kwargs=codec.encode(kwargs), forbid=tuple(forbid),
        )
        return self._request(request, f"{function}()")

    @property
    def probe_files_used(self) -> set[str]:
        """The probe files this check sent to the worker (a student kit must carry them)."""
        return set(self._probe_files_sent)

    def probe(self, probe_file: Path, probe_name: str, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
        """Run a trusted course helper inside the worker with the student's module."""
        request = Request(
            id=0, op="probe", probe_file=str(probe_file), probe_name=probe_name,
            # The worker keeps what it loaded: send each file's source once per worker.
            probe_source=None if str(probe_file) in self._probe_files_sent else probe_file.read_text(encoding="utf-8"),
            args=codec.encode(list(args)), kwargs=codec.encode(kwargs),
        )
        self._probe_files_sent.add(str(probe_file))
        return self._request(request, what or probe_name)

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()
            self._worker = None
