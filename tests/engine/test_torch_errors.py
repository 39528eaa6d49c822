"""Torch's errors restated in the student's terms: each message produced by the installed torch.

The explainers read torch's wording; producing every message here, with the torch the
grader runs, makes a change of wording fail this test rather than silently fall back
to the raw message.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from grader.engine.torch_errors import explain


def _raised(action) -> tuple[str, str]:
    with pytest.raises(Exception) as raised:
        action()
    return type(raised.value).__name__, str(raised.value)


def _no_grad_loss():
    layer = nn.Linear(3, 1)
    with torch.no_grad():
        loss = layer(torch.randn(2, 3)).sum()
    loss.backward()


def _backward_twice():
    loss = nn.Linear(3, 1)(torch.randn(2, 3)).sum()
    loss.backward()
    loss.backward()


def _in_place_parameter():
    layer = nn.Linear(3, 1)
    layer.weight -= 1


CASES = [
    # (what the student did, the failing call, words the explanation must hold)
    ("the whole batch flattened into one row", lambda: nn.Linear(784, 10)(torch.randn(64, 28, 28).view(1, -1)),
     ["50176 = 64 × 784", "whole batch", "flatten from dimension 1"]),
    ("a flatten size the layer does not take", lambda: nn.Linear(320, 10)(torch.randn(64, 500)),
     ["expects 320 input features", "has 500"]),
    ("the batch mixed into the features", lambda: F.cross_entropy(torch.randn(32, 10), torch.zeros(64, dtype=torch.long)),
     ["32 rows", "64 targets", "mixed the batch"]),
    ("in_channels of the second conv wrong", lambda: nn.Conv2d(10, 20, 5)(torch.randn(64, 1, 12, 12)),
     ["expects 10 input channels", "has 1", "out_channels"]),
    ("an image with its channels last", lambda: nn.Conv2d(1, 10, 5)(torch.randn(8, 28, 28, 1)),
     ["has them last", "permute(0, 3, 1, 2)"]),
    ("flattened before the convolutions", lambda: nn.Conv2d(1, 10, 5)(torch.randn(64, 784)),
     ["2-D input (64, 784)", "flattened before the convolutions"]),
    ("a view to a size the feature map is not", lambda: torch.randn(64, 20, 4, 5).view(-1, 300),
     ["(-1, 300)", "multiple of 300", "25600"]),
    ("view after a transpose", lambda: torch.randn(2, 3, 4).transpose(1, 2).view(-1), [".reshape()"]),
    ("float labels", lambda: F.cross_entropy(torch.randn(4, 3), torch.zeros(4)), ["class indices", ".long()"]),
    ("one-hot labels", lambda: F.cross_entropy(torch.randn(4, 3), torch.zeros(4, 3, dtype=torch.long)),
     ["class indices of shape (N,)", "one-hot"]),
    ("float64 input to a float32 layer", lambda: nn.Linear(3, 1)(torch.randn(2, 3, dtype=torch.float64)),
     ["two dtypes", ".float()"]),
    ("float64 input to a float32 conv", lambda: nn.Conv2d(1, 2, 3)(torch.randn(1, 1, 5, 5, dtype=torch.float64)),
     ["two dtypes", ".float()"]),
    ("a reduction without keepdim", lambda: torch.randn(5, 3) + torch.randn(5, 4),
     ["3 and 4 elements along dimension 1", "keepdim"]),
    ("pooling a 1x1 map", lambda: F.max_pool2d(torch.randn(1, 1, 1, 1), 2), ["smaller than the kernel"]),
    ("a kernel larger than the map", lambda: nn.Conv2d(1, 1, 5)(torch.randn(1, 1, 3, 3)),
     ["(3 x 3) is smaller than the kernel (5 x 5)"]),
    ("a dimension that does not exist", lambda: torch.randn(2, 3).sum(dim=2), ["has 2 dimensions", "dimension 2"]),
    ("a loss computed under no_grad", _no_grad_loss, ["not connected", "torch.no_grad()"]),
    ("backward twice", _backward_twice, ["backward() ran twice"]),
    ("numpy of a parameter", lambda: nn.Linear(3, 1).weight.numpy(), [".detach().cpu().numpy()"]),
    ("a parameter updated in place under autograd", _in_place_parameter, ["with torch.no_grad():"]),
]


@pytest.mark.parametrize("what, action, words", CASES, ids=[c[0] for c in CASES])
def test_each_torch_error_is_explained_with_its_numbers(what, action, words):
    exc_type, message = _raised(action)
    explanation = explain(exc_type, message)
    for word in words:
        assert word in explanation, (message, explanation)


def test_devices_are_named():
    # CPU-only machines cannot raise it; this is torch 2's wording.
    message = ("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu! "
               "(when checking argument for argument mat1 in method wrapper_CUDA_addmm)")
    assert "different devices (cuda:0 and cpu)" in explain("RuntimeError", message)


def test_what_no_explainer_knows_is_left_alone():
    assert explain("RuntimeError", "something torch has never said") == ""
    assert explain("KeyError", "mat1 and mat2 shapes cannot be multiplied (1x4 and 2x3)") == ""


def test_a_students_torch_error_reaches_the_report_explained_with_torchs_words_below(grade, variant):
    folder = variant("exercise_03", '''
class FCNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(784, 512)
        self.l2 = nn.Linear(512, 256)
        self.l3 = nn.Linear(256, 128)
        self.l4 = nn.Linear(128, 64)
        self.l5 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(1, -1)  # the whole batch in one row
        for layer in (self.l1, self.l2, self.l3, self.l4):
            x = torch.relu(layer(x))
        return self.l5(x)
''')
    result = grade("exercise_03", folder)
    messages = [c.message for c in result.checks if c.id.startswith("fcnet_forward")]
    assert messages and "whole batch was flattened into one row" in messages[0]
    explanation, _, rest = messages[0].partition("\n")
    assert "mat1 and mat2 shapes cannot be multiplied" not in explanation
    assert "(torch said: mat1 and mat2 shapes cannot be multiplied" in rest
