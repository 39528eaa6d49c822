"""The protocol's records survive the wire, and anything else is refused by name."""

from __future__ import annotations

import pytest

from grader.sandbox import protocol
from grader.sandbox.protocol import (
    CellReady, CellSpec, Cleared, ErrorReport, Exited, KillWorker, Limits, OpenCell, ProtocolViolation, Reply, Request,
    SourceLine, SpawnWorker, WorkerSpawned, WorkerSpec,
)

LIMITS = Limits(timeout_s=2.5, cpu_s=None, memory_mb=512, file_mb=8, processes=16)
RECORDS = [
    (OpenCell(3, CellSpec(tmp_root="/tmp/g", submission_dir="/s", hide=("/c/solutions",), preload=("torch._dynamo",))),
     protocol.OpenCell),
    (SpawnWorker(1, WorkerSpec("exercise_01.py", "exercise_01", LIMITS)), protocol.ToCell),
    (KillWorker(9), protocol.ToCell),
    (CellReady(("network", "filesystem"), ("a note",)), protocol.FromCell),
    (WorkerSpawned(1, 2), protocol.FromCell),
    (Exited(2, code=None, signal=11), protocol.FromCell),
    (Cleared(2), protocol.FromCell),
    (Request(1, "call", function="corr2d", args=[1, {"$tuple": [2]}], forbid=("conv2d",)), Request),
    (Reply(1, False, error=ErrorReport("not_implemented", "NotImplementedError", "", during="call")), Reply),
    # Where an error is travels as data (the grading process words it in the student's language).
    (Reply(1, False, error=ErrorReport("syntax_error", "SyntaxError", "expected ':'",
                                       where=(SourceLine(3, "def corr2d(x, k)", "", 2, 7),), during="import")), Reply),
]


@pytest.mark.parametrize("record, expected", RECORDS, ids=[type(r).__name__ for r, _ in RECORDS])
def test_records_survive_the_wire(record, expected):
    assert protocol.parse(protocol.dumps(record), expected) == record


def test_a_line_of_an_error_report_must_be_data():
    reply = {"id": 1, "ok": False, "error": {"kind": "exception", "type": "ValueError", "message": "boom",
                                              "where": [{"line": "3; rm -rf /"}]}}
    with pytest.raises(ProtocolViolation) as refused:
        protocol.from_data(reply, Reply)
    assert str(refused.value) == "message.error.where.line: expected int"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"msg": "exited", "pid": "7"}, "message.pid: expected int"),
        ({"msg": "hello", "pid": 7}, "message: unexpected value"),
        ({"id": 1, "op": "shell"}, "message.op: unknown value 'shell'"),
        ({"id": 1}, "message: missing field 'op'"),
        ({"id": 1, "op": "import", "extra": 1}, "message: unknown field 'extra'"),
        ({"id": True, "op": "import"}, "message.id: expected int"),
        ({"id": 1, "op": "call", "forbid": "conv2d"}, "message.forbid: expected a list"),
    ],
)
def test_anything_else_is_refused_by_name(data, message):
    expected = protocol.FromCell if "msg" in data else Request
    with pytest.raises(ProtocolViolation) as refused:
        protocol.from_data(data, expected)
    assert str(refused.value) == message
