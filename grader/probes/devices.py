"""Check device discipline the same way on every machine, GPU or not.

Real CUDA refuses to mix tensors from two devices; on a CPU-only machine nothing
refuses, so a loop that forgets `.to(device)` would pass unnoticed. Here the
grader hands the student's loop batches whose tensors refuse to take part in any
computation until moved with `.to(device)`, and a model that refuses to run until
`model.to(device)` was called. The first refusal names what was not moved. A move
to another device than the one the loop was given (`.to("cuda")` written out,
`.cuda()`) is refused too: it works on one kind of machine and crashes on the other.

The guarded device is always the CPU, on every machine, so that a submission gets
the same points and messages on a laptop and on a GPU server. Runs in the child only.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

import torch
from torch import nn

CPU = torch.device("cpu")

class WrongDevice(RuntimeError):
    """A tensor or the model was moved somewhere other than the device the loop was given."""

    def __init__(self, target: str, given: str) -> None:
        super().__init__(f"moved to {target}, not to the device it was given ({given})")
        self.target = target
        self.given = given


class NotOnDevice(RuntimeError):
    """Raised inside the student's loop; the probe turns it into data."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__(
            f"{' and '.join(roles)} not moved to the device: Expected all tensors to be on the same device"
        )
        self.roles = roles


def target_device(args: tuple[Any, ...], kwargs: dict[str, Any]) -> torch.device | None:
    """The device a `.to(...)` call names (its arguments after self), None for a dtype only."""
    if kwargs.get("device") is not None:
        return torch.device(kwargs["device"])
    for arg in args:
        if isinstance(arg, bool):
            continue
        if isinstance(arg, torch.device):
            return arg
        if isinstance(arg, str):
            return torch.device(arg)
        if isinstance(arg, int):
            return torch.device("cuda", arg)  # .to(0) means cuda:0
        if isinstance(arg, torch.Tensor):
            return arg.device
    return None


def _refuse_other_device(target: torch.device, given: torch.device) -> None:
    if target.type != given.type or (None not in (target.index, given.index) and target.index != given.index):
        raise WrongDevice(str(target), str(given))


class GuardedTensor(torch.Tensor):
    """A CPU tensor standing in for one on the wrong device until `.to(device)` is called."""

    _grader_role: str
    _grader_device: torch.device

    @staticmethod
    def wrap(data: torch.Tensor, role: str, device: torch.device) -> "GuardedTensor":
        guarded = data.as_subclass(GuardedTensor)
        guarded._grader_role = role
        guarded._grader_device = device
        return guarded

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        items = list(_flatten(args, kwargs))
        guarded = [a for a in items if isinstance(a, GuardedTensor)]
        roles = sorted({a._grader_role for a in guarded})
        if func is torch.Tensor.to:
            target = target_device(args[1:], kwargs)
            if target is not None:
                _refuse_other_device(target, args[0]._grader_device)
                return args[0].as_subclass(torch.Tensor).to(*args[1:], **kwargs)
        if func is torch.Tensor.cuda:
            raise NotOnDevice(["cuda()"])  # ignores the device it was given
        # Like real devices: tensors "on the other device" compute among themselves (views,
        # dtype casts, .item()), and a 0-dim plain tensor may join them; a tensor on the
        # device may not.
        mixed = any(
            isinstance(a, torch.Tensor) and not isinstance(a, GuardedTensor) and a.dim() > 0 for a in items
        )
        if mixed:
            raise NotOnDevice(roles or ["a tensor"])
        with torch._C.DisableTorchFunctionSubclass():
            result = func(*args, **kwargs)
        return _rewrap(result, "+".join(roles), guarded[0]._grader_device if guarded else CPU)


def _rewrap(value: Any, role: str, device: torch.device) -> Any:
    if isinstance(value, torch.Tensor) and not isinstance(value, GuardedTensor):
        return GuardedTensor.wrap(value, role, device)
    if type(value) is tuple:  # exactly: torch.Size and named tuples stay as they are
        return tuple(_rewrap(v, role, device) for v in value)
    return value


def _flatten(args: Any, kwargs: dict[str, Any]) -> Iterator[Any]:
    stack = [*args, *kwargs.values()]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        else:
            yield item


class GuardedLoader:
    """Iterates like a DataLoader over (inputs, targets) batches of guarded tensors."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, device: torch.device = CPU) -> None:
        self.batches = [(xb, yb) for xb, yb in zip(x.split(batch_size), y.split(batch_size))]
        self.dataset = list(zip(x, y))
        self.batch_size = batch_size
        self.device = device

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for xb, yb in self.batches:
            yield (GuardedTensor.wrap(xb.clone(), "inputs", self.device),
                   GuardedTensor.wrap(yb.clone(), "targets", self.device))

    def __len__(self) -> int:
        return len(self.batches)


def guard_model(model: nn.Module, device: torch.device = CPU) -> dict[str, bool]:
    """Make `model` refuse to run until `model.to(device)` was called on it."""
    state = {"moved": False}
    original_to = model.to

    def to(*args: Any, **kwargs: Any) -> nn.Module:
        target = target_device(args, kwargs)
        if target is not None:
            _refuse_other_device(target, device)
            state["moved"] = True
        return original_to(*args, **kwargs)

    def check(_module: nn.Module, inputs: tuple[Any, ...]) -> None:
        roles = [] if state["moved"] else ["model"]
        roles += sorted({a._grader_role for a in _flatten(inputs, {}) if isinstance(a, GuardedTensor)})
        if roles:
            raise NotOnDevice(roles)

    def cuda(*_args: Any, **_kwargs: Any) -> nn.Module:
        raise NotOnDevice(["cuda()"])

    model.to = to  # type: ignore[method-assign]
    model.cuda = cuda  # type: ignore[method-assign]
    model.register_forward_pre_hook(check)
    return state


def run_guarded(call: Any) -> dict[str, Any]:
    """Run `call()`; a refusal becomes {"not_moved": [...]} or {"wrong_device": ...}
    instead of an exception."""
    try:
        return {"returned": call()}
    except NotOnDevice as refusal:
        return {"not_moved": refusal.roles}
    except WrongDevice as refusal:
        return {"wrong_device": refusal.target, "given": refusal.given}


def first_steps_refused(train_epoch: Any, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
                        batch_size: int, steps: int = 2) -> dict[str, Any] | None:
    """Before a training check trains for real: run `train_epoch` over `steps` guarded
    batches, on a copy of `model`, with the CPU as the device it is given.

    On a GPU a loop that forgets `targets.to(device)` crashes at its first batch; on a
    CPU it would train and pass. Refusing it here, the same way on both, gives every
    machine the GPU's verdict. The model is not guarded: the training checks move it
    themselves. Returns the refusal (as `run_guarded` does), or None when the batches
    were moved. The random state is restored, so the real training is unchanged.
    """
    trial = copy.deepcopy(model).to(CPU)
    loader = GuardedLoader(x[: steps * batch_size], y[: steps * batch_size], batch_size, CPU)
    with torch.random.fork_rng(devices=[]):
        optimizer = torch.optim.SGD(trial.parameters(), lr=0.0)
        outcome = run_guarded(lambda: train_epoch(trial, loader, optimizer, nn.CrossEntropyLoss(), CPU))
    return None if "returned" in outcome else outcome
