"""Describe a student's nn.Module from what its forward pass actually executes."""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from grader.sandbox.tracing import function_name

# Torch functions -> the layer kind a student would name. Seen through a function mode,
# so nn.ReLU, F.relu, torch.relu and x.relu() all count as "relu", and nn.Linear,
# F.linear and x @ W.T as "linear". (A function mode, not a dispatch mode: entering a
# dispatch mode imports torch._dynamo, about a second per worker.)
_KINDS: dict[str, str] = {
    "linear": "linear",
    "matmul": "linear",
    "mm": "linear",
    "addmm": "linear",
    "conv2d": "conv",
    "convolution": "conv",
    "relu": "relu",
    "max_pool2d": "maxpool",
    "max_pool2d_with_indices": "maxpool",
    "softmax": "softmax",
    "log_softmax": "log_softmax",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
}
_RECENT = 32  # how many earlier results an operation's output is compared with
_POOL_SIZES = (2, 3, 4)


def layer_kind(func: Any) -> str | None:
    return _KINDS.get(function_name(func).removeprefix("Tensor.").strip("_"))


def _floats(values: Any) -> list[torch.Tensor]:
    return [v for v in values if isinstance(v, torch.Tensor) and v.is_floating_point()]


def computed_kind(out: torch.Tensor, earlier: list[torch.Tensor]) -> str | None:
    """The layer an operation's result *is*, judged by value against earlier results:
    relu(t) (whatever the spelling: clamp(min=0), torch.maximum(x, 0), x * (x > 0),
    torch.where) or a max pooling of t. A result equal to an earlier one (a view, a
    copy) is no new layer."""
    if not isinstance(out, torch.Tensor) or not out.is_floating_point():
        return None
    same_shape = [t for t in earlier if t.shape == out.shape]
    if any(torch.equal(t, out) for t in same_shape):
        return None
    if any(bool((t < 0).any()) and torch.equal(t.clamp_min(0), out) for t in same_shape):
        return "relu"
    if out.dim() == 4:
        for t in earlier:
            if t.dim() == 4 and t.shape[:2] == out.shape[:2]:
                for k in _POOL_SIZES:
                    if (t.shape[2] // k, t.shape[3] // k) == tuple(out.shape[2:]) and torch.equal(
                        torch.nn.functional.max_pool2d(t, k), out
                    ):
                        return "maxpool"
    return None


class LayerTrace(TorchFunctionMode):
    """Records the kinds of layer functions executed, in order: by name where torch's
    own function says what it is, else by what the operation computed (computed_kind).
    Linear operations also record their (inputs, outputs) sizes."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[str] = []
        self.linear_sizes: list[list[int]] = []
        self._earlier: list[torch.Tensor] = []

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kind = layer_kind(func)
        # In-place operations change their input: remember it as it was.
        inputs = [t.detach().clone() for t in _floats(args)] if kind is None else []
        out = func(*args, **(kwargs or {}))
        if kind is None:
            kind = computed_kind(out, [*self._earlier, *inputs])
        if kind is not None:
            self.kinds.append(kind)
            if kind == "linear" and isinstance(out, torch.Tensor) and args and isinstance(args[0], torch.Tensor):
                self.linear_sizes.append([int(args[0].shape[-1]), int(out.shape[-1]) if out.dim() else 1])
        if isinstance(out, torch.Tensor) and out.is_floating_point():
            self._earlier = [*self._earlier, *inputs, out.detach().clone()][-_RECENT:]
        return out


def example_input(shape: list[int], seed: int = 0) -> torch.Tensor:
    """A seeded input with both signs, so what an operation computes tells what it is
    (on zeros, many operations agree with a ReLU)."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def describe_layer(name: str, module: nn.Module) -> dict[str, Any]:
    info: dict[str, Any] = {"name": name, "type": type(module).__name__}
    if isinstance(module, nn.Linear):
        info.update({"in": module.in_features, "out": module.out_features, "bias": module.bias is not None})
    elif isinstance(module, nn.Conv2d):
        info.update(
            {
                "in": module.in_channels,
                "out": module.out_channels,
                "kernel": list(module.kernel_size),
                "stride": list(module.stride),
                "padding": list(module.padding) if isinstance(module.padding, tuple) else str(module.padding),
            }
        )
    elif isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        info["kernel"] = module.kernel_size
    return info


def build(student: Any, factory: str, seed: int = 0) -> Any:
    """Call the student's function or class `factory` (seeded, so builds are repeatable)."""
    torch.manual_seed(seed)
    return getattr(student, factory)()


def describe(model: Any, example: torch.Tensor) -> dict[str, Any]:
    """The module as data: its registered layers, the leaf modules forward called (in
    order), the layer operators it executed, its parameter count and output shape."""
    if not isinstance(model, nn.Module):
        return {"is_module": False, "type": type(model).__name__}
    called: list[dict[str, Any]] = []
    names = {id(m): n for n, m in model.named_modules()}
    hooks = []
    for name, module in model.named_modules():
        if name and not list(module.children()):
            hooks.append(module.register_forward_hook(
                lambda m, _i, _o: called.append(describe_layer(names.get(id(m), "?"), m))
            ))
    trace = LayerTrace()
    model.eval()
    try:
        with torch.no_grad(), trace:
            out = model(example)
    finally:
        for hook in hooks:
            hook.remove()
    with torch.no_grad():
        # In eval mode a network computes a function: a second call agrees unless
        # randomness was left on (F.dropout's training=True default).
        again = model(example)
    return {
        "repeatable": not (isinstance(out, torch.Tensor) and isinstance(again, torch.Tensor)
                           and again.shape == out.shape and not torch.equal(again, out)),
        "is_module": True,
        "type": type(model).__name__,
        "registered": [describe_layer(n, m) for n, m in model.named_modules() if n and not list(m.children())],
        "called": called,
        "ops": trace.kinds,
        "linear_sizes": trace.linear_sizes,
        "params": sum(p.numel() for p in model.parameters()),
        "param_shapes": [list(p.shape) for p in model.parameters()],
        "output_shape": list(out.shape) if isinstance(out, torch.Tensor) else None,
        "output_type": type(out).__name__,
    }


def load_by_order(model: nn.Module, tensors: list[torch.Tensor]) -> list[list[int]] | None:
    """Copy `tensors` into the model's parameters, matched by order and shape.

    Returns None on success, or the model's parameter shapes when they do not line up
    (the grading process turns that into a message)."""
    params = list(model.parameters())
    shapes = [list(p.shape) for p in params]
    if shapes != [list(t.shape) for t in tensors]:
        return shapes
    with torch.no_grad():
        for param, value in zip(params, tensors):
            param.copy_(value)
    return None


def outputs_with_weights(
    model: Any, tensors: list[torch.Tensor], inputs: list[torch.Tensor]
) -> dict[str, Any]:
    """The model's outputs on `inputs` after loading the given weights (eval mode, no grad)."""
    if not isinstance(model, nn.Module):
        return {"is_module": False, "type": type(model).__name__}
    mismatch = load_by_order(model, tensors)
    if mismatch is not None:
        return {"is_module": True, "param_shapes": mismatch}
    model.eval()
    with torch.no_grad():
        outputs = [model(x) for x in inputs]
        # The same input once more: in eval mode a network computes a function, so two
        # calls agree unless randomness was left on (F.dropout's training=True default).
        again = model(inputs[0]) if inputs else None
    repeatable = not (isinstance(again, torch.Tensor) and isinstance(outputs[0], torch.Tensor)
                      and again.shape == outputs[0].shape and not torch.equal(again, outputs[0]))
    return {"is_module": True, "outputs": outputs, "repeatable": repeatable}


def seeded_weights(shapes: list[list[int]], seed: int) -> list[torch.Tensor]:
    """Weights for parameters of these shapes, in order, drawn from `seed`: the same
    tensors wherever they are drawn (the worker loads them, the grading process computes
    with them), so only a seed crosses the sandbox, not a network's worth of weights."""
    generator = torch.Generator().manual_seed(seed)
    # Uniform in [-0.1, 0.1): as telling as normal draws, and a few times cheaper to make.
    return [(torch.rand(shape, generator=generator) - 0.5) * 0.2 for shape in shapes]


def outputs_with_seeded_weights(model: Any, seed: int, inputs: list[torch.Tensor]) -> dict[str, Any]:
    """The model's outputs on `inputs` with every parameter drawn from `seed`, in order
    (seeded_weights; eval mode, no grad): what the grading process checks a description
    against (authoring.modules.computes_as_described)."""
    if not isinstance(model, nn.Module):
        return {"is_module": False, "type": type(model).__name__}
    params = list(model.parameters())
    drawn = seeded_weights([list(p.shape) for p in params], seed)
    model.eval()
    with torch.no_grad():
        for param, value in zip(params, drawn):
            param.copy_(value)
        return {"is_module": True, "outputs": [model(x) for x in inputs]}


Factory = Callable[[], nn.Module]


class FunctionTrace(TorchFunctionMode):
    """Records which of the `watch`ed torch functions are called (by name), in order."""

    def __init__(self, watch: set[str]) -> None:
        super().__init__()
        self.watch = watch
        self.seen: list[str] = []

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = function_name(func)
        if name in self.watch:
            self.seen.append(name)
        return func(*args, **(kwargs or {}))


def count_macs(model: nn.Module, example: torch.Tensor) -> int:
    """Multiply-accumulates of one forward pass per image, for Conv2d and Linear layers
    (the layers that dominate; pooling and ReLU are comparisons, not MACs)."""
    total = 0

    def hook(module: nn.Module, _inputs: Any, output: torch.Tensor) -> None:
        nonlocal total
        if isinstance(module, nn.Conv2d):
            per_output = (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]
            total += output[0].numel() * per_output
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features * (output[0].numel() // module.out_features)

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    try:
        was_training = model.training
        model.eval()
        with torch.no_grad():
            model(example[:1])
        model.train(was_training)
    finally:
        for handle in handles:
            handle.remove()
    return total
