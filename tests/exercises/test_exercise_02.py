"""Exercise 02: the reference passes; the stub scores zero; classic mistakes are named."""

from __future__ import annotations

import textwrap

import pytest

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT, by_id


def test_reference_passes_every_check(grade):
    result = grade("exercise_02", REPO_ROOT / "solutions")
    failing = {c.id: c.message for c in result.checks if c.status is not CheckStatus.PASSED}
    assert failing == {}
    assert result.points_earned == result.points_possible > 0


def test_the_reference_conv2d_output_shape_is_nn_conv2ds():
    """The public check compares with the reference (torch's own answer would be handed out
    with the kit): the reference must be what nn.Conv2d says, pairs and dilation included."""
    import torch
    from torch import nn

    from grader.engine.references import import_file

    reference = import_file(REPO_ROOT / "solutions" / "exercise_02.py", "_reference_exercise_02_test")
    gen = torch.Generator().manual_seed(7)

    def draw(lo: int, hi: int) -> int:
        return int(torch.randint(lo, hi, (1,), generator=gen))

    for case in range(60):
        kernel = (draw(1, 6), draw(1, 6))
        stride = (draw(1, 4), draw(1, 4)) if case % 2 else draw(1, 4)
        padding = (draw(0, 3), draw(0, 3)) if case % 3 else draw(0, 3)
        dilation = (draw(1, 3), draw(1, 3)) if case % 4 == 1 else draw(1, 3)
        dil = dilation if isinstance(dilation, tuple) else (dilation, dilation)
        shape = (draw(1, 5), draw(1, 8), draw(dil[0] * (kernel[0] - 1) + 1, 40), draw(dil[1] * (kernel[1] - 1) + 1, 40))
        cout = draw(1, 17)
        layer = nn.Conv2d(shape[1], cout, kernel, stride, padding, dilation, device="meta")
        expected = tuple(int(v) for v in layer(torch.empty(shape, device="meta")).shape)
        got = reference.conv2d_output_shape(shape, cout, kernel, stride=stride, padding=padding, dilation=dilation)
        assert got == expected, (shape, cout, kernel, stride, padding, dilation)


def test_stub_scores_zero(grade):
    result = grade("exercise_02", REPO_ROOT / "exercises")
    assert result.points_earned == 0
    assert all(c.message.startswith("not implemented yet") for c in result.checks)


MISTAKES = [
    pytest.param(
        """
        def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
            return (size - dilation * (kernel_size - 1) - 1) // stride + 1
        """,
        "conv_output_size_lecture", "padding was ignored", id="padding-ignored",
    ),
    pytest.param(
        """
        def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
            return (size + 2 * padding - dilation * (kernel_size - 1)) // stride + 1
        """,
        "conv_output_size_lecture", "off by one", id="off-by-one",
    ),
    pytest.param(
        """
        def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1):
            return (size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
        """,
        "conv_output_size_lecture", "return an int", id="float-result",
    ),
    pytest.param(
        """
        def pool_output_size(size, kernel_size, stride=None, padding=0):
            stride = 1 if stride is None else stride
            return (size + 2 * padding - kernel_size) // stride + 1
        """,
        "pool_output_size", "stride defaulting to 1", id="pool-stride-default-1",
    ),
    pytest.param(
        """
        def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True):
            kh, kw = _pair(kernel_size)
            return out_channels * in_channels * kh * kw
        """,
        "conv2d_param_count", "bias was left out", id="bias-forgotten",
    ),
    pytest.param(
        """
        def conv2d_macs(in_channels, out_channels, kernel_size, output_size):
            kh, kw = _pair(kernel_size)
            oh, ow = _pair(output_size)
            return out_channels * kh * kw * oh * ow
        """,
        "conv2d_macs", "input channels were left out", id="macs-without-channels",
    ),
    pytest.param(
        """
        def conv2d_macs(in_channels, out_channels, kernel_size, output_size):
            kh, kw = _pair(kernel_size)
            oh, ow = _pair(output_size)
            return in_channels * kh * kw * oh * ow
        """,
        "conv2d_macs", "output channels were left out", id="macs-without-output-channels",
    ),
    pytest.param(
        """
        def conv2d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1):
            n, c, h, w = input_shape
            k = kernel_size if isinstance(kernel_size, int) else kernel_size[0]
            return [n, out_channels, conv_output_size(h, k), conv_output_size(w, k)]
        """,
        "conv2d_output_shape_lecture", "returned a list", id="list-instead-of-tuple",
    ),
    pytest.param(
        """
        def conv2d_output_shape(input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1):
            n, c, h, w = input_shape
            return (n, out_channels, conv_output_size(h, kernel_size), conv_output_size(w, kernel_size))
        """,
        "conv2d_output_shape_lecture", "H_out: got 26, expected 28", id="shape-ignores-padding",
    ),
    pytest.param(
        """
        def lenet_flatten_features(height=28, width=28):
            return 20 * (height - 8) * (width - 8)
        """,
        "lenet_flatten_features", "pooling layers were left out", id="lenet-no-pooling",
    ),
]


@pytest.mark.parametrize("source, check_id, phrase", MISTAKES)
def test_mistake_is_diagnosed(grade, variant, source, check_id, phrase):
    result = grade("exercise_02", variant("exercise_02", textwrap.dedent(source)))
    check = by_id(result)[check_id]
    assert check.status is CheckStatus.FAILED, check.message
    assert phrase in check.message, check.message
    assert 0 < result.points_earned < result.points_possible
