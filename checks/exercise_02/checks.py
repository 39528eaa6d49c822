"""Checks for exercise 02: layer shapes and costs.

Expected values come from the lecture's figures and from what torch's own layers
produce (on the meta device: shapes without computing anything).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.authoring import check, expect_int, expect_shape_tuple

GEN_SEED = 2024


def torch_conv_size(size: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    out = F.conv1d(torch.empty(1, 1, size, device="meta"), torch.empty(1, 1, k, device="meta"), stride=s, padding=p, dilation=d)
    return int(out.shape[-1])


def conv_size_mistakes(size: int, k: int, s: int, p: int, d: int) -> dict[str, int]:
    def formula(size: int, k: int, s: int, p: int, d: int) -> int:
        return (size + 2 * p - d * (k - 1) - 1) // s + 1

    mistakes = {
        "the padding was ignored": formula(size, k, s, 0, d),
        "the padding was counted once instead of on both sides": formula(size - p, k, s, p, d),
        "the stride was ignored": formula(size, k, 1, p, d),
        "the dilation was ignored": formula(size, k, s, p, 1),
    }
    if s > 1:
        mistakes["true division rounded up instead of floor"] = -(-(size + 2 * p - d * (k - 1) - 1) // s) + 1
    expected = formula(size, k, s, p, d)
    return {what: v for what, v in mistakes.items() if v != expected}


# -- conv_output_size --------------------------------------------------------------

LECTURE_SIZES = [
    # (size, kernel, stride, padding, expected, where it comes from)
    (28, 3, 1, 0, 26, "Conv2d(1, 3, 3) on 28x28"),
    (28, 3, 1, 1, 28, "Conv2d(1, 3, 3, padding=1) on 28x28"),
    (28, 3, 2, 1, 14, "Conv2d(1, 3, 3, stride=2, padding=1) on 28x28"),
    (100, 3, 1, 0, 98, "Conv2d(5, 10, 3) on 100x100"),
    (10, 5, 2, 1, 4, "a 10x10 input with K=5, P=1, S=2"),
    (32, 3, 2, 1, 16, "a 32x32 input with K=3, P=1, S=2"),
]


@check(points=2, title="conv_output_size: the lecture's figures")
def check_conv_output_size_lecture(student):
    for size, k, s, p, expected, source in LECTURE_SIZES:
        got = student.call("conv_output_size", size, k, stride=s, padding=p)
        expect_int(
            got, expected, f"conv_output_size({size}, {k}, stride={s}, padding={p}) ({source})",
            mistakes=conv_size_mistakes(size, k, s, p, 1),
        )


@check(points=2, title="conv_output_size: random cases, dilation included, against torch", hidden=True)
def check_conv_output_size_random(student):
    gen = torch.Generator().manual_seed(GEN_SEED)
    for _ in range(12):
        k = int(torch.randint(1, 6, (1,), generator=gen))
        d = int(torch.randint(1, 3, (1,), generator=gen))
        s = int(torch.randint(1, 4, (1,), generator=gen))
        p = int(torch.randint(0, 3, (1,), generator=gen))
        size = int(torch.randint(d * (k - 1) + 1, 40, (1,), generator=gen))
        got = student.call("conv_output_size", size, k, stride=s, padding=p, dilation=d)
        expect_int(
            got, torch_conv_size(size, k, s, p, d),
            f"conv_output_size({size}, {k}, stride={s}, padding={p}, dilation={d})",
            mistakes=conv_size_mistakes(size, k, s, p, d),
        )


# -- conv2d_output_shape -----------------------------------------------------------

def torch_conv2d_shape(shape, out_channels, kernel, stride=1, padding=0, dilation=1) -> tuple[int, ...]:
    layer = nn.Conv2d(shape[1], out_channels, kernel, stride, padding, dilation, device="meta")
    return tuple(int(v) for v in layer(torch.empty(shape, device="meta")).shape)


@check(points=2, title="conv2d_output_shape: the lecture's layers")
def check_conv2d_output_shape_lecture(student):
    cases = [
        ((1, 1, 28, 28), 3, 3, 1, 0, (1, 3, 26, 26)),
        ((1, 1, 28, 28), 3, 3, 1, 1, (1, 3, 28, 28)),
        ((1, 1, 28, 28), 3, 3, 2, 1, (1, 3, 14, 14)),
        ((1, 5, 100, 100), 10, 3, 1, 0, (1, 10, 98, 98)),
    ]
    for shape, cout, k, s, p, expected in cases:
        got = student.call("conv2d_output_shape", shape, cout, k, stride=s, padding=p)
        expect_shape_tuple(got, expected, f"conv2d_output_shape({shape}, {cout}, {k}, stride={s}, padding={p})")


@check(points=2, title="conv2d_output_shape: (h, w) pairs and dilation, against nn.Conv2d")
def check_conv2d_output_shape_random(student):
    gen = torch.Generator().manual_seed(GEN_SEED + 1)

    def draw(lo: int, hi: int) -> int:
        return int(torch.randint(lo, hi, (1,), generator=gen))

    for case in range(8):
        kernel = (draw(1, 6), draw(1, 6))
        stride = (draw(1, 4), draw(1, 4)) if case % 2 else draw(1, 4)
        padding = (draw(0, 3), draw(0, 3)) if case % 3 else draw(0, 3)
        dilation = (draw(1, 3), draw(1, 3)) if case % 4 == 1 else 1
        dil = dilation if isinstance(dilation, tuple) else (dilation, dilation)
        shape = (draw(1, 5), draw(1, 8), draw(dil[0] * (kernel[0] - 1) + 1, 40), draw(dil[1] * (kernel[1] - 1) + 1, 40))
        cout = draw(1, 17)
        got = student.call("conv2d_output_shape", shape, cout, kernel, stride=stride, padding=padding, dilation=dilation)
        expect_shape_tuple(
            got, torch_conv2d_shape(shape, cout, kernel, stride, padding, dilation),
            f"conv2d_output_shape({shape}, {cout}, {kernel}, stride={stride}, padding={padding}, dilation={dilation})",
        )


# -- pool_output_size --------------------------------------------------------------

@check(points=2, title="pool_output_size: default stride and explicit strides, against F.max_pool1d")
def check_pool_output_size(student):
    cases = [(28, 2, None, 0), (24, 2, None, 0), (8, 2, None, 0), (9, 3, None, 0), (10, 3, 1, 0), (11, 3, 2, 1), (7, 2, None, 1)]
    for size, k, s, p in cases:
        expected = int(F.max_pool1d(torch.zeros(1, 1, size), k, s, p).shape[-1])
        mistakes = {}
        if s is None:
            mistakes["the stride defaulting to 1 (it should default to kernel_size)"] = (size + 2 * p - k) + 1
        args = (size, k) if s is None else (size, k, s)
        got = student.call("pool_output_size", *args, padding=p)
        expect_int(got, expected, f"pool_output_size({size}, {k}" + ("" if s is None else f", stride={s}") + f", padding={p})", mistakes=mistakes)


# -- parameters and MACs -------------------------------------------------------------

@check(points=2, title="conv2d_param_count: the lecture's figures and nn.Conv2d's parameters")
def check_conv2d_param_count(student):
    cases = [(5, 10, 3, True), (1, 1, 3, False), (3, 16, (3, 5), True), (16, 32, 1, False), (10, 20, 5, True)]
    for cin, cout, k, bias in cases:
        layer = nn.Conv2d(cin, cout, k, bias=bias, device="meta")
        expected = sum(p.numel() for p in layer.parameters())
        kh, kw = (k, k) if isinstance(k, int) else k
        mistakes = {
            "the bias was left out": cout * cin * kh * kw,
            "the bias was counted although bias=False": cout * cin * kh * kw + cout,
            "the input channels were left out": cout * kh * kw + (cout if bias else 0),
            "one bias per input channel instead of per output channel": cout * cin * kh * kw + (cin if bias else 0),
        }
        mistakes = {what: v for what, v in mistakes.items() if v != expected}
        got = student.call("conv2d_param_count", cin, cout, k, bias=bias)
        expect_int(got, expected, f"conv2d_param_count({cin}, {cout}, {k}, bias={bias})", mistakes=mistakes)


@check(points=2, title="conv2d_macs: multiply-accumulates of the lecture's layers")
def check_conv2d_macs(student):
    cases = [(1, 1, 3, 16, 2304), (100, 100, 5, 64, 1_024_000_000), (3, 8, (3, 5), (10, 12), 3 * 8 * 15 * 120), (16, 4, 1, (7, 9), 16 * 4 * 63)]
    for cin, cout, k, out, expected in cases:
        kh, kw = (k, k) if isinstance(k, int) else k
        oh, ow = (out, out) if isinstance(out, int) else out
        mistakes = {
            "the input channels were left out": cout * kh * kw * oh * ow,
            "the output size was used along one dimension only": cin * cout * kh * kw * oh,
            "the kernel was used along one dimension only": cin * cout * kh * oh * ow,
        }
        mistakes = {what: v for what, v in mistakes.items() if v != expected}
        got = student.call("conv2d_macs", cin, cout, k, out)
        expect_int(got, expected, f"conv2d_macs({cin}, {cout}, {k}, {out})", mistakes=mistakes)


@check(points=2, title="lenet_flatten_features: 320 for 28x28, and other input sizes")
def check_lenet_flatten_features(student):
    for h, w in [(28, 28), (32, 32), (36, 28), (40, 52)]:
        net = nn.Sequential(nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.Conv2d(10, 20, 5), nn.MaxPool2d(2)).to("meta")
        expected = int(net(torch.empty(1, 1, h, w, device="meta")).numel())
        no_pool = 20 * (h - 8) * (w - 8)
        got = student.call("lenet_flatten_features", h, w)
        expect_int(
            got, expected, f"lenet_flatten_features({h}, {w})",
            mistakes={"the pooling layers were left out": no_pool, "the 20 channels were left out": expected // 20},
        )
