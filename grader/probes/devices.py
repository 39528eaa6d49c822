"""Check device discipline on a machine without a GPU.

Real CUDA refuses to mix tensors from two devices; on a CPU-only machine nothing
refuses, so a loop that forgets `.to(device)` would pass unnoticed. Here the
grader hands the student's loop batches whose tensors refuse to take part in any
computation until moved with `.to(device)`, and a model that refuses to run until
`model.to(device)` was called. The first refusal names what was not moved.
Runs in the child only.
"""

from __future__ import annotations

from typing import Any, Iterator

import torch
from torch import nn

class NotOnDevice(RuntimeError):
    """Raised inside the student's loop; the probe turns it into data."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__(
            f"{' and '.join(roles)} not moved to the device: Expected all tensors to be on the same device"
        )
        self.roles = roles


def _is_move(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Does this Tensor.to(...) call name a device (rather than only a dtype)?"""
    if "device" in kwargs:
        return True
    return any(isinstance(a, (torch.device, str, int)) and not isinstance(a, bool) or isinstance(a, torch.Tensor)
               for a in args[1:])


class GuardedTensor(torch.Tensor):
    """A CPU tensor standing in for one on the wrong device until `.to(device)` is called."""

    _grader_role: str

    @staticmethod
    def wrap(data: torch.Tensor, role: str) -> "GuardedTensor":
        guarded = data.as_subclass(GuardedTensor)
        guarded._grader_role = role
        return guarded

    @classmethod
    def __torch_function__(cls, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        items = list(_flatten(args, kwargs))
        roles = sorted({a._grader_role for a in items if isinstance(a, GuardedTensor)})
        if func is torch.Tensor.to and _is_move(args, kwargs):
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
        return _rewrap(result, "+".join(roles))


def _rewrap(value: Any, role: str) -> Any:
    if isinstance(value, torch.Tensor) and not isinstance(value, GuardedTensor):
        return GuardedTensor.wrap(value, role)
    if type(value) is tuple:  # exactly: torch.Size and named tuples stay as they are
        return tuple(_rewrap(v, role) for v in value)
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

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int) -> None:
        self.batches = [(xb, yb) for xb, yb in zip(x.split(batch_size), y.split(batch_size))]
        self.dataset = list(zip(x, y))
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for xb, yb in self.batches:
            yield GuardedTensor.wrap(xb.clone(), "inputs"), GuardedTensor.wrap(yb.clone(), "targets")

    def __len__(self) -> int:
        return len(self.batches)


def guard_model(model: nn.Module) -> dict[str, bool]:
    """Make `model` refuse to run until `model.to(device)` (or .cuda()) was called on it."""
    state = {"moved": False}
    original_to = model.to

    def to(*args: Any, **kwargs: Any) -> nn.Module:
        if "device" in kwargs or any(isinstance(a, (torch.device, str, int)) and not isinstance(a, bool) for a in args):
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
    """Run `call()`; a refusal becomes {"not_moved": [...]} instead of an exception."""
    try:
        return {"returned": call()}
    except NotOnDevice as refusal:
        return {"not_moved": refusal.roles}
