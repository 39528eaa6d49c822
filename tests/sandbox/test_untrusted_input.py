"""Everything a worker sends is untrusted input: decoded, or the student's fault, nothing else.

Property tests (Hypothesis) feed the codec, the protocol parser and the client's reply
handling random and malformed values and frames; the only outcomes allowed are a
decoded value or a student-fault error (CodecError / ProtocolViolation, and for the
client UnreadableResult or StudentCrashed). Any other exception would reach the
check as "the grader itself failed".
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.sandbox import codec, protocol
from grader.sandbox.client import WorkerHandle
from grader.sandbox.framing import MAX_MESSAGE_BYTES
from grader.sandbox.outcomes import StudentCodeError, UnreadableResult
from grader.sandbox.protocol import ProtocolViolation, Reply, Request

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TAGS = ["$tensor", "$ndarray", "$tuple", "$float", "$dtype", "$device", "$size", "$object", "$dict", "$nope"]
_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)


def _tagged(children: st.SearchStrategy) -> st.SearchStrategy:
    tensor_body = st.fixed_dictionaries(
        {},
        optional={
            "dtype": st.sampled_from(["float32", "int64", "bool", "object", 3]) | children,
            "shape": st.lists(st.integers(-2, 2**50), max_size=4) | children,
            "data": st.sampled_from(["", "AAAA", "AAAAAAAAAAA=", "!!"]) | children,
            "requires_grad": st.booleans() | children,
        },
    )
    return st.one_of(
        st.builds(lambda tag, body: {tag: body}, st.sampled_from(_TAGS), children),
        st.builds(lambda body: {"$tensor": body}, tensor_body),
        st.builds(lambda body: {"$dict": body}, st.lists(st.lists(children, max_size=3), max_size=3)),
    )


json_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4)
    | _tagged(children),
    max_leaves=30,
)


@PROPERTY
@given(json_values)
def test_decoding_any_json_gives_a_value_or_a_codec_error(data):
    try:
        codec.decode(data)
    except codec.CodecError:
        pass


@PROPERTY
@given(st.binary(max_size=300) | st.builds(lambda v: json.dumps(v).encode(), json_values))
def test_loading_any_bytes_gives_a_value_or_a_codec_error(raw):
    try:
        codec.loads(raw)
    except codec.CodecError:
        pass


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than any recursion limit
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b'{"$device": "garbage"}',
        b'{"$float": "zero"}',
        b'{"$dict": [[[1], 2]]}',  # an unhashable key
        b'{"$dict": [1, 2]}',
        b'{"$size": ["a"]}',
        b'{"$tensor": {"dtype": "float32", "shape": [0, 1099511627777], "data": ""}}',
        b'{"$unknown": 1}',
        b'{"$a": 1, "b": 2}',
        b'{"x": ' + b"9" * 5000 + b"}",  # an int past Python's digit limit
        b"\xff\xfe",
    ],
)
def test_malformed_values_are_codec_errors(raw):
    with pytest.raises(codec.CodecError):
        codec.loads(raw)


def test_the_json_depth_is_bounded_before_parsing():
    with pytest.raises(ProtocolViolation, match="nested more than"):
        protocol.loads_json(b"[" * (protocol.MAX_JSON_DEPTH + 1) + b"]" * (protocol.MAX_JSON_DEPTH + 1))
    # Brackets inside strings are text, not nesting.
    assert protocol.loads_json(json.dumps("[" * 10_000).encode()) == "[" * 10_000
    # Also past escaped quotes and backslashes: the string does not end at \" or \\\".
    hidden = '\\"' + "[" * 5_000 + '\\\\"' + "{" * 5_000
    assert protocol.loads_json(json.dumps([hidden, hidden]).encode()) == [hidden, hidden]
    # ...and nesting outside strings between such strings still counts.
    deep = ("[" + json.dumps(hidden) + ",") * (protocol.MAX_JSON_DEPTH + 1) + "0" + "]" * (protocol.MAX_JSON_DEPTH + 1)
    with pytest.raises(ProtocolViolation, match="nested more than"):
        protocol.loads_json(deep.encode())


replies = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers() | json_values,
        "ok": st.booleans() | json_values,
        "value": json_values,
        "error": st.none() | json_values | st.fixed_dictionaries(
            {"kind": st.sampled_from(["exception", "exit", "bogus"]), "type": st.text(max_size=5),
             "message": st.text(max_size=5)},
            optional={"during": st.sampled_from(["import", "call", "later"])},
        ),
        "forbidden": st.lists(st.text(max_size=8), max_size=2) | json_values,
        "facts": json_values,
    },
)


@PROPERTY
@given(replies)
def test_parsing_any_reply_gives_a_reply_or_a_violation(data):
    try:
        reply = protocol.from_data(data, Reply)
    except ProtocolViolation:
        return
    assert isinstance(reply.id, int) and isinstance(reply.ok, bool)
    assert reply.error is None or reply.error.kind in ("not_implemented", "syntax_error", "exit", "exception", "missing_function")


class _FakeCell:
    """What a WorkerHandle needs of its cell: the worker is a socket we write into."""

    class spec:  # noqa: N801 - a stand-in for CellSpec
        tmp_root = "/nonexistent"

    def __init__(self) -> None:
        self.killed = 0

    def kill_worker(self, pid: int, pidfd: int | None) -> None:
        self.killed += 1

    def wait_exit(self, pid: int, wait_s: float = 0) -> None:
        return None


def _frames(reply_bytes: list[bytes]) -> bytes:
    return b"".join(struct.pack("!Q", len(b)) + b for b in reply_bytes)


def _ask(frames: bytes, forbid: tuple[str, ...] = ()) -> tuple[Reply | Exception, _FakeCell]:
    ours, theirs = socket.socketpair()
    cell = _FakeCell()
    handle = WorkerHandle(cell, 7, None, ours, deadline=time.monotonic() + 60)  # type: ignore[arg-type]

    def write() -> None:
        theirs.sendall(frames)
        theirs.shutdown(socket.SHUT_WR)  # no more frames: a missing reply is a closed channel, never a hang

    writer = threading.Thread(target=write)
    writer.start()
    try:
        outcome: Reply | Exception = handle.request(Request(id=0, op="call", function="f", forbid=forbid), "f()", "", MAX_MESSAGE_BYTES)
    except StudentCodeError as exc:
        outcome = exc
    ours.close()
    writer.join()
    theirs.close()
    return outcome, cell


@PROPERTY
@given(st.lists(replies.map(lambda d: json.dumps(d).encode()) | st.binary(max_size=50), max_size=3))
def test_the_client_turns_any_frames_into_a_reply_or_a_student_fault(frames):
    outcome, _cell = _ask(_frames(frames), forbid=("conv2d",))
    if isinstance(outcome, Reply):
        assert outcome.id == 1 and set(outcome.forbidden) <= {"conv2d"}
        if outcome.ok:
            try:
                codec.decode(outcome.value)
            except codec.CodecError:
                pass


@pytest.mark.parametrize(
    "frame, detail",
    [
        (b"[" * 100_000, "nested more than"),
        (b'{"id": 2, "ok": true, "value": 1}', "a reply to request 2, expected 1"),
        (b'{"id": 1, "ok": true, "value": 1, "facts": {"protections": []}}', "unknown field 'facts'"),
        (b'{"id": 1, "ok": true, "value": 1, "forbidden": ["secret"]}', "a report of 'secret'"),
        (b'{"id": 1, "ok": false, "error": {"kind": "grader_error", "type": "", "message": ""}}', "unknown value"),
        (b"\x00\x01", "not valid JSON"),
    ],
)
def test_an_unreadable_reply_is_the_students_fault_and_ends_the_worker(frame, detail):
    outcome, cell = _ask(_frames([frame]))
    assert isinstance(outcome, UnreadableResult)
    assert "your code sent the grader something it could not read" in outcome.message
    assert detail in outcome.message
    assert cell.killed


def test_a_well_formed_reply_is_read():
    value = codec.encode(torch.arange(3))
    outcome, cell = _ask(_frames([protocol.dumps(Reply(id=1, ok=True, value=value))]))
    assert isinstance(outcome, Reply) and torch.equal(codec.decode(outcome.value), torch.arange(3))
    assert not cell.killed


def test_a_submission_that_forges_frames_fails_its_own_checks_and_nothing_else(grade):
    from tests.conftest import FIXTURES, by_id
    from grader.models.results import CheckStatus

    result = grade("exercise_01", FIXTURES / "hostile" / "forges_reply_frames", timeout_s=5)
    checks = by_id(result)
    for name in ("corr2d_lecture_example", "corr2d_random"):
        assert checks[name].status is CheckStatus.ERROR
        assert checks[name].message == (
            "corr2d(): your code sent the grader something it could not read (nested more than 48 levels deep)"
        )
    assert not [c for c in result.checks if c.status is CheckStatus.GRADER_ERROR]
    assert result.points_earned == 16  # the next checks were not desynchronised


@pytest.mark.parametrize("raw", [b'"\\' * 200_000, b'"' + b'\\"' * 200_000, b'"' * 100_001])
def test_the_depth_check_is_linear_on_quotes_and_backslashes(raw):
    # Quadratic string matching would make this take minutes: a child could stall the grader.
    with pytest.raises(ProtocolViolation, match="not valid JSON"):
        protocol.loads_json(raw)
