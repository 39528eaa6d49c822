"""Record which torch operators student code actually executes. Child side only.

Works at the ATen level (below every Python alias), so `F.conv2d`, `nn.Conv2d`,
`torch.conv2d` and `torch._C._nn...` are all seen as `aten.convolution`, however the
student reached them. A determined student can pop the mode inside their function;
the README's security model says so.
"""

from __future__ import annotations

from typing import Any

from torch.utils._python_dispatch import TorchDispatchMode

# What each forbidden ATen op means to a student, for the message.
FRIENDLY_NAMES: dict[str, str] = {
    "aten.convolution": "a torch convolution (F.conv2d / nn.Conv2d / torch.conv2d)",
    "aten._convolution": "a torch convolution (F.conv2d / nn.Conv2d / torch.conv2d)",
    "aten.conv2d": "a torch convolution (F.conv2d / nn.Conv2d / torch.conv2d)",
    "aten.max_pool2d_with_indices": "torch's max pooling (F.max_pool2d / nn.MaxPool2d)",
    "aten.max_pool2d": "torch's max pooling (F.max_pool2d / nn.MaxPool2d)",
    "aten.avg_pool2d": "torch's average pooling (F.avg_pool2d / nn.AvgPool2d)",
    "aten.adaptive_max_pool2d": "torch's adaptive max pooling (F.adaptive_max_pool2d)",
    "aten._adaptive_avg_pool2d": "torch's adaptive average pooling (F.adaptive_avg_pool2d)",
    "aten.adaptive_avg_pool2d": "torch's adaptive average pooling (F.adaptive_avg_pool2d)",
    "aten.im2col": "torch's im2col (F.unfold / nn.Unfold)",
}


class OperatorSpy(TorchDispatchMode):
    """Passes every op through and remembers those named in `watch`."""

    def __init__(self, watch: frozenset[str]) -> None:
        super().__init__()
        self.watch = watch
        self.seen: list[str] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = str(getattr(func, "overloadpacket", func))
        if name in self.watch and name not in self.seen:
            self.seen.append(name)
        return func(*args, **(kwargs or {}))


def describe(op_names: list[str]) -> list[str]:
    return [FRIENDLY_NAMES.get(name, name) for name in op_names]
