"""Checks for exercise 01: convolution and pooling by hand.

Expected values are computed here, in the grading process, with torch's own
operators; the student's functions run in the sandbox with torch's convolution,
pooling and im2col operators forbidden.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from grader.authoring import Arguments, CheckFailed, Mistake, StudentRaised, check, expect_tensor
from grader.authoring.counterfactuals import REDUCTIONS
from grader.i18n import tr

# torch functions the student may not call (names as the sandbox's tracer records
# them; tensor methods such as the allowed `x.unfold` are recorded as `Tensor.unfold`).
FORBIDDEN = (
    "conv1d", "conv2d", "conv3d", "convolution", "_convolution", "conv_transpose2d",
    "aten.convolution", "aten._convolution", "aten.conv2d",
    "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "_max_pool2d", "aten.max_pool2d_with_indices",
    "avg_pool1d", "avg_pool2d", "aten.avg_pool2d",
    "adaptive_max_pool2d", "adaptive_avg_pool2d", "_adaptive_avg_pool2d",
    "unfold", "im2col", "aten.im2col",
)

# The course's worked examples.
LECTURE_X = torch.tensor(
    [[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]],
    dtype=torch.float32,
)
LECTURE_K = torch.arange(1, 10, dtype=torch.float32).view(3, 3)
LECTURE_CENTRE = torch.tensor([[211, 295, 262], [259, 282, 214], [251, 253, 169]], dtype=torch.float32)
LECTURE_STRIDE2 = torch.tensor([[211, 262], [251, 169]], dtype=torch.float32)
POOL_X = torch.tensor([[3, 4, 6, 5], [2, 4, 6, 8], [1, 6, 7, 8], [9, 7, 4, 6]], dtype=torch.float32)
POOL_EXPECTED = torch.tensor([[4, 8], [9, 8]], dtype=torch.float32)
BIAS_X = torch.tensor([[1, 2, 0, 3], [0, 1, 2, 3], [1, 2, 1, 0], [5, 2, 3, 1]], dtype=torch.float32)
BIAS_K = torch.tensor([[1, 2, 1], [0, 1, 0], [2, 1, 0]], dtype=torch.float32)
BIAS_EXPECTED = torch.tensor(
    [[2, 4, 5, 11], [6, 11, 13, 12], [8, 19, 17, 16], [10, 9, 8, 3]], dtype=torch.float32
)

RTOL, ATOL = 1e-4, 1e-4


def _nchw(t: torch.Tensor) -> torch.Tensor:
    return t[None, None]


# The mistakes these checks name. Each is named only when what it computes (below, with
# torch's own operators) reproduces the student's answer.
CORR2D_FLIPPED = Mistake("corr2d.kernel_flipped", "corr2d flips the kernel (a true convolution)",
                         "a true convolution: the kernel is flipped")
CONV2D_FLIPPED = Mistake(
    "conv2d.kernel_flipped", "conv2d flips the kernel (a true convolution)",
    "a true convolution: the kernel is flipped (PyTorch's conv2d is a cross-correlation, no flip)")
CONV2D_PADDING_IGNORED = Mistake("conv2d.padding_ignored", "conv2d ignores the padding", "the padding was ignored")
CONV2D_PADDING_ONE_SIDE = Mistake(
    "conv2d.padding_one_side", "conv2d pads one side only",
    "the padding was added on one side only (F.pad(x, (left, right, top, bottom)) needs both sides)")
CONV2D_PADDING_SWAPPED = Mistake(
    "conv2d.padding_swapped", "conv2d swaps the height and width padding",
    "the height and width padding were swapped (F.pad's tuple starts with the last dimension: "
    "(left, right, top, bottom))")
CONV2D_STRIDE_IGNORED = Mistake("conv2d.stride_ignored", "conv2d ignores the stride", "the stride was ignored (always 1)")
CONV2D_BIAS_IGNORED = Mistake("conv2d.bias_ignored", "conv2d ignores the bias", "the bias was ignored")
CONV2D_WINDOW_MEAN = Mistake(
    "conv2d.window_mean", "conv2d averages each window instead of summing",
    "each window's products were averaged (divided by C_in*kh*kw) instead of summed")
CONV2D_CHANNELS_KEPT = Mistake(
    "conv2d.channels_not_summed", "conv2d keeps one output per input channel",
    "the input channels were not summed (one output per input channel)")
CONV2D_FIRST_CHANNEL = Mistake(
    "conv2d.first_channel_only", "conv2d uses only the first input channel",
    "the input channels were not summed (only the first channel was used)")
# Written out (not built from f-strings) so that the message catalog finds each title.
POOL_STRIDE_1 = {
    "max": Mistake("max_pool2d.stride_default_1", "max_pool2d's stride defaults to 1",
                   "the stride defaulting to 1 (it should default to kernel_size)"),
    "avg": Mistake("avg_pool2d.stride_default_1", "avg_pool2d's stride defaults to 1",
                   "the stride defaulting to 1 (it should default to kernel_size)"),
}
POOL_OTHER_KIND = {
    "max": Mistake("max_pool2d.averages", "max_pool2d averages", "average pooling instead of max pooling"),
    "avg": Mistake("avg_pool2d.takes_max", "avg_pool2d takes the maximum", "max pooling instead of avg pooling"),
}
AVG_POOL_SUMS = Mistake("avg_pool2d.sums", "avg_pool2d sums each window",
                        "each window was summed, not averaged (divide by the window's size)")
CONV1X1_BIAS_IGNORED = Mistake("conv1x1.bias_ignored", "conv1x1 ignores the bias", "the bias was ignored")


def _pad_conv(x, w, b, stride, pad: tuple[int, int, int, int]) -> torch.Tensor:
    return F.conv2d(F.pad(x, pad), w, b, stride)


def conv_mistakes(
    x: torch.Tensor,
    w: torch.Tensor,
    b: torch.Tensor | None,
    stride: int | tuple[int, int],
    padding: int | tuple[int, int],
) -> dict[Mistake, torch.Tensor]:
    """What a conv2d with each classic mistake returns, so the message can name it."""
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    mistakes = {
        CONV2D_FLIPPED: F.conv2d(x, w.flip(-2, -1), b, stride, padding),
        CONV2D_PADDING_IGNORED: F.conv2d(x, w, b, stride, 0),
        CONV2D_PADDING_ONE_SIDE: _pad_conv(x, w, b, stride, (pw, 0, ph, 0)),
        CONV2D_STRIDE_IGNORED: F.conv2d(x, w, b, 1, padding),
        CONV2D_WINDOW_MEAN: F.conv2d(x, w / w[0].numel(), b, stride, padding),
    }
    if ph != pw:
        mistakes[CONV2D_PADDING_SWAPPED] = _pad_conv(x, w, b, stride, (ph, ph, pw, pw))
    if b is not None:
        mistakes[CONV2D_BIAS_IGNORED] = F.conv2d(x, w, None, stride, padding)
    if x.shape[1] > 1:
        per_channel = torch.stack(
            [F.conv2d(x[:, c : c + 1], w[:, c : c + 1], None, stride, padding) for c in range(x.shape[1])],
            dim=2,
        )
        mistakes[CONV2D_CHANNELS_KEPT] = per_channel
        mistakes[CONV2D_FIRST_CHANNEL] = F.conv2d(x[:, :1], w[:, :1], b, stride, padding)
    return mistakes


def pool_mistakes(kind: str, x: torch.Tensor, k: int | tuple[int, int], stride: object) -> dict[Mistake, torch.Tensor]:
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    other = F.avg_pool2d if kind == "max" else F.max_pool2d
    effective = stride if stride is not None else k
    mistakes: dict[Mistake, torch.Tensor] = {}
    if stride is None:
        mistakes[POOL_STRIDE_1[kind]] = pool(x, k, 1)
    mistakes[POOL_OTHER_KIND[kind]] = other(x, k, effective)
    if kind == "avg":
        kh, kw = (k, k) if isinstance(k, int) else k
        mistakes[AVG_POOL_SUMS] = F.avg_pool2d(x, k, effective) * (kh * kw)
    return mistakes


# -- the reference, re-runnable with other arguments ------------------------------------
# When no named mistake reproduces a wrong answer, the helpers re-run the reference with
# its arguments perturbed (grader.authoring.counterfactuals): these take the student's
# signature and a `reduce` over each window, and are built on F.unfold, which student
# code may not call, so the kit hands out nothing a student could submit.

def _pairs(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def reference_conv2d(x, weight, bias=None, stride=1, padding=0, *, reduce="sum"):
    kh, kw = weight.shape[-2:]
    (sh, sw), (ph, pw) = _pairs(stride), _pairs(padding)
    out_h = (x.shape[-2] + 2 * ph - kh) // sh + 1
    out_w = (x.shape[-1] + 2 * pw - kw) // sw + 1
    columns = F.unfold(x, (kh, kw), padding=(ph, pw), stride=(sh, sw))  # (N, C_in*kh*kw, L)
    products = columns.unsqueeze(1) * weight.reshape(weight.shape[0], -1, 1)  # (N, C_out, C_in*kh*kw, L)
    out = REDUCTIONS[reduce][1](products.transpose(-1, -2)).reshape(x.shape[0], weight.shape[0], out_h, out_w)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def reference_corr2d(x, k, *, reduce="sum"):
    return reference_conv2d(_nchw(x), _nchw(k), reduce=reduce)[0, 0]


def reference_pool2d(x, kernel_size, stride=None, *, reduce="max"):
    (kh, kw), (sh, sw) = _pairs(kernel_size), _pairs(kernel_size if stride is None else stride)
    n, c, h, w = x.shape
    columns = F.unfold(x.reshape(n * c, 1, h, w), (kh, kw), stride=(sh, sw))  # (N*C, kh*kw, L)
    pooled = REDUCTIONS[reduce][1](columns.transpose(-1, -2))
    return pooled.reshape(n, c, (h - kh) // sh + 1, (w - kw) // sw + 1)


def reference_conv1x1(x, weight, bias=None):
    return F.conv2d(x, weight, bias)


CORR2D = Arguments(reference_corr2d, "corr2d", reduction="reduce",
                   dimensions={"x": ("H", "W"), "k": ("kh", "kw")})
CONV2D = Arguments(reference_conv2d, "conv2d", pairs=("stride", "padding"), interchangeable=(("stride", "padding"),),
                   padding="padding", padded="x", kernel="weight", reduction="reduce",
                   dimensions={"x": ("N", "C", "H", "W")}, off_by_one=("stride", "padding"))
POOL2D = {
    kind: Arguments(reference_pool2d, f"{kind}_pool2d", pairs=("kernel_size", "stride"),
                    interchangeable=(("kernel_size", "stride"),), kernel="kernel_size", reduction="reduce",
                    reduces="max" if kind == "max" else "mean", dimensions={"x": ("N", "C", "H", "W")},
                    off_by_one=("kernel_size", "stride"))
    for kind in ("max", "avg")
}
CONV1X1 = Arguments(reference_conv1x1, "conv1x1", dimensions={"x": ("N", "C", "H", "W")})


# -- corr2d ----------------------------------------------------------------------------

@check(points=2, title="corr2d: the lecture's 5x5 example with the 1..9 kernel")
def check_corr2d_lecture_example(student):
    got = student.call("corr2d", LECTURE_X, LECTURE_K, forbid=FORBIDDEN)
    expect_tensor(
        got, LECTURE_CENTRE, "corr2d(x, k)", rtol=RTOL, atol=ATOL,
        mistakes={CORR2D_FLIPPED: F.conv2d(_nchw(LECTURE_X), _nchw(LECTURE_K.flip(0, 1)))[0, 0]},
        reference=CORR2D.call(LECTURE_X, LECTURE_K),
    )


@check(points=2, title="corr2d: random inputs and non-square kernels")
def check_corr2d_random(student):
    gen = torch.Generator().manual_seed(101)
    for h, w, kh, kw in [(6, 6, 3, 3), (7, 5, 2, 3), (4, 9, 4, 1), (5, 5, 5, 5), (8, 3, 1, 2)]:
        x = torch.randn(h, w, generator=gen)
        k = torch.randn(kh, kw, generator=gen)
        expected = F.conv2d(_nchw(x), _nchw(k))[0, 0]
        got = student.call("corr2d", x, k, forbid=FORBIDDEN)
        expect_tensor(
            got, expected, tr("corr2d(x of {h}x{w}, k of {kh}x{kw})", h=h, w=w, kh=kh, kw=kw), rtol=RTOL, atol=ATOL,
            mistakes={CORR2D_FLIPPED: F.conv2d(_nchw(x), _nchw(k.flip(0, 1)))[0, 0]},
            reference=CORR2D.call(x, k),
        )


# -- conv2d ----------------------------------------------------------------------------

@check(points=2, title="conv2d: the lecture's example with padding=1")
def check_conv2d_lecture_padding(student):
    x, k = _nchw(LECTURE_X), _nchw(LECTURE_K)
    got = student.call("conv2d", x, k, padding=1, forbid=FORBIDDEN)
    expected = F.conv2d(x, k, padding=1)
    expect_tensor(got, expected, "conv2d(x, k, padding=1)", rtol=RTOL, atol=ATOL, mistakes=lambda: conv_mistakes(x, k, None, 1, 1),
                  reference=CONV2D.call(x, k, padding=1, shown={"weight": "k"}))


@check(points=1, title="conv2d: the lecture's example with stride=2")
def check_conv2d_lecture_stride(student):
    x, k = _nchw(LECTURE_X), _nchw(LECTURE_K)
    got = student.call("conv2d", x, k, stride=2, forbid=FORBIDDEN)
    expect_tensor(got, _nchw(LECTURE_STRIDE2), "conv2d(x, k, stride=2)", rtol=RTOL, atol=ATOL, mistakes=lambda: conv_mistakes(x, k, None, 2, 0),
                  reference=CONV2D.call(x, k, stride=2, shown={"weight": "k"}))


@check(points=2, title="conv2d: the lecture's 4x4 example with bias 1 and padding 1")
def check_conv2d_lecture_bias(student):
    x, k, b = _nchw(BIAS_X), _nchw(BIAS_K), torch.tensor([1.0])
    got = student.call("conv2d", x, k, b, stride=1, padding=1, forbid=FORBIDDEN)
    expect_tensor(got, _nchw(BIAS_EXPECTED), "conv2d(x, k, bias=1, padding=1)", rtol=RTOL, atol=ATOL, mistakes=lambda: conv_mistakes(x, k, b, 1, 1),
                  reference=CONV2D.call(x, k, b, stride=1, padding=1, shown={"weight": "k", "bias": "b"}))


CONV_CASES = [
    # (N, C_in, C_out, H, W, kh, kw, stride, padding, bias)
    (2, 3, 4, 9, 7, 3, 2, (2, 1), (1, 2), True),
    (1, 2, 1, 6, 6, 3, 3, 1, 0, False),
    (3, 1, 2, 10, 8, 5, 3, 2, 1, True),
    (2, 4, 3, 7, 11, 1, 4, 3, (0, 1), True),
    (1, 3, 5, 5, 5, 5, 5, 1, 2, False),
    (2, 2, 2, 12, 9, 3, 3, (1, 2), 1, True),
]


@check(points=3, title="conv2d: random batches, channels, strides, paddings and kernels", hidden=True)
def check_conv2d_random(student):
    gen = torch.Generator().manual_seed(202)
    for n, cin, cout, h, w, kh, kw, stride, padding, has_bias in CONV_CASES:
        x = torch.randn(n, cin, h, w, generator=gen)
        weight = torch.randn(cout, cin, kh, kw, generator=gen)
        bias = torch.randn(cout, generator=gen) if has_bias else None
        got = student.call("conv2d", x, weight, bias, stride=stride, padding=padding, forbid=FORBIDDEN)
        what = (
            f"conv2d(x{tuple(x.shape)}, weight{tuple(weight.shape)}, "
            f"bias={'(C_out,)' if has_bias else 'None'}, stride={stride}, padding={padding})"
        )
        expect_tensor(
            got, F.conv2d(x, weight, bias, stride, padding), what, rtol=RTOL, atol=ATOL,
            mistakes=lambda: conv_mistakes(x, weight, bias, stride, padding),
            reference=CONV2D.call(x, weight, bias, stride=stride, padding=padding),
        )


@check(points=1, title="conv2d: a channel mismatch raises ValueError naming both numbers")
def check_conv2d_channel_mismatch(student):
    x = torch.randn(1, 3, 5, 5)
    weight = torch.randn(2, 4, 3, 3)
    try:
        got = student.call("conv2d", x, weight, forbid=FORBIDDEN)
    except StudentRaised as raised:
        if raised.exc_type != "ValueError":
            raise CheckFailed(tr(
                "conv2d with 3 input channels and a weight for 4 raised {exception}; raise ValueError instead",
                exception=raised.exc_type,
            )) from None
        if "3" not in raised.exc_message or "4" not in raised.exc_message:
            raise CheckFailed(tr(
                "the ValueError should name both channel counts (3 and 4); its message was {said}",
                said=repr(raised.exc_message),
            )) from None
        return
    raise CheckFailed(tr(
        "conv2d with x of 3 channels and weight of 4 in-channels returned {type} instead of raising ValueError",
        type=type(got).__name__,
    ))


# -- pooling ---------------------------------------------------------------------------

@check(points=1, title="max_pool2d: the lecture's 4x4 example with kernel 2")
def check_max_pool_lecture_example(student):
    x = _nchw(POOL_X)
    got = student.call("max_pool2d", x, 2, forbid=FORBIDDEN)
    expect_tensor(got, _nchw(POOL_EXPECTED), "max_pool2d(x, 2)", mistakes=lambda: pool_mistakes("max", x, 2, None),
                  reference=POOL2D["max"].call(x, 2))


POOL_CASES = [
    # (N, C, H, W, kernel, stride)
    (2, 3, 8, 8, 2, None),
    (1, 2, 9, 7, 3, None),
    (2, 1, 7, 9, 3, 2),
    (1, 4, 6, 10, (2, 3), None),
    (3, 2, 10, 10, 3, 1),
    (1, 1, 9, 9, (3, 2), (2, 1)),
]


def _check_pool(student, kind: str, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    reference = F.max_pool2d if kind == "max" else F.avg_pool2d
    for n, c, h, w, k, stride in POOL_CASES:
        x = torch.randn(n, c, h, w, generator=gen)
        args = (x, k) if stride is None else (x, k, stride)
        got = student.call(f"{kind}_pool2d", *args, forbid=FORBIDDEN)
        what = f"{kind}_pool2d(x{tuple(x.shape)}, kernel_size={k}" + ("" if stride is None else f", stride={stride}") + ")"
        expect_tensor(
            got, reference(x, k, stride if stride is not None else k), what, rtol=RTOL, atol=ATOL,
            mistakes=lambda: pool_mistakes(kind, x, k, stride),
            reference=POOL2D[kind].call(*args),
        )


@check(points=2, title="max_pool2d: random inputs, default and explicit strides")
def check_max_pool_random(student):
    _check_pool(student, "max", 303)


@check(points=2, title="avg_pool2d: random inputs, default and explicit strides")
def check_avg_pool_random(student):
    _check_pool(student, "avg", 404)


# -- conv1x1 ---------------------------------------------------------------------------

@check(points=2, title="conv1x1: a 1x1 convolution as a per-pixel linear map")
def check_conv1x1(student):
    gen = torch.Generator().manual_seed(505)
    for n, cin, cout, h, w, has_bias in [(2, 3, 5, 4, 6, True), (1, 8, 2, 7, 3, False), (4, 1, 3, 5, 5, True)]:
        x = torch.randn(n, cin, h, w, generator=gen)
        weight = torch.randn(cout, cin, 1, 1, generator=gen)
        bias = torch.randn(cout, generator=gen) if has_bias else None
        got = student.call("conv1x1", x, weight, bias, forbid=FORBIDDEN)
        mistakes = {}
        if bias is not None:
            mistakes[CONV1X1_BIAS_IGNORED] = F.conv2d(x, weight)
        expect_tensor(
            got, F.conv2d(x, weight, bias), f"conv1x1(x{tuple(x.shape)}, weight{tuple(weight.shape)})",
            rtol=RTOL, atol=ATOL, mistakes=mistakes, reference=CONV1X1.call(x, weight, bias),
        )
