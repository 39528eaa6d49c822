"""Checks for exercise 02: layer shapes and costs.

Expected values come from the lecture's figures and from what torch's own layers
produce (on the meta device: shapes without computing anything). Where a public check
would need torch to answer a stub function's question whole (conv2d_output_shape's
random cases), it asks the reference instead, which tests/exercises/test_exercise_02.py
holds to nn.Conv2d: a function here that answers it would be handed out with the kit.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from grader.authoring import Arguments, Mistake, check, differs_by, expect_each, expect_int, expect_shape_tuple, factor
from grader.i18n import N_, tr

GEN_SEED = 2024


SIZE_PADDING_IGNORED = Mistake("conv_output_size.padding_ignored", "conv_output_size ignores the padding",
                               "the padding was ignored")
SIZE_PADDING_ONCE = Mistake("conv_output_size.padding_once", "conv_output_size counts the padding once",
                            "the padding was counted once instead of on both sides")
SIZE_STRIDE_IGNORED = Mistake("conv_output_size.stride_ignored", "conv_output_size ignores the stride",
                              "the stride was ignored")
SIZE_DILATION_IGNORED = Mistake("conv_output_size.dilation_ignored", "conv_output_size ignores the dilation",
                                "the dilation was ignored")
SIZE_DILATED_SPAN = Mistake(
    "conv_output_size.dilated_span", "conv_output_size takes dilation*kernel_size as the dilated kernel's span",
    "the dilated kernel was taken to span dilation*kernel_size (it spans dilation*(kernel_size-1)+1)")
SIZE_CEIL = Mistake("conv_output_size.rounded_up", "conv_output_size rounds the division up",
                    "true division rounded up instead of floor")
POOL_STRIDE_1 = Mistake("pool_output_size.stride_default_1", "pool_output_size's stride defaults to 1",
                        "the stride defaulting to 1 (it should default to kernel_size)")
POOL_PADDING_IGNORED = Mistake("pool_output_size.padding_ignored", "pool_output_size ignores the padding",
                               "the padding was ignored")
SHAPE_IN_CHANNELS = Mistake(
    "conv2d_output_shape.in_channels_kept", "conv2d_output_shape keeps the input's channels",
    "the input's channel count was kept; a convolution's output has out_channels channels")
PARAMS_BIAS_LEFT_OUT = Mistake("conv2d_param_count.bias_left_out", "conv2d_param_count leaves out the bias",
                               "the bias was left out")
PARAMS_BIAS_UNASKED = Mistake("conv2d_param_count.bias_counted", "conv2d_param_count counts a bias when bias=False",
                              "the bias was counted although bias=False")
PARAMS_NO_IN_CHANNELS = Mistake("conv2d_param_count.in_channels_left_out",
                                "conv2d_param_count leaves out the input channels",
                                "the input channels were left out")
PARAMS_BIAS_PER_INPUT = Mistake("conv2d_param_count.bias_per_input_channel",
                                "conv2d_param_count counts one bias per input channel",
                                "one bias per input channel instead of per output channel")
PARAMS_SQUARE_KERNEL = Mistake("conv2d_param_count.kernel_square", "conv2d_param_count takes the kernel as square",
                               "the kernel was taken as square (kh*kh) although it is (kh, kw)")
MACS_NO_IN_CHANNELS = Mistake("conv2d_macs.in_channels_left_out", "conv2d_macs leaves out the input channels",
                              "the input channels were left out")
MACS_NO_OUT_CHANNELS = Mistake("conv2d_macs.out_channels_left_out", "conv2d_macs leaves out the output channels",
                               "the output channels were left out")
MACS_OUTPUT_ONE_DIM = Mistake("conv2d_macs.output_one_dimension", "conv2d_macs uses one output dimension",
                              "the output size was used along one dimension only")
MACS_KERNEL_ONE_DIM = Mistake("conv2d_macs.kernel_one_dimension", "conv2d_macs uses one kernel dimension",
                              "the kernel was used along one dimension only")
MACS_AS_FLOPS = Mistake("conv2d_macs.flops", "conv2d_macs counts FLOPs (2 per MAC)",
                        "a multiply and an add were counted separately (FLOPs, 2 per multiply-accumulate)")
LENET_NO_POOLING = Mistake("lenet_flatten_features.pooling_left_out", "lenet_flatten_features leaves out pooling",
                           "the pooling layers were left out")
LENET_NO_CHANNELS = Mistake("lenet_flatten_features.channels_left_out",
                            "lenet_flatten_features leaves out the 20 channels", "the 20 channels were left out")


def conv_size_mistakes(size: int, k: int, s: int, p: int, d: int) -> dict[Mistake, int]:
    def formula(size: int, k: int, s: int, p: int, d: int) -> int:
        return (size + 2 * p - d * (k - 1) - 1) // s + 1

    mistakes = {
        SIZE_PADDING_IGNORED: formula(size, k, s, 0, d),
        SIZE_PADDING_ONCE: formula(size - p, k, s, p, d),
        SIZE_STRIDE_IGNORED: formula(size, k, 1, p, d),
        SIZE_DILATION_IGNORED: formula(size, k, s, p, 1),
        SIZE_DILATED_SPAN: (size + 2 * p - d * k) // s + 1,
    }
    if s > 1:
        mistakes[SIZE_CEIL] = -(-(size + 2 * p - d * (k - 1) - 1) // s) + 1
    return mistakes


# -- the reference, re-runnable with other arguments -------------------------------
# When no named mistake reproduces a wrong number, the helpers re-run the reference
# fixture's function with the arguments perturbed (grader.authoring.counterfactuals).
# Not a function of this file: one that answers the question would ship with the kit
# (a kit's recorded reference answers no perturbed call, so there they say nothing).

CONV_SIZE = Arguments(None, "conv_output_size", "size, kernel_size, stride=1, padding=0, dilation=1",
                      interchangeable=(("kernel_size", "stride"), ("stride", "padding"), ("padding", "dilation"),
                                       ("stride", "dilation")))
CONV2D_SHAPE = Arguments(None, "conv2d_output_shape",
                         "input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1",
                         pairs=("kernel_size", "stride", "padding", "dilation"),
                         interchangeable=(("stride", "padding"), ("kernel_size", "stride")),
                         dimensions={"input_shape": ("N", "C", "H", "W")})
POOL_SIZE = Arguments(None, "pool_output_size", "size, kernel_size, stride=None, padding=0",
                      interchangeable=(("kernel_size", "stride"),))
PARAM_COUNT = Arguments(None, "conv2d_param_count", "in_channels, out_channels, kernel_size, bias=True",
                        pairs=("kernel_size",), interchangeable=(("in_channels", "out_channels"),))
MACS = Arguments(None, "conv2d_macs", "in_channels, out_channels, kernel_size, output_size",
                 pairs=("kernel_size", "output_size"),
                 interchangeable=(("in_channels", "out_channels"), ("kernel_size", "output_size")))
FLATTEN = Arguments(None, "lenet_flatten_features", "height=28, width=28", interchangeable=(("height", "width"),))


# -- conv_output_size --------------------------------------------------------------

LECTURE_SIZES = [
    # (size, kernel, stride, padding, expected, where it comes from: translated where shown)
    (28, 3, 1, 0, 26, N_("Conv2d(1, 3, 3) on 28x28")),
    (28, 3, 1, 1, 28, N_("Conv2d(1, 3, 3, padding=1) on 28x28")),
    (28, 3, 2, 1, 14, N_("Conv2d(1, 3, 3, stride=2, padding=1) on 28x28")),
    (100, 3, 1, 0, 98, N_("Conv2d(5, 10, 3) on 100x100")),
    (10, 5, 2, 1, 4, N_("a 10x10 input with K=5, P=1, S=2")),
    (32, 3, 2, 1, 16, N_("a 32x32 input with K=3, P=1, S=2")),
]


@check(points=2, title="conv_output_size: the lecture's figures")
def check_conv_output_size_lecture(student, reference):
    def case(size, k, s, p, expected, source):
        got = student.call("conv_output_size", size, k, stride=s, padding=p)
        return lambda: expect_int(
            got, expected, f"conv_output_size({size}, {k}, stride={s}, padding={p}) ({tr(source)})",
            mistakes=conv_size_mistakes(size, k, s, p, 1),
            reference=CONV_SIZE.of(reference.conv_output_size).call(size, k, stride=s, padding=p),
        )

    expect_each([case(*row) for row in LECTURE_SIZES])


@check(points=2, title="conv_output_size: random cases, dilation included, against torch", hidden=True)
def check_conv_output_size_random(student, reference):
    def torch_conv_size(size: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
        out = F.conv1d(torch.empty(1, 1, size, device="meta"), torch.empty(1, 1, k, device="meta"), stride=s,
                       padding=p, dilation=d)
        return int(out.shape[-1])

    gen = torch.Generator().manual_seed(GEN_SEED)
    cases = []
    for _ in range(12):
        k = int(torch.randint(1, 6, (1,), generator=gen))
        d = int(torch.randint(1, 3, (1,), generator=gen))
        s = int(torch.randint(1, 4, (1,), generator=gen))
        p = int(torch.randint(0, 3, (1,), generator=gen))
        size = int(torch.randint(d * (k - 1) + 1, 40, (1,), generator=gen))
        got = student.call("conv_output_size", size, k, stride=s, padding=p, dilation=d)
        cases.append(lambda got=got, size=size, k=k, s=s, p=p, d=d: expect_int(
            got, torch_conv_size(size, k, s, p, d),
            f"conv_output_size({size}, {k}, stride={s}, padding={p}, dilation={d})",
            mistakes=conv_size_mistakes(size, k, s, p, d),
            reference=CONV_SIZE.of(reference.conv_output_size).call(size, k, stride=s, padding=p, dilation=d),
        ))
    # Every case runs: where one answer fits several known mistakes, the others tell them apart.
    expect_each(cases)


# -- conv2d_output_shape -----------------------------------------------------------

@check(points=2, title="conv2d_output_shape: the lecture's layers")
def check_conv2d_output_shape_lecture(student, reference):
    cases = [
        ((1, 1, 28, 28), 3, 3, 1, 0, (1, 3, 26, 26)),
        ((1, 1, 28, 28), 3, 3, 1, 1, (1, 3, 28, 28)),
        ((1, 1, 28, 28), 3, 3, 2, 1, (1, 3, 14, 14)),
        ((1, 5, 100, 100), 10, 3, 1, 0, (1, 10, 98, 98)),
    ]
    for shape, cout, k, s, p, expected in cases:
        got = student.call("conv2d_output_shape", shape, cout, k, stride=s, padding=p)
        expect_shape_tuple(got, expected, f"conv2d_output_shape({shape}, {cout}, {k}, stride={s}, padding={p})",
                           mistakes={SHAPE_IN_CHANNELS: (expected[0], shape[1], *expected[2:])},
                           reference=CONV2D_SHAPE.of(reference.conv2d_output_shape).call(shape, cout, k, stride=s, padding=p))


@check(points=2, title="conv2d_output_shape: (h, w) pairs and dilation, against nn.Conv2d")
def check_conv2d_output_shape_random(student, reference):
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
        expected = reference.conv2d_output_shape(shape, cout, kernel, stride=stride, padding=padding, dilation=dilation)
        expect_shape_tuple(
            got, expected,
            f"conv2d_output_shape({shape}, {cout}, {kernel}, stride={stride}, padding={padding}, dilation={dilation})",
            mistakes={SHAPE_IN_CHANNELS: (expected[0], shape[1], *expected[2:])},
            reference=CONV2D_SHAPE.of(reference.conv2d_output_shape).call(
                shape, cout, kernel, stride=stride, padding=padding, dilation=dilation),
        )


# -- pool_output_size --------------------------------------------------------------

@check(points=2, title="pool_output_size: default stride and explicit strides, against F.max_pool1d")
def check_pool_output_size(student, reference):
    cases = [(28, 2, None, 0), (24, 2, None, 0), (8, 2, None, 0), (9, 3, None, 0), (10, 3, 1, 0), (11, 3, 2, 1), (7, 2, None, 1)]
    for size, k, s, p in cases:
        expected = int(F.max_pool1d(torch.zeros(1, 1, size), k, s, p).shape[-1])
        mistakes = {POOL_PADDING_IGNORED: (size - k) // (s or k) + 1}
        if s is None:
            mistakes[POOL_STRIDE_1] = (size + 2 * p - k) + 1
        args = (size, k) if s is None else (size, k, s)
        got = student.call("pool_output_size", *args, padding=p)
        expect_int(got, expected, f"pool_output_size({size}, {k}" + ("" if s is None else f", stride={s}") + f", padding={p})",
                   mistakes=mistakes, reference=POOL_SIZE.of(reference.pool_output_size).call(*args, padding=p))


# -- parameters and MACs -------------------------------------------------------------

@check(points=2, title="conv2d_param_count: the lecture's figures and nn.Conv2d's parameters")
def check_conv2d_param_count(student, reference):
    cases = [(5, 10, 3, True), (1, 1, 3, False), (3, 16, (3, 5), True), (16, 32, 1, False), (10, 20, 5, True)]
    for cin, cout, k, bias in cases:
        layer = nn.Conv2d(cin, cout, k, bias=bias, device="meta")
        expected = sum(p.numel() for p in layer.parameters())
        kh, kw = (k, k) if isinstance(k, int) else k
        mistakes = {
            PARAMS_BIAS_LEFT_OUT: cout * cin * kh * kw,
            PARAMS_BIAS_UNASKED: cout * cin * kh * kw + cout,
            PARAMS_NO_IN_CHANNELS: cout * kh * kw + (cout if bias else 0),
            PARAMS_BIAS_PER_INPUT: cout * cin * kh * kw + (cin if bias else 0),
            PARAMS_SQUARE_KERNEL: cout * cin * kh * kh + (cout if bias else 0),
        }
        got = student.call("conv2d_param_count", cin, cout, k, bias=bias)
        expect_int(got, expected, f"conv2d_param_count({cin}, {cout}, {k}, bias={bias})", mistakes=mistakes,
                   evidence=[differs_by(cout, tr("the number of bias terms (out_channels = {cout})", cout=cout)),
                             factor(cin, tr("a factor of in_channels = {cin}", cin=cin))],
                   reference=PARAM_COUNT.of(reference.conv2d_param_count).call(cin, cout, k, bias=bias))


@check(points=2, title="conv2d_macs: multiply-accumulates of the lecture's layers")
def check_conv2d_macs(student, reference):
    # A case whose in_channels differ from its out_channels comes first: the first case
    # that fails is the one the message is about, and with equal channel counts leaving
    # out either gives the same number.
    cases = [(3, 8, (3, 5), (10, 12), 3 * 8 * 15 * 120), (16, 4, 1, (7, 9), 16 * 4 * 63), (1, 1, 3, 16, 2304),
             (100, 100, 5, 64, 1_024_000_000)]
    for cin, cout, k, out, expected in cases:
        kh, kw = (k, k) if isinstance(k, int) else k
        oh, ow = (out, out) if isinstance(out, int) else out
        mistakes = {
            MACS_NO_IN_CHANNELS: cout * kh * kw * oh * ow,
            MACS_NO_OUT_CHANNELS: cin * kh * kw * oh * ow,
            MACS_OUTPUT_ONE_DIM: cin * cout * kh * kw * oh,
            MACS_KERNEL_ONE_DIM: cin * cout * kh * oh * ow,
            MACS_AS_FLOPS: 2 * expected,
        }
        got = student.call("conv2d_macs", cin, cout, k, out)
        expect_int(got, expected, f"conv2d_macs({cin}, {cout}, {k}, {out})", mistakes=mistakes,
                   reference=MACS.of(reference.conv2d_macs).call(cin, cout, k, out))


@check(points=2, title="lenet_flatten_features: 320 for 28x28, and other input sizes")
def check_lenet_flatten_features(student, reference):
    for h, w in [(28, 28), (32, 32), (36, 28), (40, 52)]:
        net = nn.Sequential(nn.Conv2d(1, 10, 5), nn.MaxPool2d(2), nn.Conv2d(10, 20, 5), nn.MaxPool2d(2)).to("meta")
        expected = int(net(torch.empty(1, 1, h, w, device="meta")).numel())
        no_pool = 20 * (h - 8) * (w - 8)
        got = student.call("lenet_flatten_features", h, w)
        expect_int(
            got, expected, f"lenet_flatten_features({h}, {w})",
            mistakes={LENET_NO_POOLING: no_pool, LENET_NO_CHANNELS: expected // 20},
            reference=FLATTEN.of(reference.lenet_flatten_features).call(h, w),
        )
