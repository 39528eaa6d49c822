"""Torch's errors restated in the student's terms: the shapes, and the likely cause.

A student's code that fails inside torch gets a message written for torch's
developers ("mat1 and mat2 shapes cannot be multiplied (1x50176 and 784x10)"). Each
explainer here recognises one such message by its wording, reads the numbers out of
it, and says what they mean for this course's code ("64 × 784 = 50176: the whole
batch was flattened into one row; flatten from dimension 1"). The raw message stays
below the explanation (student.py), so nothing torch said is lost; an error no
explainer recognises is shown as torch wrote it.

Only the message is read, in the grading process: explaining never runs student code.
The wording is torch's and may change between versions: tests/engine/test_torch_errors.py
produces every message with the installed torch, so a change of wording fails there.
"""

from __future__ import annotations

import math
import re
from typing import Callable

from grader.i18n import tr

Explainer = Callable[["re.Match[str]"], str]

_CONV = "conv(?:1d|2d|3d)?"


def _shape(text: str) -> list[int]:
    return [int(part) for part in re.findall(r"-?\d+", text)]


def _times(numbers: list[int]) -> str:
    return " × ".join(str(n) for n in numbers)


def _matmul(found: "re.Match[str]") -> str:
    rows, features, expected, _ = (int(found[i]) for i in range(1, 5))
    if rows == 1 and features % expected == 0 and features // expected > 1:
        return tr("the input reaching the Linear layer is one row of {features} = {product} values: the whole batch "
                  "was flattened into one row; flatten from dimension 1 (x.flatten(1), or x.view(x.size(0), -1))",
                  features=features, product=_times([features // expected, expected]))
    if features % expected == 0 or expected % features == 0:
        return tr("a Linear layer expects {expected} input features but each row has {features}: the flattened "
                  "size does not match the layer (channels × height × width of the last feature map), or the "
                  "batch was mixed into the features", expected=expected, features=features)
    return tr("a Linear layer expects {expected} input features but each row has {features}: compute the size "
              "you flatten to from the last feature map (channels × height × width)",
              expected=expected, features=features)


def _batch_mismatch(found: "re.Match[str]") -> str:
    rows, targets = int(found[1]), int(found[2])
    return tr("the model returned {rows} rows of scores for {targets} targets: the flattening mixed the batch "
              "into the features; keep the batch dimension (x.flatten(1), or x.view(x.size(0), -1))",
              rows=rows, targets=targets)


def _conv_channels(found: "re.Match[str]") -> str:
    wanted, got = int(found["wanted"]), int(found["got"])
    given = _shape(found["input"])
    if len(given) >= 3 and given[-1] == wanted:
        return tr("the convolution expects {wanted} channels in dimension 1, but the input {shape} has them last: "
                  "conv2d takes (N, C, H, W); move the channels with x.permute(0, 3, 1, 2)",
                  wanted=wanted, shape=tuple(given))
    return tr("this convolution expects {wanted} input channels but its input {shape} has {got}: a layer's "
              "in_channels must equal the previous layer's out_channels (or the image's channels)",
              wanted=wanted, got=got, shape=tuple(given))


def _conv_rank(found: "re.Match[str]") -> str:
    given = _shape(found["input"])
    if len(given) == 2:
        return tr("conv2d takes (N, C, H, W) but was given a 2-D input {shape}: it was flattened before the "
                  "convolutions, or the channel dimension is missing (x.unsqueeze(1))", shape=tuple(given))
    return tr("conv2d takes (N, C, H, W) (or (C, H, W)) but was given {shape}", shape=tuple(given))


def _view(found: "re.Match[str]") -> str:
    wanted, size = _shape(found[1]), int(found[2])
    known = math.prod(n for n in wanted if n != -1)
    if -1 in wanted and known:
        return tr("view/reshape to {shape} needs a multiple of {known} elements, but the tensor has {size} "
                  "({size} / {known} is not whole): the size you assumed for the feature map is not the one "
                  "the layers produce", shape=tuple(wanted), known=known, size=size)
    return tr("view/reshape to {shape} needs {known} elements, but the tensor has {size}",
              shape=tuple(wanted), known=known, size=size)


def _not_contiguous(found: "re.Match[str]") -> str:
    return tr("view() needs the tensor's memory in order, which permute() or transpose() changed: use "
              ".reshape(), or .contiguous().view()")


def _dtypes(found: "re.Match[str]") -> str:
    names = [n for n in found.groups() if n]
    return tr("tensors of two dtypes meet ({dtypes}): the model computes in float32; convert the other with "
              ".float() (a NumPy array or torch.tensor of Python floats gives float64)",
              dtypes=" / ".join(names))


def _long_target(found: "re.Match[str]") -> str:
    return tr("CrossEntropyLoss takes the labels as class indices (int64, shape (N,)): pass the labels "
              "themselves (.long()), not floats or one-hot rows")


def _one_hot_target(found: "re.Match[str]") -> str:
    return tr("CrossEntropyLoss takes the labels as class indices of shape (N,), not one-hot rows of shape (N, C)")


def _devices(found: "re.Match[str]") -> str:
    return tr("the model and the data are on different devices ({first} and {second}): move both with "
              ".to(device), the model once and each batch's inputs and targets", first=found[1], second=found[2])


def _broadcast(found: "re.Match[str]") -> str:
    return tr("two tensors with {a} and {b} elements along dimension {dim} are combined element by element: "
              "check which dimension was reduced, indexed or kept (keepdim=True)",
              a=found[1], b=found[2], dim=found[3])


def _too_small(found: "re.Match[str]") -> str:
    return tr("the feature map became smaller than the kernel (input {given}, output {output}): too many "
              "convolutions or poolings for this input size, or padding is missing",
              given=found[1].strip(), output=found[2].strip())


def _kernel_too_big(found: "re.Match[str]") -> str:
    return tr("the feature map ({given}) is smaller than the kernel ({kernel}): too many convolutions or "
              "poolings for this input size, or padding is missing",
              given=found[1].strip(), kernel=found[2].strip())


def _dimension(found: "re.Match[str]") -> str:
    return tr("the tensor has {count} dimensions (numbered from 0), so dimension {dim} does not exist",
              count=int(found[2]) + 1, dim=found[3])


def _no_grad(found: "re.Match[str]") -> str:
    return tr("the loss is not connected to the model's parameters: it was computed under torch.no_grad(), "
              "from .detach() or .item(), or from NumPy, so backward() has nothing to differentiate")


def _twice(found: "re.Match[str]") -> str:
    return tr("backward() ran twice through one graph: compute the output and the loss anew for each batch")


def _numpy_grad(found: "re.Match[str]") -> str:
    return tr("a tensor that requires grad was turned into NumPy: use .detach().cpu().numpy(), or compute "
              "under torch.no_grad()")


def _in_place_leaf(found: "re.Match[str]") -> str:
    return tr("a parameter was changed in place while autograd tracks it: update parameters inside "
              "`with torch.no_grad():` (or let the optimizer's step() do it)")


# (pattern, explainer), tried in order; the first that matches explains.
EXPLAINERS: tuple[tuple[re.Pattern[str], Explainer], ...] = (
    (re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)"), _matmul),
    (re.compile(r"Expected input batch_size \((\d+)\) to match target batch_size \((\d+)\)"), _batch_mismatch),
    (re.compile(r"expected input(?P<input>\[[\d, ]+\]) to have (?P<wanted>\d+) channels, but got (?P<got>\d+) "
                r"channels"), _conv_channels),
    (re.compile(rf"Expected \d+D \(unbatched\) or \d+D \(batched\) input to {_CONV}, but got input of size: "
                r"(?P<input>\[[\d, ]*\])"), _conv_rank),
    (re.compile(r"shape '\[([-\d, ]+)\]' is invalid for input of size (\d+)"), _view),
    (re.compile(r"view size is not compatible with input tensor's size and stride"), _not_contiguous),
    (re.compile(r"expected scalar type Long but found (\w+)"), _long_target),
    (re.compile(r"expected target dtype to be Long or Byte, but got (\w+)"), _long_target),
    (re.compile(r"0D or 1D target tensor expected, multi-target not supported"), _one_hot_target),
    (re.compile(r"Expected floating point type for target with class probabilities, got (\w+)"), _one_hot_target),
    (re.compile(r"expected (?:m1 and m2|mat1 and mat2) to have the same dtype, but got: (\w+) != (\w+)"), _dtypes),
    (re.compile(r"mat1 and mat2 must have the same dtype(?:, but got (\w+) and (\w+))?"), _dtypes),
    (re.compile(r"[Ee]xpected scalar type (\w+) but found (\w+)"), _dtypes),
    (re.compile(r"Input type \((\w+)\) and bias type \((\w+)\) should be the same"), _dtypes),
    (re.compile(r"Input type \(([\w.]+)\) and weight type \(([\w.]+)\) should be the same"), _dtypes),
    (re.compile(r"[Ee]xpected all tensors to be on the same device, but (?:found at least two devices, |got \w+ is on )"
                r"([\w:]+)(?:,| and| on)[^!\w]*(?:and )?([\w:]+)"), _devices),
    (re.compile(r"The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                r"dimension (\d+)"), _broadcast),
    (re.compile(r"Given input size: \(([^)]*)\)\. Calculated output size: \(([^)]*)\)\. Output size is too small"),
     _too_small),
    (re.compile(r"Calculated padded input size per channel: \(([^)]*)\)\. Kernel size: \(([^)]*)\)\. Kernel size "
                r"can't be greater than actual input size"), _kernel_too_big),
    (re.compile(r"Dimension out of range \(expected to be in range of \[(-?\d+), (-?\d+)\], but got (-?\d+)\)"),
     _dimension),
    (re.compile(r"element 0 of tensors does not require grad and does not have a grad_fn"), _no_grad),
    (re.compile(r"Trying to backward through the graph a second time"), _twice),
    (re.compile(r"Can't call numpy\(\) on Tensor that requires grad"), _numpy_grad),
    (re.compile(r"a leaf Variable that requires grad is being used in an in-place operation"), _in_place_leaf),
)


def explain(exc_type: str, message: str) -> str:
    """What a torch error means for the student's code ("": no explainer knows it)."""
    if exc_type not in {"RuntimeError", "ValueError", "IndexError", "TypeError"}:
        return ""
    for pattern, explainer in EXPLAINERS:
        found = pattern.search(message)
        if found:
            return explainer(found)
    return ""
