"""Exercise 01: the reference passes every check; each classic mistake is named."""

from __future__ import annotations

import textwrap

import pytest
import torch

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT, by_id


def test_reference_passes_every_check(grade):
    result = grade("exercise_01", REPO_ROOT / "solutions")
    assert result.checks, "no checks were collected"
    failing = {c.id: c.message for c in result.checks if c.status is not CheckStatus.PASSED}
    assert failing == {}
    assert result.points_earned == result.points_possible == 20


def test_stub_scores_zero_and_says_not_implemented(grade):
    result = grade("exercise_01", REPO_ROOT / "exercises")
    assert result.points_earned == 0
    for check in result.checks:
        assert check.status is CheckStatus.FAILED
        assert check.message.startswith("not implemented yet"), check.message


def test_course_values_in_checks_match_the_reference():
    import importlib.util
    spec = importlib.util.spec_from_file_location("ref01", REPO_ROOT / "solutions" / "exercise_01.py")
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    x = torch.tensor([[3, 4, 6, 5, 7], [2, 4, 6, 8, 2], [1, 6, 7, 8, 4], [9, 7, 4, 6, 2], [3, 7, 5, 4, 1]], dtype=torch.float32)
    k = torch.arange(1, 10, dtype=torch.float32).view(3, 3)
    padded = ref.conv2d(x[None, None], k[None, None], padding=1)[0, 0]
    assert padded[0, 0] == 91
    assert padded[1:4, 1:4].tolist() == [[211, 295, 262], [259, 282, 214], [251, 253, 169]]
    assert ref.conv2d(x[None, None], k[None, None], stride=2)[0, 0].tolist() == [[211, 262], [251, 169]]


MISTAKES = [
    pytest.param(
        """
        def corr2d(x, k):
            k = k.flip(0, 1)
            kh, kw = k.shape
            out = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1)
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
            return out
        """,
        "corr2d_lecture_example", CheckStatus.FAILED, "kernel is flipped", id="kernel-flipped",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            return _ref_conv2d(x, weight, bias, stride, 0)
        """,
        "conv2d_lecture_padding", CheckStatus.FAILED, "padding was ignored", id="padding-ignored",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            return _ref_conv2d(x, weight, bias, 1, padding)
        """,
        "conv2d_lecture_stride", CheckStatus.FAILED, "stride was ignored", id="stride-ignored",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            return _ref_conv2d(x, weight, None, stride, padding)
        """,
        "conv2d_lecture_bias", CheckStatus.FAILED, "bias was ignored", id="bias-ignored",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            outs = [_ref_conv2d(x[:, c:c+1], weight[:, c:c+1], None, stride, padding) for c in range(x.shape[1])]
            return torch.stack(outs, dim=2)
        """,
        "conv2d_random", CheckStatus.FAILED, "channels were not summed", id="channels-not-summed",
    ),
    pytest.param(
        """
        def corr2d(x, k):
            kh, kw = k.shape
            out = torch.zeros(x.shape[0] - kh, x.shape[1] - kw)
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
            return out
        """,
        "corr2d_lecture_example", CheckStatus.FAILED, "off by one", id="output-size-off-by-one",
    ),
    pytest.param(
        """
        _ref_max = max_pool2d
        def max_pool2d(x, kernel_size, stride=None):
            return _ref_max(x, kernel_size, 1 if stride is None else stride)
        """,
        "max_pool_lecture_example", CheckStatus.FAILED, "stride defaulting to 1", id="pool-stride-default-1",
    ),
    pytest.param(
        """
        def corr2d(x, k):
            kh, kw = k.shape
            out = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1, dtype=torch.int64)
            for i in range(out.shape[0]):
                for j in range(out.shape[1]):
                    out[i, j] = int((x[i:i + kh, j:j + kw] * k).sum())
            return out
        """,
        "corr2d_lecture_example", CheckStatus.FAILED, "computed in integers", id="int-dtype",
    ),
    pytest.param(
        """
        _ref_corr = corr2d
        def corr2d(x, k):
            return _ref_corr(x, k).tolist()
        """,
        "corr2d_lecture_example", CheckStatus.FAILED, "returned a list", id="returns-list",
    ),
    pytest.param(
        """
        _ref_corr = corr2d
        def corr2d(x, k):
            return _ref_corr(x, k).numpy()
        """,
        "corr2d_lecture_example", CheckStatus.FAILED, "returned a numpy.ndarray", id="returns-numpy",
    ),
    pytest.param(
        """
        import torch.nn.functional as F
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            return F.conv2d(x, weight, bias, stride, padding)
        """,
        "conv2d_random", CheckStatus.FAILED, "used a torch convolution", id="forbidden-F-conv2d",
    ),
    pytest.param(
        """
        def max_pool2d(x, kernel_size, stride=None):
            return torch.nn.MaxPool2d(kernel_size, stride)(x)
        """,
        "max_pool_random", CheckStatus.FAILED, "torch's max pooling", id="forbidden-nn-MaxPool2d",
    ),
    pytest.param(
        """
        _helper = getattr(torch.nn.functional, "unf" + "old")
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            cols = _helper(x, weight.shape[2:], padding=padding, stride=stride)
            out = weight.view(weight.shape[0], -1) @ cols
            h = (x.shape[2] + 2 * padding - weight.shape[2]) // stride + 1
            out = out.view(x.shape[0], weight.shape[0], h, -1)
            return out if bias is None else out + bias.view(1, -1, 1, 1)
        """,
        "conv2d_lecture_padding", CheckStatus.FAILED, "im2col", id="forbidden-F-unfold-reached-indirectly",
    ),
    pytest.param(
        """
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            raise RuntimeError("oops")
        """,
        "conv2d_random", CheckStatus.ERROR, "RuntimeError: oops", id="raises",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            if x.shape[1] != weight.shape[1]:
                raise TypeError("bad")
            return _ref_conv2d(x, weight, bias, stride, padding)
        """,
        "conv2d_channel_mismatch", CheckStatus.FAILED, "raise ValueError instead", id="wrong-exception-type",
    ),
    pytest.param(
        """
        _ref_conv2d = conv2d
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            if x.shape[1] != weight.shape[1]:
                raise ValueError("channels differ")
            return _ref_conv2d(x, weight, bias, stride, padding)
        """,
        "conv2d_channel_mismatch", CheckStatus.FAILED, "should name both channel counts", id="error-without-numbers",
    ),
    pytest.param(
        """
        _ref = conv1x1
        def conv1x1(x, weight, bias=None):
            return _ref(x, weight, None)
        """,
        "conv1x1", CheckStatus.FAILED, "bias was ignored", id="conv1x1-bias-ignored",
    ),
    pytest.param(
        """
        _ref = avg_pool2d
        def avg_pool2d(x, kernel_size, stride=None):
            return _ref(x, kernel_size, stride) + 0.01
        """,
        "avg_pool_random", CheckStatus.FAILED, "largest error is", id="wrong-values-excerpt",
    ),
]


@pytest.mark.parametrize("source, check_id, status, phrase", MISTAKES)
def test_mistake_is_diagnosed(grade, variant, source, check_id, status, phrase):
    result = grade("exercise_01", variant("exercise_01", textwrap.dedent(source)))
    check = by_id(result)[check_id]
    assert check.status is status, check.message
    assert phrase in check.message
    assert check.points_earned == 0
    # The mistake costs only the checks it touches.
    assert result.points_earned > 0


@pytest.mark.parametrize("source, check_id, mistake_id", [
    pytest.param(MISTAKES[0].values[0], "corr2d_lecture_example", "corr2d.kernel_flipped", id="flipped"),
    pytest.param(MISTAKES[1].values[0], "conv2d_lecture_padding", "conv2d.padding_ignored", id="padding"),
    pytest.param("""
        import torch.nn.functional as F
        def conv2d(x, weight, bias=None, stride=1, padding=0):
            return F.conv2d(x, weight, bias, stride, padding)
        """, "conv2d_random", "answer.forbidden_operation", id="forbidden"),
])
def test_named_mistakes_are_recorded_as_data(grade, variant, source, check_id, mistake_id):
    check = by_id(grade("exercise_01", variant("exercise_01", textwrap.dedent(source))))[check_id]
    assert [(m.id, m.message) for m in check.mistakes] == [(mistake_id, check.message)]
