"""Exercise 06: layer counts from what forward runs, output shape, MNIST and the comparison."""

from __future__ import annotations

import textwrap

import pytest
from rich.console import Console

from grader.models.results import CheckStatus, SubmissionReport
from grader.report.terminal import render_terminal
from tests.conftest import REPO_ROOT, by_id
from tests.data.tiny_mnist import write_tiny_mnist
from tests.exercises.mnist_support import grade_with_data, real_mnist  # noqa: F401 - fixtures


def test_reference_passes_and_mnist_check_is_not_run_without_data(grade):
    result = grade("exercise_06", REPO_ROOT / "solutions")
    checks = by_id(result)
    assert checks["layer_counts"].status is CheckStatus.PASSED, checks["layer_counts"].message
    assert checks["output_shape"].status is CheckStatus.PASSED
    assert checks["mnist_accuracy"].status is CheckStatus.SKIPPED
    assert checks["mnist_accuracy"].message.startswith("not run: MNIST data not found")
    assert result.comparison == {}


def test_stub_scores_zero(grade):
    result = grade("exercise_06", REPO_ROOT / "exercises")
    assert result.points_earned == 0


def test_comparison_is_filled_and_rendered_on_tiny_data(grade_with_data, tmp_path):
    write_tiny_mnist(tmp_path / "mnist", train=64, test=16)
    result = grade_with_data("exercise_06", REPO_ROOT / "solutions", tmp_path / "mnist", full=False)
    assert set(result.comparison) == {"DeepNet (yours)", "Net (course)"}
    assert result.comparison["Net (course)"]["parameters"] == 8490
    assert result.comparison["Net (course)"]["MACs per image"] == 467200
    assert result.comparison["DeepNet (yours)"]["parameters"] == 51786
    console = Console(width=120, record=True, no_color=True)
    report = SubmissionReport(grader_version="test", submission="x", exercises=[result])
    render_terminal(report, console)
    text = console.export_text()
    assert "exercise_06: comparison" in text and "MACs per image" in text and "467,200" in text.replace("467200", "467,200")


def test_reference_reaches_the_threshold_on_real_mnist(grade_with_data, real_mnist):
    result = grade_with_data("exercise_06", REPO_ROOT / "solutions", real_mnist)
    failing = {c.id: c.message for c in result.checks if c.status is not CheckStatus.PASSED}
    assert failing == {}
    assert result.comparison["DeepNet (yours)"]["test accuracy (%)"] >= 98
    assert result.comparison["Net (course)"]["test accuracy (%)"] >= 98


FUNCTIONAL_RELU = """
class DeepNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.c3 = nn.Conv2d(1, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1), nn.Conv2d(16, 32, 3, padding=1)
        self.f1, self.f2, self.f3 = nn.Linear(288, 64), nn.Linear(64, 32), nn.Linear(32, 10)
    def forward(self, x):
        for conv in (self.c1, self.c2, self.c3):
            x = F.max_pool2d({relu}(conv(x)), 2)
        return self.f3(self.f2(self.f1(x.flatten(1))))
"""


def test_functional_relu_counts_like_nn_relu(grade, variant):
    result = grade("exercise_06", variant("exercise_06", FUNCTIONAL_RELU.format(relu="F.relu")))
    assert by_id(result)["layer_counts"].status is CheckStatus.PASSED, by_id(result)["layer_counts"].message
    assert by_id(result)["output_shape"].status is CheckStatus.PASSED


MISTAKES = [
    pytest.param(FUNCTIONAL_RELU.format(relu=""), "layer_counts",
                 "DeepNet's forward runs 3 Conv2d, 0 ReLU, 3 MaxPool2d, 3 Linear", id="no-relu"),
    pytest.param(
        """
        _Ref = DeepNet
        class DeepNet(_Ref):
            def __init__(self):
                super().__init__()
                self.conv4 = nn.Conv2d(32, 32, 3)  # defined, never called: does not count
            def forward(self, x):
                x = self.pooling(F.relu(self.conv1(x)))
                x = self.pooling(F.relu(self.conv2(x)))
                x = F.adaptive_avg_pool2d(x, 3).repeat(1, 2, 1, 1)
                x = F.relu(self.fc1(x.flatten(1)))
                return self.fc3(F.relu(self.fc2(x)))
        """,
        "layer_counts", "2 Conv2d", id="only-two-convs-run",
    ),
    pytest.param(
        """
        _Ref = DeepNet
        class DeepNet(_Ref):
            def forward(self, x):
                return super().forward(x).softmax(dim=1)
        """,
        "layer_counts", "applies softmax to its output", id="softmax-output",
    ),
    pytest.param(
        """
        _Ref = DeepNet
        class DeepNet(_Ref):
            def __init__(self):
                super().__init__()
                self.fc3 = nn.Linear(64, 100)
        """,
        "output_shape", "has shape [1, 100], expected [1, 10]", id="wrong-output-size",
    ),
    pytest.param(
        """
        _Ref = DeepNet
        class DeepNet(_Ref):
            def forward(self, x):
                return F.dropout(super().forward(x), 0.2)  # training=True by default: on in eval mode too
        """,
        "output_shape", "gave two different outputs for the same input in eval mode", id="dropout-always-on",
    ),
]


@pytest.mark.parametrize("source, check_id, phrase", MISTAKES)
def test_mistake_is_diagnosed(grade, variant, source, check_id, phrase):
    result = grade("exercise_06", variant("exercise_06", textwrap.dedent(source)))
    check = by_id(result)[check_id]
    assert check.status is CheckStatus.FAILED, check.message
    assert phrase in check.message


def test_student_code_cannot_read_the_test_labels(grade_with_data, variant, tmp_path):
    """The sandbox gets test images only; the original files (labels included) are hidden."""
    data = tmp_path / "mnist"
    write_tiny_mnist(data, train=64, test=16)
    cheat = f'''
_Ref = DeepNet
class DeepNet(_Ref):
    def __init__(self):
        super().__init__()
        open({str(data / "t10k-labels-idx1-ubyte.gz")!r}, "rb").read()
'''
    result = grade_with_data("exercise_06", variant("exercise_06", cheat), data, full=False)
    check = by_id(result)["mnist_accuracy"]
    assert check.status is CheckStatus.ERROR, check.message
    assert "FileNotFoundError" in check.message or "PermissionError" in check.message
