"""Record what checks ask of the reference solution, and replay it where there is none.

A student kit holds no solution. Its public checks still receive a `reference`: a
`ReplayReference` that answers each call with the value recorded when the instructor
ran `grader release`. A call is keyed by the function's name and a digest of its
arguments, so the kit answers exactly the questions the instructor's run asked.

What a call may take and give, to be recordable:
  arguments  tensors, numbers, strings, None, devices, dtypes, lists/tuples/dicts of
             those, nn.Modules (class, mode and state), DataLoaders over TensorDatasets,
             optimizers (class and hyperparameters)
  result     plain data (as above, without modules), or an nn.Module: its parameters
             are stored, and each forward call the check then makes on it
  effects    a call that changes a module or tensor argument (`train(net, ...)`) has the
             arguments' new state stored and applied again on replay; the global torch
             RNG state after the call is restored too, so the check's later random draws
             are the same in the kit as in the instructor's course

Anything else raises NotRecordable, which `grader release` reports with the check's
name. The tape is stored with the sandbox codec (tagged JSON, tensors as raw bytes):
never a pickle, never code.
"""

from __future__ import annotations

import functools
import hashlib
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.sandbox import codec

TAPE_FILE = "reference.json"
TAPE_VERSION = 1


class NotRecordable(Exception):
    """A check's use of the reference cannot be recorded for a kit (names what and why)."""


class NotRecorded(Exception):
    """The kit has no recorded answer for this call: the check asked something new."""


_HYPERPARAMETERS = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps", "amsgrad", "alpha")


# -- digests ------------------------------------------------------------------------
def _feed(h: "hashlib._Hash", value: Any) -> None:
    """Feed a canonical, type-tagged form of `value` into the hash."""
    if value is None or isinstance(value, (bool, int, float, str)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, torch.Tensor):
        t = value.detach().to("cpu").contiguous()
        h.update(f"tensor:{t.dtype}:{tuple(t.shape)}:".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}[{len(value)}]".encode())
        for item in value:
            _feed(h, item)
    elif isinstance(value, dict):
        h.update(f"dict[{len(value)}]".encode())
        for key in sorted(value, key=repr):
            _feed(h, key)
            _feed(h, value[key])
    elif isinstance(value, (torch.device, torch.dtype)):
        h.update(f"{type(value).__name__}:{value};".encode())
    elif isinstance(value, nn.Module):
        h.update(f"module:{type(value).__name__}:{value.training}".encode())
        for name, tensor in value.state_dict().items():
            _feed(h, name)
            _feed(h, tensor)
    elif isinstance(value, DataLoader):
        if not isinstance(value.dataset, TensorDataset):
            raise NotRecordable(f"a DataLoader over a {type(value.dataset).__name__} (only TensorDataset)")
        h.update(f"loader:{value.batch_size}:{value.drop_last}:{type(value.sampler).__name__}".encode())
        generator = getattr(value.sampler, "generator", None)
        if generator is not None:
            _feed(h, generator.get_state())
        _feed(h, list(value.dataset.tensors))
    elif isinstance(value, torch.optim.Optimizer):
        h.update(f"optimizer:{type(value).__name__}".encode())
        for group in value.param_groups:
            # A fixed set of hyperparameters: newer torch versions add options with defaults,
            # which must not change the digest between the instructor's and a student's torch.
            _feed(h, {k: group[k] for k in _HYPERPARAMETERS if k in group})
            _feed(h, list(group["params"]))
    else:
        raise NotRecordable(f"an argument of type {type(value).__name__}")


def digest(*values: Any) -> str:
    h = hashlib.sha256()
    for value in values:
        _feed(h, value)
    return h.hexdigest()[:32]


def tensor_digests(value: Any) -> set[str]:
    """Digests of the tensors (of two or more elements) inside `value`."""
    found: set[str] = set()
    if isinstance(value, torch.Tensor):
        if value.numel() >= 2:
            found.add(digest(value))
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= tensor_digests(item)
    elif isinstance(value, dict):
        for item in value.values():
            found |= tensor_digests(item)
    return found


def _plain(value: Any, what: str) -> Any:
    """`value` if it is plain data the codec carries exactly; else NotRecordable."""
    if value is None or isinstance(value, (bool, int, float, str, torch.dtype, torch.device)):
        return value
    if isinstance(value, torch.Tensor):
        if type(value) is not torch.Tensor:
            raise NotRecordable(f"{what} returned a {type(value).__name__}")
        return value.detach().to("cpu").clone()
    if isinstance(value, (list, tuple)):
        items = [_plain(v, what) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _plain(v, what) for k, v in value.items()}
    raise NotRecordable(f"{what} returned a {type(value).__name__}, which a kit cannot carry")


# -- the tape -----------------------------------------------------------------------
@dataclass(frozen=True)
class RecordedAttribute:
    """A plain (not callable) attribute of the reference module, as the check read it."""

    name: str
    value: Any


@dataclass
class RecordedModule:
    """An nn.Module a reference call returned: its parameters, and the output of each
    forward call the check made on it, keyed by digest(training mode, inputs)."""

    parameters: list[torch.Tensor]
    forward: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordedCall:
    """One call of a reference function: what it returned (a value or a module), the new
    state of the arguments it changed (by position or keyword), and the torch RNG state
    it left when it drew random numbers."""

    name: str
    arguments: str  # digest(args, kwargs)
    changed: dict[str, Any] = field(default_factory=dict)
    rng: torch.Tensor | None = None
    result: Any = None
    module: RecordedModule | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.arguments


@dataclass
class Tape:
    """Recorded answers of one exercise's reference: its attributes and its calls."""

    attributes: dict[str, RecordedAttribute] = field(default_factory=dict)
    calls: dict[tuple[str, str], RecordedCall] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.attributes) + len(self.calls)

    def record(self, entry: RecordedAttribute | RecordedCall) -> None:
        if isinstance(entry, RecordedAttribute):
            self.attributes[entry.name] = entry
        else:
            self.calls[entry.key] = entry

    # The file keeps the layout kits have carried since version 1: one mapping of keys
    # ("attr:<name>", "call:<name>:<digest>") to plain entries, so older kits still load.
    def dumps(self) -> bytes:
        entries: dict[str, dict[str, Any]] = {}
        for attribute in self.attributes.values():
            entries[f"attr:{attribute.name}"] = {"result": attribute.value}
        for call in self.calls.values():
            entry: dict[str, Any] = {"changed": call.changed}
            if call.rng is not None:
                entry["rng"] = call.rng
            if call.module is not None:
                entry["module"] = {"parameters": call.module.parameters, "forward": call.module.forward}
            else:
                entry["result"] = call.result
            entries[f"call:{call.name}:{call.arguments}"] = entry
        return codec.dumps({"version": TAPE_VERSION, "entries": {k: entries[k] for k in sorted(entries)}})

    @classmethod
    def loads(cls, raw: bytes) -> "Tape":
        body = codec.loads(raw)
        if not isinstance(body, dict) or body.get("version") != TAPE_VERSION or not isinstance(body.get("entries"), dict):
            raise ValueError("not a reference tape of this grader version")
        tape = cls()
        for key, entry in body["entries"].items():
            kind, _, rest = str(key).partition(":")
            if kind == "attr":
                tape.record(RecordedAttribute(rest, entry["result"]))
            elif kind == "call":
                name, _, arguments = rest.rpartition(":")
                module = entry.get("module")
                tape.record(RecordedCall(
                    name, arguments, dict(entry["changed"]), entry.get("rng"), entry.get("result"),
                    RecordedModule(list(module["parameters"]), dict(module["forward"])) if module is not None else None,
                ))
            else:
                raise ValueError(f"a reference tape entry of unknown kind: {key!r}")
        return tape


def _state_after(args: tuple[Any, ...], kwargs: dict[str, Any], before: dict[str, str]) -> dict[str, Any]:
    """The new state of every module or tensor argument the call changed."""
    changed: dict[str, Any] = {}
    for slot, value in _mutable_arguments(args, kwargs):
        if digest(value) != before[slot]:
            if isinstance(value, nn.Module):
                changed[slot] = [t.detach().to("cpu").clone() for t in value.state_dict().values()]
            else:
                changed[slot] = value.detach().to("cpu").clone()
    return changed


def _mutable_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for index, value in enumerate(args):
        if isinstance(value, (nn.Module, torch.Tensor)):
            yield str(index), value
    for name, value in kwargs.items():
        if isinstance(value, (nn.Module, torch.Tensor)):
            yield name, value


def _apply_state(args: tuple[Any, ...], kwargs: dict[str, Any], changed: dict[str, Any]) -> None:
    slots = dict(_mutable_arguments(args, kwargs))
    with torch.no_grad():
        for slot, state in changed.items():
            target = slots[slot]
            if isinstance(target, nn.Module):
                for tensor, value in zip(target.state_dict().values(), state, strict=True):
                    tensor.copy_(value)
            else:
                target.copy_(state)


# -- recording (the instructor's run) --------------------------------------------------
class RecordingReference:
    """Wraps the reference module: every call is made for real and written to the tape."""

    def __init__(self, module: types.ModuleType, tape: Tape, student_values: set[str] | None = None) -> None:
        self._module = module
        self._tape = tape
        self._student_values = student_values if student_values is not None else set()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if not callable(value):
            self._tape.record(RecordedAttribute(name, _plain(value, name)))
            return value
        return lambda *args, **kwargs: self._call(name, value, args, kwargs)

    def _call(self, name: str, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if tensor_digests((args, kwargs)) & self._student_values:
            raise NotRecordable(
                f"the reference's {name}(...) was given a value the student's code returned; "
                "a student kit cannot know it in advance")
        call = RecordedCall(name, digest(args, kwargs))
        before = {slot: digest(value) for slot, value in _mutable_arguments(args, kwargs)}
        rng_before = torch.get_rng_state()
        result = function(*args, **kwargs)
        call.changed = _state_after(args, kwargs, before)
        rng_after = torch.get_rng_state()
        if not torch.equal(rng_before, rng_after):
            # Only a call that drew random numbers moves the RNG: only then is where it
            # left the RNG part of the answer (and the tape stays the same run to run).
            call.rng = rng_after
        if isinstance(result, nn.Module):
            module = call.module = RecordedModule([p.detach().clone() for p in result.parameters()])

            def remember(hooked: nn.Module, inputs: tuple[Any, ...], output: Any) -> None:
                module.forward[digest(hooked.training, inputs)] = _plain(output, f"{name}()(...)")

            result.register_forward_hook(remember)
        else:
            call.result = _plain(result, f"{name}(...)")
        self._tape.record(call)
        return result


# -- replay (the student's kit) --------------------------------------------------------
class ReplayModule(nn.Module):
    """Stands in for a module the reference built: its parameters, and the outputs of
    the forward calls the instructor's run made."""

    def __init__(self, what: str, parameters: list[torch.Tensor], forward: dict[str, Any]) -> None:
        super().__init__()
        self._what = what
        self.weights = nn.ParameterList([nn.Parameter(p.clone()) for p in parameters])
        self._forward = forward

    def forward(self, *inputs: Any) -> Any:
        key = digest(self.training, inputs)
        if key not in self._forward:
            raise NotRecorded(f"{self._what}(...) was never called with these inputs when the kit was released")
        output = self._forward[key]
        return output.clone() if isinstance(output, torch.Tensor) else output


class ReplayReference:
    """The kit's `reference`: answers from the tape; a question it never heard raises NotRecorded."""

    def __init__(self, tape: Tape, exercise_id: str) -> None:
        self._tape = tape
        self._exercise_id = exercise_id

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._tape.attributes:
            return self._tape.attributes[name].value
        return lambda *args, **kwargs: self._call(name, args, kwargs)

    def _call(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        call = self._tape.calls.get((name, digest(args, kwargs)))
        if call is None:
            raise NotRecorded(
                f"the reference's {name}(...) was never called with these arguments when "
                f"{self._exercise_id} was released"
            )
        _apply_state(args, kwargs, call.changed)
        if call.rng is not None:
            torch.set_rng_state(call.rng)
        if call.module is not None:
            return ReplayModule(name, call.module.parameters, call.module.forward)
        return _copy(call.result)


# -- remembered (a batch's worker) -----------------------------------------------------
class RememberingReference:
    """The reference with each call's answer remembered, for the life of the process.

    A batch worker grades hundreds of submissions with the same checks, which ask the
    reference the same questions each time (train it on a seeded problem, simulate
    each classic mistake): answered once, replayed after. A call is remembered only when
    replaying it is exact: a plain function, given only what the tape digests (plain
    data, tensors, modules), leaving nothing changed but its module and tensor arguments'
    values (replayed, as on a kit), and answering plain data on the CPU without autograd.
    The key is the arguments' digest and the torch RNG state at the call, so a check
    whose random draws differ from one submission to the next asks a new question.
    Anything else is called for real each time. At most `max_calls` answers are kept,
    the least recently used going first (a call given a student's value is new every
    time; the common questions stay)."""

    def __init__(self, reference: Any, calls: dict[tuple[str, str], RecordedCall], max_calls: int = 256) -> None:
        self._reference = reference
        self._calls = calls
        self._max_calls = max_calls

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._reference, name)
        if not isinstance(value, types.FunctionType):
            return value  # classes, constants, modules: as they are

        @functools.wraps(value)  # inspect.signature() still reads the function's own
        def remembered(*args: Any, **kwargs: Any) -> Any:
            return self._call(name, value, args, kwargs)
        return remembered

    def _call(self, name: str, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            if not _replayable((args, kwargs)):
                return function(*args, **kwargs)
            rng = torch.get_rng_state()
            key = (name, digest(args, kwargs, rng))
        except NotRecordable:
            return function(*args, **kwargs)
        known = self._calls.pop(key, None)
        if known is not None:
            self._calls[key] = known  # the most recently used: the last to go
            _apply_state(args, kwargs, known.changed)
            if known.rng is not None:
                torch.set_rng_state(known.rng)
            return _copy(known.result)
        before = {slot: digest(value) for slot, value in _mutable_arguments(args, kwargs)}
        shape, modes = _frame(args, kwargs), _modes(args, kwargs)
        result = function(*args, **kwargs)
        if not _replayable(result, modules=False) or _frame(args, kwargs) != shape or _modes(args, kwargs) != modes:
            return result
        rng_after = torch.get_rng_state()
        call = RecordedCall(name, key[1], _state_after(args, kwargs, before),
                            None if torch.equal(rng, rng_after) else rng_after, _plain(result, name))
        if len(self._calls) >= self._max_calls:
            self._calls.pop(next(iter(self._calls)))
        self._calls[key] = call
        return result


def _replayable(value: Any, modules: bool = True) -> bool:
    """Plain data, CPU tensors without autograd, and (`modules`: in arguments) modules:
    what a remembered call may take or give."""
    if value is None or isinstance(value, (bool, int, float, str, torch.dtype, torch.device)):
        return True
    if isinstance(value, torch.Tensor):
        return type(value) is torch.Tensor and value.device.type == "cpu" and not value.requires_grad
    if isinstance(value, (list, tuple)):
        return all(_replayable(v, modules) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _replayable(v, modules) for k, v in value.items())
    # An argument's values are digested and their changes replayed; a module answered is not plain data.
    return modules and isinstance(value, nn.Module)


def _frame(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The digest of the arguments but the module and tensor ones (whose changes are
    replayed): a call that changes anything else, such as a tensor inside a list it was
    given, is not replayed."""
    def blank(value: Any) -> Any:
        return f"<{type(value).__name__}>" if isinstance(value, (nn.Module, torch.Tensor)) else value
    return digest([blank(v) for v in args], {k: blank(v) for k, v in kwargs.items()})


def _modes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[bool]:
    """Train or eval, of every module argument's submodules (a call that switches one is not replayed)."""
    return [m.training for _, value in _mutable_arguments(args, kwargs) if isinstance(value, nn.Module)
            for m in value.modules()]


def _copy(value: Any) -> Any:
    """Checks may change what they are given: hand out copies, keep the tape intact."""
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


def load_tape(check_dir: Path) -> Tape:
    path = check_dir / TAPE_FILE
    if not path.is_file():
        return Tape()
    return Tape.loads(path.read_bytes())


__all__ = [
    "NotRecordable",
    "NotRecorded",
    "RecordedAttribute",
    "RecordedCall",
    "RecordedModule",
    "RecordingReference",
    "RememberingReference",
    "ReplayModule",
    "ReplayReference",
    "TAPE_FILE",
    "Tape",
    "digest",
    "load_tape",
    "tensor_digests",
]

