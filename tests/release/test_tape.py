"""Record a reference's answers, replay them without it: values, modules, effects, RNG."""

from __future__ import annotations

import types

import pytest
import torch
from torch import nn, optim

from grader.engine.tape import (
    NotRecordable,
    NotRecorded,
    RecordingReference,
    ReplayReference,
    Tape,
    digest,
)
from grader.probes.training import loader


def _solution() -> types.ModuleType:
    module = types.ModuleType("solution")

    def double(x):
        return x * 2

    def make_net():
        return nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))

    def train_epoch(model, batches, optimizer, criterion):
        total = 0.0
        for x, y in batches:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
        return total

    def handle():
        return open  # not data

    module.double, module.make_net, module.train_epoch, module.handle = double, make_net, train_epoch, handle
    module.SIZE = 7
    return module


def _roundtrip(tape: Tape) -> Tape:
    return Tape.loads(tape.dumps())


def test_a_plain_call_replays_its_value():
    tape = Tape()
    x = torch.arange(4.0)
    assert torch.equal(RecordingReference(_solution(), tape).double(x), x * 2)
    replay = ReplayReference(_roundtrip(tape), "ex")
    assert torch.equal(replay.double(torch.arange(4.0)), x * 2)
    with pytest.raises(NotRecorded, match="double"):
        replay.double(torch.arange(5.0))


def test_constants_replay():
    tape = Tape()
    assert RecordingReference(_solution(), tape).SIZE == 7
    assert ReplayReference(_roundtrip(tape), "ex").SIZE == 7


def test_a_built_module_replays_its_parameters_forward_calls_and_the_rng():
    tape = Tape()
    torch.manual_seed(3)
    net = RecordingReference(_solution(), tape).make_net()
    x = torch.randn(2, 3)  # depends on the draws make_net made
    net.eval()
    with torch.no_grad():
        expected = net(x)
    weights = [p.detach().clone() for p in net.parameters()]

    torch.manual_seed(3)
    replayed = ReplayReference(_roundtrip(tape), "ex").make_net()
    x_again = torch.randn(2, 3)
    assert torch.equal(x_again, x)  # the RNG is where the real call left it
    assert all(torch.equal(a, b.detach()) for a, b in zip(weights, replayed.parameters()))
    replayed.eval()
    with torch.no_grad():
        assert torch.equal(replayed(x_again), expected)
    replayed.train()  # a different mode is a different question
    with pytest.raises(NotRecorded):
        replayed(x_again)


def test_a_call_that_changes_its_arguments_changes_them_again_on_replay():
    def setup():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 2))
        optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        data = loader(torch.randn(6, 3), torch.randint(0, 2, (6,)), 4)
        return model, optimizer, data

    tape = Tape()
    model, optimizer, data = setup()
    before = [p.detach().clone() for p in model.parameters()]
    loss = RecordingReference(_solution(), tape).train_epoch(model, data, optimizer, nn.CrossEntropyLoss())
    after = [p.detach().clone() for p in model.parameters()]
    assert not torch.equal(before[0], after[0])

    model2, optimizer2, data2 = setup()
    replayed = ReplayReference(_roundtrip(tape), "ex").train_epoch(model2, data2, optimizer2, nn.CrossEntropyLoss())
    assert replayed == loss
    assert all(torch.equal(a, b.detach()) for a, b in zip(after, model2.parameters()))


def test_what_cannot_be_carried_is_refused_by_name():
    with pytest.raises(NotRecordable, match="builtin_function_or_method"):
        RecordingReference(_solution(), Tape()).handle()
    with pytest.raises(NotRecordable, match="argument of type object"):
        digest(object())


def test_digests_tell_values_dtypes_and_containers_apart():
    assert digest(torch.tensor([1.0])) != digest(torch.tensor([1.0], dtype=torch.float64))
    assert digest([1, 2]) != digest((1, 2))
    assert digest(1) != digest(1.0) and digest(True) != digest(1)
    assert digest(torch.tensor(2.0)) == digest(torch.tensor(2.0))


def test_the_tape_is_plain_tagged_json_and_byte_stable():
    tape = Tape()
    recorder = RecordingReference(_solution(), tape)
    recorder.double(torch.ones(2))
    recorder.double(torch.zeros(3))
    raw = tape.dumps()
    assert raw.startswith(b"{") and b"pickle" not in raw
    assert _roundtrip(tape).dumps() == raw


def test_a_value_the_student_returned_cannot_be_a_recorded_question():
    tape = Tape()
    students_answer = torch.tensor([1.0, 2.0, 3.0])
    from grader.engine.tape import tensor_digests

    recorder = RecordingReference(_solution(), tape, tensor_digests({"returned": [students_answer]}))
    with pytest.raises(NotRecordable, match="student's code returned"):
        recorder.double(students_answer.clone())
    assert torch.equal(recorder.double(torch.tensor([1.0, 2.0])), torch.tensor([2.0, 4.0]))


def test_entries_are_typed_and_a_version_1_file_still_loads():
    from grader.engine.tape import RecordedAttribute, RecordedCall, digest
    from grader.sandbox import codec

    x = torch.arange(3.0)
    # A tape as kits released before typed entries wrote it: the layout has not changed.
    raw = codec.dumps({"version": 1, "entries": {
        "attr:SIZE": {"result": 7},
        f"call:double:{digest((x,), {})}": {"changed": {}, "result": x * 2},
    }})
    tape = Tape.loads(raw)
    assert tape.attributes == {"SIZE": RecordedAttribute("SIZE", 7)}
    [call] = tape.calls.values()
    assert isinstance(call, RecordedCall) and call.name == "double" and call.rng is None and call.module is None
    assert torch.equal(ReplayReference(tape, "ex").double(torch.arange(3.0)), x * 2)
    assert tape.dumps() == raw and len(tape) == 2
    with pytest.raises(ValueError, match="unknown kind"):
        Tape.loads(codec.dumps({"version": 1, "entries": {"code:x": {}}}))
