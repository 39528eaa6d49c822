"""Behaviour over spelling: layers recognised by what they compute, and structural
complaints waived (or reworded) when the network computes the reference's function."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.authoring import CheckFailed
from grader.authoring.modules import expect_relu_between, expect_structure
from grader.probes.modules import describe, example_input


class TwoLayers(nn.Module):
    def __init__(self, activation) -> None:
        super().__init__()
        self.a, self.b, self.activation = nn.Linear(10, 8), nn.Linear(8, 4), activation

    def forward(self, x):
        return self.b(self.activation(self.a(x)))


@pytest.mark.parametrize("relu", [
    F.relu,
    lambda h: h.clamp(min=0),
    lambda h: torch.maximum(h, torch.zeros(())),
    lambda h: h * (h > 0),
    lambda h: torch.where(h > 0, h, torch.zeros_like(h)),
    lambda h: F.relu_(h.clone()),
    nn.ReLU(inplace=True),
], ids=["F.relu", "clamp", "maximum", "mask", "where", "relu_", "nn.ReLU(inplace)"])
def test_every_spelling_of_relu_counts_as_one_relu(relu):
    ops = describe(TwoLayers(relu), example_input([2, 10]))["ops"]
    assert ops == ["linear", "relu", "linear"]


def test_functional_linear_layers_are_recognised_with_their_sizes():
    class Functional(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w1, self.w2 = nn.Parameter(torch.randn(8, 10)), nn.Parameter(torch.randn(4, 8))

        def forward(self, x):
            return F.linear(torch.relu(x @ self.w1.T), self.w2)

    description = describe(Functional(), example_input([2, 10]))
    assert description["ops"] == ["linear", "relu", "linear"]
    assert description["linear_sizes"] == [[10, 8], [8, 4]]


def test_a_copy_or_view_of_a_relu_is_not_a_second_relu_and_identity_is_no_relu():
    ops = describe(TwoLayers(lambda h: h.clamp(min=0).view(2, -1).contiguous()), example_input([2, 10]))["ops"]
    assert ops == ["linear", "relu", "linear"]
    assert describe(TwoLayers(lambda h: h.contiguous()), example_input([2, 10]))["ops"] == ["linear", "linear"]


def test_a_hand_written_max_pool_is_a_max_pool():
    class Pooled(nn.Module):
        def forward(self, x):
            return x.unfold(2, 2, 2).unfold(3, 2, 2).amax(dim=(-2, -1))

    assert describe(Pooled(), example_input([1, 2, 6, 6]))["ops"] == ["maxpool"]


def test_sigmoid_between_layers_is_named_not_called_a_missing_non_linearity():
    description = describe(TwoLayers(torch.sigmoid), example_input([2, 10]))
    with pytest.raises(CheckFailed) as raised:
        expect_relu_between(description, "Net")
    assert "applies sigmoid after the first linear layer where the exercise asks for ReLU" in raised.value.message
    assert "collapse" not in raised.value.message


def _complain(message: str):
    def expectation() -> None:
        raise CheckFailed(message)
    return expectation


def test_computed_complaints_are_waived_when_the_function_is_the_same():
    expect_structure("Net", computed=[_complain("no ReLU")], same_function=lambda: True)
    with pytest.raises(CheckFailed, match="no ReLU"):
        expect_structure("Net", computed=[_complain("no ReLU")], same_function=lambda: False)


def test_asked_forms_still_cost_points_but_say_the_function_is_right():
    with pytest.raises(CheckFailed) as raised:
        expect_structure("make_mlp()", asked=[_complain("not an nn.Sequential")], same_function=lambda: True)
    assert raised.value.message.startswith("make_mlp() computes the same function as the reference")
    assert raised.value.message.endswith("not an nn.Sequential")
    assert [m.id for m in raised.value.mistakes] == ["network.form_differs"]


def test_the_equivalence_probe_runs_once_and_only_when_needed():
    calls = []

    def same() -> bool:
        calls.append(1)
        return True

    expect_structure("Net", computed=[lambda: None], same_function=same)
    assert calls == []
    expect_structure("Net", computed=[_complain("a"), _complain("b")], same_function=same)
    assert calls == [1]
