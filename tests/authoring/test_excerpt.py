"""The expected-vs-got excerpt under a wrong-values message stays inside the tensor."""

from __future__ import annotations

import re

import pytest
import torch

from grader.authoring import CheckFailed, expect_tensor


def _message(got: torch.Tensor, expected: torch.Tensor) -> str:
    with pytest.raises(CheckFailed) as raised:
        expect_tensor(got, expected, "conv2d(x, k, padding=1)")
    return raised.value.message


@pytest.mark.parametrize("row, column, window", [
    ((4, 4, "[0, 0, 2:5, 2:5]")),  # the corner: the window moves inwards, never 3:6
    ((0, 0, "[0, 0, 0:3, 0:3]")),
    ((2, 3, "[0, 0, 1:4, 2:5]")),
    ((4, 0, "[0, 0, 2:5, 0:3]")),
])
def test_the_window_on_a_5x5_output_names_only_indices_inside_it(row, column, window):
    expected = torch.arange(25.0).reshape(1, 1, 5, 5)
    got = expected.clone()
    got[0, 0, row, column] += 7
    message = _message(got, expected)
    assert f"at index (0, 0, {row}, {column})\naround {window}:\n" in message
    bounds = re.search(r"around \[0, 0, (\d+):(\d+), (\d+):(\d+)\]", message)
    assert bounds and all(0 <= int(b) <= 5 for b in bounds.groups())
    rows = eval(message.split("expected ", 1)[1].splitlines()[0])  # a literal list of lists
    assert len(rows) == 3 and all(len(r) == 3 for r in rows)
    assert f"{float(expected[0, 0, row, column] + 7)}" in message.splitlines()[-1]


def test_a_tensor_smaller_than_the_window_shows_all_of_it():
    expected = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    got = expected.clone()
    got[1, 1] = 5.0
    message = _message(got, expected)
    assert "\naround [0:2, 0:2]:\n  expected [[1.0, 2.0], [3.0, 4.0]]\n       got [[1.0, 2.0], [3.0, 5.0]]" in message
