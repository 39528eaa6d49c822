"""Every message between the grading process and the sandbox, typed, in one place.

Stdlib only: the zygote, the cell and the worker import it before torch, and the
grading process parses with it everything that comes back. A new kind of request,
reply or error is added here and nowhere else.

The processes and what they say (control channels carry one JSON object per
SOCK_SEQPACKET datagram; the worker channel carries length-prefixed frames):

    grading process -> zygote   OpenCell (+ the cell's control socket)
    zygote -> grading process   Started, CellOpened, Exited
    grading process -> cell     SpawnWorker (+ the worker's socket), KillWorker
    cell -> grading process     CellReady, WorkerSpawned (+ a pidfd), Exited, Cleared
    grading process -> worker   Request
    worker -> grading process   Reply

A cell and a worker run student code (a cell only through the workers it forks),
so what they send is untrusted input: `parse` validates it against the record's
annotations and raises ProtocolViolation for anything else (malformed JSON, too
deep, too large, unknown tags or kinds, wrong types, unknown or missing fields).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sys
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, Union

MAX_JSON_DEPTH = 48  # the codec nests values at most 32 deep, inside a reply's own 2 levels
MAX_CONTAINERS = 1_000_000  # JSON arrays and objects in one message


class ProtocolViolation(ValueError):
    """A message that is not what the protocol allows. From a worker or a cell: the
    student's fault for the check in progress, never the grader's."""


# -- records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    cpu_s: float | None
    memory_mb: int
    file_mb: int
    processes: int


@dataclass(frozen=True)
class CellSpec:
    """One student's sandbox: namespaces, the allow-listed root and the staged files.
    Built once, then serves every check of a submission (all its exercises share the spec)."""

    tmp_root: str  # the Sandbox's private folder on the host
    submission_dir: str
    hide: tuple[str, ...] = ()  # never visible, even where the allow-list would show them
    expose: tuple[str, ...] = ()  # data files the checks give the student to read
    read_only: tuple[str, ...] = ()  # the fallback's read-only paths, where no root can be built
    preload: tuple[str, ...] = ()  # modules the zygote imports before forking the cell
    file_mb: int = 64  # the working folder's size is twice this
    processes: int = 128
    isolate: bool = True


@dataclass(frozen=True)
class WorkerSpec:
    """One check's worker, forked inside a cell."""

    module_path: str  # relative to the submission folder
    module_name: str
    limits: Limits


ErrorKind = Literal["not_implemented", "syntax_error", "exit", "exception", "missing_function"]


@dataclass(frozen=True)
class SourceLine:
    """A line of the student's file (or of a notebook's cell) that an error points at.
    Data, not words: the grading process says it in the student's language."""

    line: int
    code: str = ""  # the line's text, stripped
    function: str = ""  # the function it is in (a traceback frame), "" for a syntax error
    cell: int = 0  # a notebook's cell number (1-based, over all cells); 0 in a .py file
    execution: int = 0  # the cell's `In [n]`; 0 when it has none
    file: str = ""  # another file's name (a module the student's file imports); "" for their own


@dataclass(frozen=True)
class ErrorReport:
    """Why student code gave no value, as the worker saw it. A syntax error's message is
    the parser's own (`expected ':'`) and `where` its one line; an exception's `where`
    holds the last frames in the student's own file."""

    kind: ErrorKind
    type: str
    message: str
    where: tuple[SourceLine, ...] = ()
    during: Literal["import", "call"] = "call"


@dataclass(frozen=True)
class Request:
    id: int
    op: Literal["import", "call", "probe"]
    function: str = ""  # call: the student's function
    args: Any = None  # codec data (a list)
    kwargs: Any = None  # codec data (a dict)
    forbid: tuple[str, ...] = ()  # call: torch functions the exercise forbids
    probe_file: str = ""
    probe_name: str = ""
    probe_source: str | None = None  # sent with the first request naming probe_file


@dataclass(frozen=True)
class Reply:
    id: int
    ok: bool
    value: Any = None  # codec data; decoded by the grading process
    error: ErrorReport | None = None
    forbidden: tuple[str, ...] = ()  # raw names of forbidden functions the call reached


# control messages (the `msg` field tells them apart)


@dataclass(frozen=True)
class OpenCell:
    request: int
    spec: CellSpec
    msg: Literal["open_cell"] = "open_cell"


@dataclass(frozen=True)
class Started:
    pid: int
    msg: Literal["started"] = "started"


@dataclass(frozen=True)
class CellOpened:
    request: int
    pid: int  # the cell's pid on the host
    msg: Literal["cell_opened"] = "cell_opened"


@dataclass(frozen=True)
class CellReady:
    """Sent by a cell once built, before any student code runs in it: trustworthy."""

    protections: tuple[str, ...]
    notes: tuple[str, ...] = ()
    msg: Literal["cell_ready"] = "cell_ready"


@dataclass(frozen=True)
class SpawnWorker:
    request: int
    spec: WorkerSpec
    msg: Literal["spawn"] = "spawn"


@dataclass(frozen=True)
class WorkerSpawned:
    request: int
    pid: int  # the worker's pid inside the cell
    msg: Literal["spawned"] = "spawned"


@dataclass(frozen=True)
class KillWorker:
    pid: int
    msg: Literal["kill"] = "kill"


@dataclass(frozen=True)
class Exited:
    pid: int
    code: int | None = None
    signal: int | None = None
    msg: Literal["exited"] = "exited"


@dataclass(frozen=True)
class Cleared:
    """After KillWorker: the worker has been sent SIGKILL (it runs no more of its code)
    and whatever it started is gone, so the next check may start; the worker's own exit
    finishes while that check runs."""

    pid: int
    msg: Literal["cleared"] = "cleared"


ToZygote = OpenCell
FromZygote = Union[Started, CellOpened, Exited]
ToCell = Union[SpawnWorker, KillWorker]
FromCell = Union[CellReady, WorkerSpawned, Exited, Cleared]


# -- wire format -----------------------------------------------------------------------


def _record_fields(value: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} is not a protocol record")


def dumps(record: Any) -> bytes:
    # Records are turned into dicts as the encoder meets them: dataclasses.asdict would
    # deep-copy every value first (a call's encoded tensors included).
    return json.dumps(_record_fields(record), default=_record_fields, separators=(",", ":")).encode("utf-8")


# A JSON string, or an unterminated one up to the end: every start matches at once (one
# of the terminators always follows the greedy loops), so removing strings is linear even
# for input made of nothing but quotes and backslashes. Unrolled ("[^"\\]*" runs between
# escapes, not one alternation per character): a frame's base64 tensors are skipped ~9x
# faster, and every frame either side receives goes through here.
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")


def check_shape(raw: bytes) -> None:
    """Reject nesting deeper than MAX_JSON_DEPTH before json.loads sees it: the parser
    would recurse (and raise RecursionError) on a deep enough message."""
    brackets = _NOT_BRACKETS.sub(b"", _STRINGS.sub(b"", raw))
    if len(brackets) > 2 * MAX_CONTAINERS:
        raise ProtocolViolation(f"more than {MAX_CONTAINERS} nested values")
    if brackets.count(b"[") + brackets.count(b"{") <= MAX_JSON_DEPTH:
        return
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_JSON_DEPTH:
                raise ProtocolViolation(f"nested more than {MAX_JSON_DEPTH} levels deep")


def loads_json(raw: bytes) -> Any:
    """Bounded JSON: any failure is a ProtocolViolation, never another exception."""
    check_shape(raw)
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ProtocolViolation(f"not valid JSON ({str(exc)[:120]})") from None


def parse(raw: bytes, expected: Any) -> Any:
    """The record of type `expected` (a record class or a Union of them) in `raw`."""
    return from_data(loads_json(raw), expected)


def from_data(data: Any, expected: Any) -> Any:
    return _convert(data, expected, "message")


def _convert(value: Any, annotation: Any, where: str) -> Any:
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return value
    if origin in (Union, types.UnionType):
        options = typing.get_args(annotation)
        if value is None and type(None) in options:
            return None
        records = [o for o in options if dataclasses.is_dataclass(o)]
        if records and isinstance(value, dict):
            for option in records:
                if value.get("msg") == _default(option, "msg"):
                    return _record(value, option, where)
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(value, option, where)
            except ProtocolViolation:
                continue
        raise ProtocolViolation(f"{where}: unexpected value")
    if origin is Literal:
        if value in typing.get_args(annotation) and type(value) is str:
            return value
        raise ProtocolViolation(f"{where}: unknown value {str(value)[:40]!r}")
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(annotation)
        if type(value) is not list:
            raise ProtocolViolation(f"{where}: expected a list")
        return tuple(_convert(v, item, where) for v in value)
    if dataclasses.is_dataclass(annotation):
        return _record(value, annotation, where)
    if annotation is float:
        if type(value) in (int, float):
            return float(value)
        raise ProtocolViolation(f"{where}: expected a number")
    if annotation in (int, str, bool) and type(value) is annotation:
        return value
    if annotation is type(None) and value is None:
        return None
    raise ProtocolViolation(f"{where}: expected {getattr(annotation, '__name__', annotation)}")


def _default(cls: type, name: str) -> Any:
    for f in dataclasses.fields(cls):
        if f.name == name:
            return f.default
    return None


@functools.cache
def _hints(cls: Any) -> dict[str, Any]:
    """A record's resolved annotations. Cached: resolving them compiles each string
    annotation, which cost the grading process ~30 ms per submission."""
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _record(value: Any, cls: Any, where: str) -> Any:
    if type(value) is not dict:
        raise ProtocolViolation(f"{where}: expected an object")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(value) - names
    if unknown:
        raise ProtocolViolation(f"{where}: unknown field {sorted(unknown)[0][:40]!r}")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in value:
            kwargs[f.name] = _convert(value[f.name], hints[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ProtocolViolation(f"{where}: missing field {f.name!r}")
    return cls(**kwargs)


__all__ = [
    "CellOpened", "CellReady", "Cleared", "CellSpec", "ErrorKind", "ErrorReport", "Exited", "FromCell",
    "FromZygote", "KillWorker", "Limits", "OpenCell", "ProtocolViolation", "Reply", "Request",
    "SourceLine", "SpawnWorker", "Started", "ToCell", "ToZygote", "WorkerSpawned", "WorkerSpec", "dumps",
    "from_data", "loads_json", "parse",
]


# Resolved here, at import: every check's worker is forked from a zygote that imported
# this module, so the worker's first parse finds them ready instead of compiling each
# string annotation again (~0.75 ms of every check; functools.cache fills per process).
for _record_class in [value for value in list(globals().values()) if isinstance(value, type)
                      and dataclasses.is_dataclass(value)]:
    _hints(_record_class)
del _record_class
