"""Record which torch functions student code actually calls. Child side only.

A TorchFunctionMode sees every call into torch's Python API while it is active,
however it was reached: `F.conv2d`, `nn.Conv2d` (whose forward calls F.conv2d),
`getattr(F, "unf" + "old")`, `torch._C._nn.im2col`, `torch.ops.aten.convolution`.
(We use a function mode rather than a dispatch mode: entering a dispatch mode
imports torch._dynamo, ~1 s per process.) A determined student can leave the mode
inside their function; the security model (docs/security.md) says so.

Names are recorded as the function's name; tensor methods get a `Tensor.` prefix
(so the allowed `x.unfold` never matches the forbidden `F.unfold`), and operator
overloads their packet name (`aten.convolution`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from grader.i18n import N_, tr

_FRIENDLY = {
    "conv": N_("a torch convolution (F.conv2d / nn.Conv2d / torch.conv2d)"),
    "max_pool": N_("torch's max pooling (F.max_pool2d / nn.MaxPool2d)"),
    "avg_pool": N_("torch's average pooling (F.avg_pool2d / nn.AvgPool2d)"),
    "adaptive": N_("torch's adaptive pooling (F.adaptive_*_pool2d)"),
    "unfold": N_("torch's im2col (F.unfold / nn.Unfold)"),
    "im2col": N_("torch's im2col (F.unfold / nn.Unfold)"),
}


def function_name(func: Any) -> str:
    """The name a forbid-list uses for `func`."""
    if isinstance(func, (torch._ops.OpOverload, torch._ops.OpOverloadPacket)):
        text = str(func)
        return text.rsplit(".", 1)[0] if isinstance(func, torch._ops.OpOverload) else text
    name = getattr(func, "__name__", None) or type(func).__name__
    owner = getattr(func, "__objclass__", None)
    qualname = getattr(func, "__qualname__", "") or ""
    is_method = owner is not None and isinstance(owner, type) and issubclass(owner, torch._C.TensorBase)
    if is_method or qualname.startswith(("Tensor.", "TensorBase.")):
        return f"Tensor.{name}"
    return name


def friendly(name: str) -> str:
    bare = name.split(".")[-1].lstrip("_")
    for prefix, text in _FRIENDLY.items():
        if bare.startswith(prefix):
            return f"{tr(text)} [{name}]"
    return name


class OperatorSpy(TorchFunctionMode):
    """Passes every call through and remembers those named in `watch`."""

    def __init__(self, watch: frozenset[str]) -> None:
        super().__init__()
        self.watch = watch
        self.seen: list[str] = []

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = function_name(func)
        if name in self.watch and name not in self.seen:
            self.seen.append(name)
        return func(*args, **(kwargs or {}))


def describe(names: list[str]) -> list[str]:
    return [friendly(name) for name in names]
