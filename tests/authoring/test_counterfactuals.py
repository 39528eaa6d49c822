"""Counterfactuals of the reference call (issue 23, part 1): a wrong answer is named by the
perturbed call that reproduces it, and only then."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from grader.authoring import Arguments, CheckFailed, expect_int, expect_shape_tuple, expect_tensor
from grader.authoring.counterfactuals import REDUCTIONS, counterfactual
from grader.authoring.diagnosis import not_searching


def conv(x, weight, bias=None, stride=1, padding=0, *, reduce="sum"):
    kh, kw = weight.shape[-2:]
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    out_h, out_w = (x.shape[-2] + 2 * ph - kh) // sh + 1, (x.shape[-1] + 2 * pw - kw) // sw + 1
    columns = F.unfold(x, (kh, kw), padding=(ph, pw), stride=(sh, sw))
    products = columns.unsqueeze(1) * weight.reshape(weight.shape[0], -1, 1)
    out = REDUCTIONS[reduce][1](products.transpose(-1, -2)).reshape(x.shape[0], weight.shape[0], out_h, out_w)
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def pool(x, kernel_size, stride=None, *, reduce="max"):
    k = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    s = k if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    n, c, h, w = x.shape
    columns = F.unfold(x.reshape(n * c, 1, h, w), k, stride=s)
    return REDUCTIONS[reduce][1](columns.transpose(-1, -2)).reshape(n, c, (h - k[0]) // s[0] + 1,
                                                                    (w - k[1]) // s[1] + 1)


CONV = Arguments(conv, "conv2d", pairs=("stride", "padding"), interchangeable=(("stride", "padding"),),
                 padding="padding", padded="x", kernel="weight", reduction="reduce",
                 dimensions={"x": ("N", "C", "H", "W")}, off_by_one=("stride", "padding"))
POOL = Arguments(pool, "max_pool2d", pairs=("kernel_size", "stride"), reduction="reduce", reduces="max",
                 dimensions={"x": ("N", "C", "H", "W")})

gen = torch.Generator().manual_seed(7)
X = torch.randn(2, 3, 9, 7, generator=gen)
W = torch.randn(4, 3, 3, 2, generator=gen)
B = torch.randn(4, generator=gen)
EXPECTED = F.conv2d(X, W, B, (2, 1), (1, 2))
CALL = CONV.call(X, W, B, stride=(2, 1), padding=(1, 2), shown={"weight": "w", "bias": "b"})


def failure(got, expected=EXPECTED, reference=CALL) -> CheckFailed:
    with pytest.raises(CheckFailed) as raised:
        expect_tensor(got, expected, "conv2d(x, w, b, stride=(2, 1), padding=(1, 2))", rtol=1e-4, atol=1e-4,
                      reference=reference)
    return raised.value


def test_the_reference_functions_here_are_torchs():
    assert torch.allclose(conv(X, W, B, (2, 1), (1, 2)), EXPECTED, atol=1e-5)
    assert torch.allclose(pool(X, (2, 3)), F.max_pool2d(X, (2, 3)))


def test_a_right_answer_passes_and_a_wrong_one_with_no_reproducing_call_names_nothing():
    expect_tensor(EXPECTED.clone(), EXPECTED, "conv2d", reference=CALL)
    told = failure(torch.randn(EXPECTED.shape, generator=gen))
    assert "it equals" not in told.message and not any(m.id.startswith("counterfactual.") for m in told.mistakes)


@pytest.mark.parametrize("got, mistake, said", [
    (F.conv2d(X, W, B, (1, 2), (1, 2)), "counterfactual.pair_reversed",
     "`conv2d(x, w, b, stride=(1, 2), padding=(1, 2))` exactly: the height and width of stride are swapped"),
    (F.conv2d(X, W, B, (1, 2), (2, 1)), "counterfactual.swapped", "stride and padding were used in each other's place"),
    (F.conv2d(F.pad(X, (2, 0, 1, 0)), W, B, (2, 1)), "counterfactual.padding_rule",
     "`conv2d(F.pad(x, (2, 0, 1, 0)), w, b, stride=(2, 1), padding=0)` exactly: all the padding was put on the top"),
    (F.conv2d(X, W, None, (2, 1), (1, 2)), "counterfactual.default_used", "bias was ignored (left at its default, None)"),
    (F.conv2d(X, W, B, (3, 1), (1, 2)), "counterfactual.argument_off_by_one",
     "the height of stride was taken as 3, one more than given"),
    (conv(X, W, B, (2, 1), (1, 2), reduce="max"), "counterfactual.reduction",
     "each window's maximum was taken instead of its sum (that reproduces it exactly)"),
])
def test_a_perturbed_call_that_reproduces_the_answer_is_named_with_the_call(got, mistake, said):
    told = failure(got)
    assert [m.id for m in told.mistakes] == [mistake]
    assert said in told.message
    assert told.message.startswith("conv2d(x, w, b, stride=(2, 1), padding=(1, 2)) has ")


def test_same_padding_is_tried_with_the_kernel_size_of_the_weight():
    x = torch.randn(1, 1, 6, 6, generator=gen)
    w = torch.randn(1, 1, 3, 3, generator=gen)
    told = failure(F.conv2d(x, w, padding=1), F.conv2d(x, w, padding=2), CONV.call(x, w, padding=2))
    assert '"same" padding was used' in told.message and "padding=2" in told.message


def test_dimensions_read_the_other_way_round_are_named_by_their_names():
    x = torch.randn(1, 4, 6, 10, generator=gen)
    got = F.max_pool2d(x.transpose(1, 2), (2, 3)).transpose(1, 2)
    told = failure(got, F.max_pool2d(x, (2, 3)), POOL.call(x, (2, 3)))
    assert "dimensions C and H of x were read the other way round (C taken as H)" in told.message
    assert [m.id for m in told.mistakes] == ["counterfactual.axes_swapped"]


def test_a_perturbation_that_gives_the_right_answer_explains_nothing():
    # A square kernel: "kernel_size reversed" gives the expected result, so it is never named.
    x = torch.randn(1, 2, 6, 6, generator=gen)
    told = failure(F.avg_pool2d(x, 2), F.max_pool2d(x, 2), POOL.call(x, (2, 2)))
    assert "reversed" not in told.message and "swapped" not in told.message
    assert [m.id for m in told.mistakes] == ["counterfactual.reduction"]


def test_the_search_is_off_when_asked_and_stops_at_its_budget():
    got = F.conv2d(X, W, B, (1, 2), (1, 2))
    with not_searching():
        assert "it equals" not in failure(got).message
    same = lambda g, v: isinstance(v, torch.Tensor) and g.shape == v.shape and bool(torch.allclose(g, v, atol=1e-4))  # noqa: E731
    assert counterfactual(got, EXPECTED, CALL, same, same, budget_s=0.0) is None
    assert counterfactual(got, EXPECTED, CALL, same, same) is not None


def size(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    return int(F.conv1d(torch.empty(1, 1, size, device="meta"), torch.empty(1, 1, kernel_size, device="meta"),
                        stride=stride, padding=padding).shape[-1])


SIZE = Arguments(size, "conv_output_size", interchangeable=(("kernel_size", "stride"), ("stride", "padding")))


def test_numbers_are_named_only_by_a_single_reproducing_call():
    with pytest.raises(CheckFailed) as raised:  # stride and padding passed in each other's place
        expect_int(size(28, 3, stride=1, padding=2), size(28, 3, 2, 1), "conv_output_size(28, 3, stride=2, padding=1)",
                   reference=SIZE.call(28, 3, stride=2, padding=1))
    assert "it equals `conv_output_size(28, 3, stride=1, padding=2)` exactly" in raised.value.message
    # 15 is one more than 14: "size one more" and the like are not tried for a single number
    # (they coincide too often), and the plain off-by-one evidence speaks instead.
    with pytest.raises(CheckFailed) as raised:
        expect_int(15, 14, "conv_output_size(28, 3, stride=2, padding=1)", reference=SIZE.call(28, 3, stride=2, padding=1))
    assert "it equals" not in raised.value.message and "off by one" in raised.value.message


def shape(input_shape, out_channels, kernel_size, stride=1):
    import torch.nn as nn
    layer = nn.Conv2d(input_shape[1], out_channels, kernel_size, stride, device="meta")
    return tuple(layer(torch.empty(*input_shape, device="meta")).shape)


def test_shape_tuples_name_a_shape_read_in_another_order():
    shapes = Arguments(shape, "conv2d_output_shape", pairs=("kernel_size", "stride"),
                       dimensions={"input_shape": ("N", "C", "H", "W")}, off_by_one=())
    with pytest.raises(CheckFailed) as raised:
        expect_shape_tuple(shape((1, 3, 20, 11), 5, (5, 2)), shape((1, 3, 20, 11), 5, (2, 5)),
                           "conv2d_output_shape((1, 3, 20, 11), 5, (2, 5))",
                           reference=shapes.call((1, 3, 20, 11), 5, (2, 5)))
    assert "it equals `conv2d_output_shape((1, 3, 20, 11), 5, (5, 2))` exactly: the height and width of " \
           "kernel_size are swapped" in raised.value.message


def test_a_model_fed_a_rescaled_or_renormalised_input_is_named():
    weight = torch.randn(3, 8, generator=gen)
    x = torch.rand(4, 8, generator=gen)
    model = Arguments(lambda x: torch.relu(x @ weight.T + 0.1), "Net()", inputs=("x",), off_by_one=(),
                      normalisations=((0.1307, 0.3081),))
    for got, shown in [(torch.relu((x / 255) @ weight.T + 0.1), "Net()(x / 255)"),
                       (torch.relu(((x - 0.1307) / 0.3081) @ weight.T + 0.1), "Net()((x - 0.1307) / 0.3081)")]:
        told = failure(got, torch.relu(x @ weight.T + 0.1), model.call(x))
        assert f"it equals `{shown}` exactly" in told.message
        assert [m.id for m in told.mistakes] == ["counterfactual.input_rescaled"]
