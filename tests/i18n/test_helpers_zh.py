"""The check helpers speak the active language, in process: each ladder's rungs in Chinese,
with the student's expression, numbers and shapes exactly as in English."""

from __future__ import annotations

from typing import Callable

import pytest
import torch

from grader.authoring import CheckFailed, Mistake, differs_by, expect_each, expect_int, expect_shape_tuple, expect_tensor
from grader.authoring.modules import expect_layer_sizes, expect_param_count, expect_relu_between
from grader.authoring.training import expect_close_float, expect_float_list
from grader.i18n import N_, use_language
from grader.probes.training import Budget

A = Mistake("demo.a", "mistake a")
B = Mistake("demo.b", "mistake b")


def _said(language: str, call: Callable[[], None]) -> str:
    with use_language(language), pytest.raises(CheckFailed) as raised:
        call()
    return raised.value.message


CASES = [
    (lambda: expect_int(27, 26, "out_size(28, 3)"),
     "out_size(28, 3) returned 27, expected 26: off by one",
     "out_size(28, 3) 返回了 27，应为 26：差了 1"),
    (lambda: expect_int(12, 6, "count()", mistakes={A: 12}),
     "count() returned 12, expected 6: looks like mistake a",
     "count() 返回了 12，应为 6：看起来是mistake a"),
    (lambda: expect_int(26.0, 26, "out_size(28, 3)"),
     "out_size(28, 3) returned the float 26.0; return an int (use // or int(...))",
     "out_size(28, 3) 返回了浮点数 26.0；请返回 int（用 // 或 int(...)）"),
    (lambda: expect_int(None, 26, "out_size(28, 3)"),
     "out_size(28, 3) returned None; did you forget `return`?",
     "out_size(28, 3) 返回了 None；是不是忘了写 `return`？"),
    (lambda: expect_shape_tuple((2, 4, 13, 13), (2, 4, 14, 14), "output_shape()"),
     "output_shape() returned (2, 4, 13, 13), expected (2, 4, 14, 14) (H_out: got 13, expected 14; W_out: got 13, "
     "expected 14); off by one",
     "output_shape() 返回了 (2, 4, 13, 13)，应为 (2, 4, 14, 14)（H_out：得到 13，应为 14；W_out：得到 13，应为 14）；差了 1"),
    (lambda: expect_tensor([1.0, 2.0], torch.ones(2), "f(x)"),
     "f(x) returned a list; return a torch.Tensor (torch.stack or torch.tensor can build one)",
     "f(x) 返回了列表；请返回 torch.Tensor（可以用 torch.stack 或 torch.tensor 构建）"),
    (lambda: expect_tensor(torch.ones(2, 3), torch.ones(4, 5), "f(x)"),
     "f(x) has shape (2, 3), expected (4, 5)",
     "f(x) 的形状为 (2, 3)，应为 (4, 5)"),
    (lambda: expect_tensor(torch.ones(2, 3), torch.ones(3, 2), "f(x)"),
     "f(x) has shape (2, 3), expected (3, 2): the result is transposed: its last two dimensions (rows and columns) "
     "are swapped",
     "f(x) 的形状为 (2, 3)，应为 (3, 2)：结果被转置了：最后两个维度（行和列）互换了"),
    (lambda: expect_tensor(torch.ones(3, dtype=torch.int64), torch.ones(3), "f(x)"),
     "f(x) has dtype torch.int64, expected torch.float32; the result was computed in integers: keep the input's "
     "floating-point dtype",
     "f(x) 的数据类型（dtype）为 torch.int64，应为 torch.float32；结果是用整数计算的：请保持输入的浮点数据类型（dtype）"),
    (lambda: expect_tensor(torch.tensor([1.0, float("nan")]), torch.ones(2), "f(x)"),
     "f(x) contains NaN (first at index (1,)); expected finite values",
     "f(x) 含有 NaN（第一个位于索引 (1,)）；应为有限值"),
    (lambda: expect_tensor(torch.tensor([2.0, 4.0, 6.0]), torch.tensor([1.0, 2.0, 3.0]), "f(x)"),
     "f(x) has the right shape (3) but wrong values: 3 of 3 elements differ; every value is 2 times the expected "
     "one; the largest error is 3 at index (2,)\nexpected [1.0, 2.0, 3.0]\n     got [2.0, 4.0, 6.0]",
     "f(x) 的形状 (3) 正确，但数值错误：3 个元素中有 3 个不同；所有值都是期望值的 2 倍；最大误差为 3，位于索引 (2,)\n"
     "期望值 [1.0, 2.0, 3.0]\n实际值 [2.0, 4.0, 6.0]"),
    (lambda: expect_param_count(100, 110, "Net()", bias_terms=[4, 6]),
     "Net() has 100 parameters, expected 110: 10 fewer, exactly the bias terms of every layer; was it built with "
     "bias=False?",
     "Net() 有 100 个参数，应为 110：少了 10 个，恰好是每一层的偏置项；是不是用 bias=False 构建的？"),
    (lambda: expect_param_count(106, 110, "Net()", bias_terms=[4, 6]),
     "Net() has 106 parameters, expected 110: 4 fewer, exactly the bias terms of the first layer; was it built "
     "with bias=False?",
     "Net() 有 106 个参数，应为 110：少了 4 个，恰好是第一层的偏置项；是不是用 bias=False 构建的？"),
    (lambda: expect_int(16, 10, "count()", evidence=[differs_by(6, N_("the bias terms"))]),
     "count() returned 16, expected 10: exactly 6 more than expected: the bias terms",
     "count() 返回了 16，应为 10：恰好比期望值多 6：the bias terms"),
    (lambda: expect_layer_sizes({"called": [
        {"type": "Linear", "name": "fc1", "in": 784, "out": 64},
        {"type": "Linear", "name": "fc2", "in": 64, "out": 5}], "registered": []},
        "Linear", [(784, 64), (64, 10)], "FCNet()"),
     "FCNet(): second Linear (`fc2`) has 5 outputs, expected 10",
     "FCNet()：第二个 Linear（`fc2`） 有 5 个输出，应为 10"),
    (lambda: expect_relu_between({"ops": ["linear", "linear"]}, "FCNet()"),
     "FCNet(): no ReLU after the first linear layer; without a non-linearity between them, stacked layers "
     "collapse into one linear map",
     "FCNet()：第一个全连接层之后没有 ReLU；层与层之间没有非线性激活函数，叠加的层就会退化成一个线性映射"),
    # The probe's layer tags ("linear", "conv") are no words: each kind has its own messages.
    (lambda: expect_relu_between({"ops": ["conv", "maxpool", "conv"]}, "Net.forward", layer_kind="conv"),
     "Net.forward: no ReLU after the first conv layer; without a non-linearity between them, stacked layers "
     "collapse into one linear map",
     "Net.forward：第一个卷积层之后没有 ReLU；层与层之间没有非线性激活函数，叠加的层就会退化成一个线性映射"),
    (lambda: expect_relu_between({"ops": ["conv", "tanh", "conv"]}, "Net.forward", layer_kind="conv"),
     "Net.forward applies tanh after the first conv layer where the exercise asks for ReLU",
     "Net.forward 在第一个卷积层之后使用了 tanh，而练习要求的是 ReLU"),
    (lambda: expect_relu_between({"ops": ["relu", "linear", "linear", "relu", "linear"]}, "MLP.forward"),
     "MLP.forward applies ReLU to its input, before the first linear layer, and none after the first one: the "
     "ReLU belongs between the layers",
     "MLP.forward 在第一个全连接层之前对输入使用了 ReLU，而第一个全连接层之后却没有：ReLU 应该放在层与层之间"),
    # A named mistake about the expression itself: one whole sentence (no space glued before
    # the Chinese phrase).
    (lambda: expect_tensor(torch.ones(2) * 3, torch.ones(2), "f(x)", mistakes={A: torch.ones(2) * 3}),
     "f(x) looks like mistake a",
     "f(x)：看起来是mistake a"),
    (lambda: expect_tensor(torch.ones(2) * 3, torch.ones(2), "f(x)", mistakes={A: torch.ones(2) * 3,
                                                                              B: torch.ones(2) * 3}),
     "f(x) matches several known mistakes, which these inputs cannot tell apart: mistake a; or mistake b",
     "f(x)：与多个已知的常见错误相符，这些输入无法区分它们：mistake a；或者mistake b"),
    (lambda: expect_each([lambda: expect_tensor(torch.ones(2) * 2, torch.ones(2), "f(1)",
                                                mistakes={A: torch.ones(2) * 2, B: torch.ones(2) * 2}),
                          lambda: expect_tensor(torch.ones(2) * 4, torch.ones(2), "f(2)",
                                                mistakes={A: torch.ones(2) * 4, B: torch.ones(2) * 5})]),
     "f(1) looks like mistake a (the only known mistake that reproduces all 2 failing cases)",
     "f(1)：看起来是mistake a（在已知的常见错误中，只有它能重现全部 2 个未通过的用例）"),
    (lambda: expect_float_list([1.0], 3, "train()"),
     "train() returned 1 losses, expected 3 (one per epoch)",
     "train() 返回了 1 个损失值，应为 3 个（每轮一个）"),
    (lambda: expect_close_float(0.5, 0.25, "accuracy()", {}),
     "accuracy() returned 0.5, expected 0.25: exactly 2 times the expected value",
     "accuracy() 返回了 0.5，应为 0.25：恰好是期望值的 2 倍"),
    (lambda: expect_each([lambda: expect_int(2, 1, "f(1)", mistakes={A: 2, B: 2}),
                          lambda: expect_int(4, 2, "f(2)", mistakes={A: 4, B: 5})]),
     "f(1) returned 2, expected 1: looks like mistake a (the only known mistake that reproduces all 2 failing cases)",
     "f(1) 返回了 2，应为 1：看起来是mistake a（在已知的常见错误中，只有它能重现全部 2 个未通过的用例）"),
]


@pytest.mark.parametrize("call, english, chinese", CASES, ids=[english[:40] for _, english, _ in CASES])
def test_each_rung_in_english_and_in_chinese(call, english, chinese):
    assert _said("en", call) == english
    assert _said("zh", call) == chinese


def test_the_training_budget_in_both_languages():
    budget = Budget(lrs=(2e-3, 1e-3, 2.5e-4), batch_size=64)
    with use_language("en"):
        assert budget.describe() == "3 epochs of Adam (learning rate 0.002, 0.001, 0.00025 by epoch), batch size 64"
    with use_language("zh"):
        assert budget.describe() == "用 Adam 训练 3 轮（各轮学习率 0.002, 0.001, 0.00025），批大小 64"
