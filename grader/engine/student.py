"""What a check sees of the student: call their functions, get data back or a StudentCodeError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Literal

from grader.engine.torch_errors import explain as explain_torch_error
from grader.i18n import tr
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
from grader.sandbox.protocol import CellSpec, ErrorReport, Limits, Request, SourceLine, WorkerSpec
from grader.sandbox.tracing import friendly


_READ_CAP = 16 * 1024 * 1024  # a student's file is read here only to word a failure


_MIB = 1024 * 1024


def _place(file_name: str, line: SourceLine) -> str:
    """`exercise_01.py`, or in a notebook `exercise_01.ipynb, cell 3 (In [7])`."""
    if not line.cell:
        return file_name
    if line.execution:
        return tr("{file}, cell {cell} (In [{execution}])", file=file_name, cell=line.cell, execution=line.execution)
    return tr("{file}, cell {cell}", file=file_name, cell=line.cell)


def _where(error: ErrorReport, file_name: str) -> str:
    """The student's own frames of a traceback, one line each, after a newline."""
    lines = [
        tr("  {place}, line {line}, in {function}: {code}",
           place=_place(file_name, frame), line=frame.line, function=frame.function, code=frame.code)
        for frame in error.where[-3:]
    ]
    return "".join("\n" + line for line in lines)


def _limit_hint(exc_type: str, exc_message: str, limits: CheckLimits) -> str:
    """Name the limit a failure ran into, with its value, when we can tell."""
    if exc_type == "MemoryError" or "can't allocate memory" in exc_message or "Cannot allocate memory" in exc_message:
        return tr(" (the memory limit is memory_mb={memory_mb})", memory_mb=limits.memory_mb)
    if "File too large" in exc_message or "No space left on device" in exc_message:
        return tr(" (files and printed output are limited to file_mb={file_mb} MiB)", file_mb=limits.file_mb)
    if exc_type == "BlockingIOError" or "Resource temporarily unavailable" in exc_message:
        return tr(" (the process limit is processes={processes})", processes=limits.processes)
    return ""


def _read(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            return handle.read(_READ_CAP)
    except OSError:
        return None


def first_non_utf8_line(content: bytes) -> int | None:
    """The line (1-based) of the first bytes that are not UTF-8; None when all are."""
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as bad:
        return content.count(b"\n", 0, bad.start) + 1
    return None


def is_empty_source(path: Path, content: bytes) -> bool:
    """Nothing but white space in a .py file; no code in any cell of a notebook."""
    if not content.strip():
        return True
    if path.suffix != ".ipynb":
        return False
    try:
        cells = json.loads(content.decode("utf-8")).get("cells", [])
        sources = ["".join(c.get("source", "")) if isinstance(c.get("source"), list) else str(c.get("source", ""))
                   for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"]
    except (ValueError, AttributeError, TypeError):
        return False
    return not any(source.strip() for source in sources)


def _decoding_failed(error: ErrorReport) -> bool:
    text = error.message.lower()
    return error.type == "UnicodeDecodeError" or (
        error.kind == "syntax_error" and ("utf-8" in text or "unicode error" in text or "encoding" in text))


def _not_utf8(file_name: str, line: int) -> StudentImportError:
    return StudentImportError(tr(
        "{file} is not saved as UTF-8 (line {line} holds bytes that are not UTF-8 text, as an editor that saves "
        "in GBK or another local encoding writes them): save the file as UTF-8 in your editor and grade it again",
        file=file_name, line=line))


def _empty(file_name: str) -> MissingFunction:
    return MissingFunction(tr(
        "{file} is empty: there is no code to grade (was it saved?). Write your solution in it, keeping "
        "the function names from the exercise stub", file=file_name))


def _syntax_error(error: ErrorReport, file_name: str) -> StudentImportError:
    """Said once: where (file, cell, line), the parser's message, then the line itself."""
    line = error.where[0] if error.where else None
    # A module the student's file imports may hold the error: name that file.
    file_name = line.file if line is not None and line.file else file_name
    if line is None or not line.line:
        return StudentImportError(tr("{file} has a syntax error: {error}", file=file_name, error=error.message))
    if line.cell and line.execution:
        message = tr("{file} has a syntax error in cell {cell} (In [{execution}]), line {line}: {error}",
                     file=file_name, cell=line.cell, execution=line.execution, line=line.line, error=error.message)
    elif line.cell:
        message = tr("{file} has a syntax error in cell {cell}, line {line}: {error}",
                     file=file_name, cell=line.cell, line=line.line, error=error.message)
    else:
        message = tr("{file} has a syntax error on line {line}: {error}",
                     file=file_name, line=line.line, error=error.message)
    return StudentImportError(message + (f"\n    {line.code}" if line.code else ""))


def error_from_reply(
    error: ErrorReport, what: str, file_name: str, limits: CheckLimits, path: Path | None = None
) -> StudentCodeError:
    """Turn the child's description of a failure into the exception a check sees.
    `path` (the student's file, as the grading process sees it) lets a message say that
    the file is empty or not UTF-8 when that is what went wrong."""
    kind, exc_type, exc_message = error.kind, error.type, error.message
    hint = _limit_hint(exc_type, exc_message, limits)
    if error.during == "import":
        content = _read(path)
        if path is not None and content is not None and not content.strip():
            return _empty(file_name)  # a notebook of zero bytes does not even load
        if _decoding_failed(error):
            line = first_non_utf8_line(content) if content is not None else None
            if line is not None:
                return _not_utf8(file_name, line)
        if kind == "syntax_error":
            return _syntax_error(error, file_name)
        if kind == "exit" and exc_type == "SystemExit":
            return StudentImportError(tr("{file} called {exit} while being imported; remove top-level exits",
                                         file=file_name, exit=exc_message))
        return StudentImportError(
            tr("importing {file} raised {type}: {error}", file=file_name, type=exc_type, error=exc_message)
            + hint + _where(error, file_name)
        )
    if kind == "not_implemented":
        return NotImplementedYet(tr("not implemented yet: {what} raises NotImplementedError", what=what))
    if kind == "missing_function":
        content = _read(path)
        if path is not None and content is not None and is_empty_source(path, content):
            return _empty(file_name)
        return MissingFunction(tr("{file} has no function `{function}`; keep the names from the exercise stub",
                                  file=file_name, function=exc_message))
    if kind == "exit" and exc_type == "SystemExit":
        return StudentRaised(tr("{what} called {exit}", what=what, exit=exc_message), exc_type, exc_message)
    explanation = explain_torch_error(exc_type, exc_message)
    if explanation:  # torch's own words stay, below what they mean for the student's code
        said = tr("{what} raised {type}: {explanation}", what=what, type=exc_type, explanation=explanation) \
            + "\n" + tr("  (torch said: {error})", error=exc_message)
    else:
        said = tr("{what} raised {type}: {error}", what=what, type=exc_type, error=exc_message)
    return StudentRaised(said + hint + _where(error, file_name), exc_type, exc_message)


def worker_spec(module_path: Path, module_name: str, limits: CheckLimits) -> WorkerSpec:
    """The worker one check of a student's file needs."""
    return WorkerSpec(
        module_path=module_path.name,
        module_name=module_name,
        limits=Limits(limits.timeout_s, limits.cpu_s, limits.memory_mb, limits.file_mb, limits.processes),
    )


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
        next_worker: WorkerSpec | None | Literal["same"] = "same",
    ) -> None:
        """`next_worker`: what the next check will ask for, so the sandbox can make it
        while this check runs ("same": the same worker; None: no check follows)."""
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
        self.next_worker = next_worker

    def _limit_note(self) -> str:
        return f"timeout_s={self.limits.timeout_s:g}"

    def cell_spec(self) -> CellSpec:
        """The student's sandbox this code runs in (one per submission: the same for
        every check and exercise that shares these paths and limits)."""
        return CellSpec(
            tmp_root="",  # the Sandbox's own
            submission_dir=str(self.module_path.parent),
            hide=tuple(str(p) for p in self.hidden_paths),
            expose=tuple(self.exposed_paths()),
            read_only=tuple(str(p) for p in self.read_only_paths),
            preload=self.preload,
            file_mb=self.limits.file_mb,
            processes=self.limits.processes,
        )

    def worker_spec(self) -> WorkerSpec:
        return worker_spec(self.module_path, self.module_name, self.limits)

    def _handle(self) -> WorkerHandle:
        if self._worker is None:
            self._worker = self.sandbox.spawn(self.cell_spec(), self.worker_spec(), self.limits.timeout_s,
                                              self.next_worker)
        return self._worker

    def _request(self, request: Request, what: str) -> Any:
        reply = self._handle().request(request, what, self._limit_note(), self.limits.reply_mb * _MIB)
        if reply.forbidden:
            used = tr(", ").join(friendly(name) for name in reply.forbidden)
            raise ForbiddenCall(
                tr("{what} used {used}; this exercise asks you to write it with plain tensor operations",
                   what=what, used=used)
            )
        if not reply.ok:
            error = reply.error or ErrorReport(kind="exception", type="", message=tr("no error report"))
            raise error_from_reply(error, what, self.file_name, self.limits, self.module_path)
        try:
            value = codec.decode(reply.value)
        except codec.CodecError as exc:
            raise self._handle().unreadable(what, str(exc)) from None
        late = self._handle().past_deadline(what, self._limit_note())
        if late is not None:
            raise late
        if self.observer is not None:
            self.observer(value)
        return value

    def load(self) -> list[str]:
        """Import the module; returns its public names."""
        return self._request(Request(id=0, op="import"), tr("importing {file}", file=self.file_name))

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
