"""Exercise 03: the reference passes, the stub scores zero, each classic mistake is named."""

from __future__ import annotations

import textwrap

import pytest

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT, by_id


def test_reference_passes_every_check(grade):
    result = grade("exercise_03", REPO_ROOT / "solutions")
    failing = {c.id: c.message for c in result.checks if c.status is not CheckStatus.PASSED}
    assert failing == {}
    assert result.points_earned == result.points_possible == 14


def test_stub_scores_zero_and_says_not_implemented(grade):
    result = grade("exercise_03", REPO_ROOT / "exercises")
    assert result.points_earned == 0
    for check in result.checks:
        assert check.status is CheckStatus.FAILED
        assert check.message.startswith("not implemented yet"), check.message


MISTAKES = [
    pytest.param(
        "def make_mlp():\n    return nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 64))\n",
        "make_mlp_structure", "make_mlp(): second Linear (`2`) has 64 outputs, expected 5", id="second-linear-64-outputs",
    ),
    pytest.param(
        "def make_mlp():\n    return nn.Sequential(nn.Linear(10, 128), nn.Linear(128, 5))\n",
        "make_mlp_structure", "no ReLU after the first linear layer", id="relu-missing",
    ),
    pytest.param(
        "def make_mlp():\n    return nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5), nn.Softmax(dim=1))\n",
        "make_mlp_structure", "applies softmax to its output; return the logits", id="sequential-softmax",
    ),
    pytest.param(
        "def make_mlp():\n    return [nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5)]\n",
        "make_mlp_structure", "make_mlp() returned list, expected an nn.Module", id="returns-list",
    ),
    pytest.param(
        "def make_mlp():\n    nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5))\n",
        "make_mlp_structure", "did you forget `return`?", id="forgot-return",
    ),
    pytest.param(
        "def make_mlp():\n    return nn.Sequential(nn.Linear(10, 128, bias=False), nn.ReLU(), nn.Linear(128, 5, bias=False))\n",
        "make_mlp_parameter_count", "has 1920 parameters, expected 2053: 133 fewer, exactly the bias terms of every layer", id="no-bias",
    ),
    pytest.param(
        """
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = nn.Linear(10, 128)
                self.fc2 = nn.Linear(128, 5)
            def forward(self, x):
                return self.fc2(torch.relu(self.fc1(x)))
        """,
        "mlp_class_structure", "MLP has no layer attribute `hidden` (its layers: fc1, fc2)", id="attribute-names",
    ),
    pytest.param(
        """
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(10, 128)
                self.out = nn.Linear(128, 5)
            def forward(self, x):
                return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=1)
        """,
        "mlp_class_forward", "looks like softmax applied to the output", id="class-softmax-values",
    ),
    pytest.param(
        """
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.hidden = nn.Linear(10, 128)
                self.out = nn.Linear(128, 5)
            def forward(self, x):
                return self.out(self.hidden(x))
        """,
        "mlp_class_forward", "looks like the ReLU is missing", id="class-relu-missing-values",
    ),
    pytest.param(
        """
        class MLP(nn.Module):
            def __init__(self):
                super().__init__()
                self.out = nn.Linear(128, 5)
                self.hidden = nn.Linear(10, 128)
            def forward(self, x):
                return self.out(torch.relu(self.hidden(x)))
        """,
        "mlp_class_forward", "cannot load the reference's weights into MLP()", id="weights-in-another-order",
    ),
    pytest.param(
        """
        _Ref = FCNet
        class FCNet(_Ref):
            def __init__(self):
                super().__init__()
                self.l3 = nn.Linear(256, 100)
                self.l4 = nn.Linear(100, 64)
        """,
        "fcnet_structure", "FCNet: third Linear (`l3`) has 100 outputs, expected 128", id="fcnet-third-linear",
    ),
    pytest.param(
        """
        _Ref = FCNet
        class FCNet(_Ref):
            def forward(self, x):
                return torch.log_softmax(super().forward(x), dim=1)
        """,
        "fcnet_structure", "FCNet.forward applies log_softmax to its output", id="fcnet-log-softmax",
    ),
    pytest.param(
        """
        _Ref = FCNet
        class FCNet(_Ref):
            def forward(self, x):
                if x.dim() != 2:
                    raise ValueError("expected flat input")
                return super().forward(x)
        """,
        "fcnet_forward", "raised ValueError: expected flat input", id="fcnet-rejects-image-input",
    ),
    pytest.param(
        """
        _Ref = FCNet
        class FCNet(_Ref):
            def forward(self, x):
                x = x.view(-1, 784)
                x = torch.relu(self.l1(x))
                x = torch.relu(self.l2(x))
                x = self.l3(x)
                x = torch.relu(self.l4(x))
                return self.l5(x)
        """,
        "fcnet_structure", "no ReLU after the third linear layer", id="fcnet-relu-missing",
    ),
]


@pytest.mark.parametrize("source, check_id, phrase", MISTAKES)
def test_mistake_is_diagnosed(grade, variant, source, check_id, phrase):
    result = grade("exercise_03", variant("exercise_03", textwrap.dedent(source)))
    check = by_id(result)[check_id]
    assert check.status in (CheckStatus.FAILED, CheckStatus.ERROR), check.message
    assert phrase in check.message
    assert check.points_earned == 0
    assert result.points_earned > 0
