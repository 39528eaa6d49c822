"""Test inputs that can tell causes apart (issue 23, part 5).

A diagnosis that swaps two quantities can only name the swap when they differ: with
equal channel counts, "in_channels left out" and "out_channels left out" give the same
number; with a square stride, "height and width swapped" changes nothing. This walks
every reference call the course's checks make while grading the reference solution,
and asserts that, for each function, what its declaration (`Arguments`) says may be
confused is unequal in at least one of its checks' inputs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
import torch

from grader.authoring.counterfactuals import Arguments, ReferenceCall
from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT


@pytest.fixture
def calls(monkeypatch) -> dict[str, list[ReferenceCall]]:
    """Every ReferenceCall the checks build, by function name."""
    made: dict[str, list[ReferenceCall]] = defaultdict(list)
    original = Arguments.call

    def recording(self: Arguments, *args: Any, **kwargs: Any) -> ReferenceCall:
        call = original(self, *args, **kwargs)
        made[self.name].append(call)
        return call

    monkeypatch.setattr(Arguments, "call", recording)
    return made


def _pair(value: Any) -> tuple[int, int] | None:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return int(value[0]), int(value[1])
    return None


def _sizes(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, torch.Tensor):
        return tuple(value.shape)
    if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
        return value
    return None


def unequal_somewhere(calls: list[ReferenceCall]) -> list[str]:
    """What the declaration says may be confused but no call's inputs keep apart."""
    declared = calls[0].arguments
    missing = []
    for name in declared.pairs:
        if not any((p := _pair(c.values.get(name))) and p[0] != p[1] for c in calls):
            missing.append(f"{name}: height and width never differ")
    for first, second in declared.interchangeable:
        if not any(c.values.get(first) != c.values.get(second) for c in calls):
            missing.append(f"{first} and {second} never differ")
    for name, dims in declared.dimensions.items():
        for i in range(len(dims)):
            for j in range(i + 1, len(dims)):
                if "N" in (dims[i], dims[j]):
                    continue
                if not any((s := _sizes(c.values.get(name))) and len(s) == len(dims) and s[i] != s[j] for c in calls):
                    missing.append(f"{name}: {dims[i]} and {dims[j]} never differ")
    return missing


@pytest.mark.parametrize("exercise_id", ["exercise_01", "exercise_02", "exercise_03"])
def test_every_declared_confusion_is_told_apart_by_some_checks_input(grade, calls, exercise_id):
    result = grade(exercise_id, REPO_ROOT / "solutions")
    assert all(c.status is CheckStatus.PASSED for c in result.checks)
    assert calls, f"{exercise_id}'s checks declare no reference calls"
    problems = {name: unequal_somewhere(made) for name, made in calls.items()}
    assert {name: missing for name, missing in problems.items() if missing} == {}


def test_the_walk_finds_inputs_that_cannot_tell_a_swap_apart():
    square = Arguments(lambda x, stride=1: x, "f", pairs=("stride",), interchangeable=(("x", "stride"),),
                       dimensions={"x": ("N", "C", "H", "W")})
    made = [square.call(torch.zeros(1, 2, 4, 4), stride=(2, 2)), square.call(torch.zeros(1, 3, 3, 3), stride=3)]
    missing = unequal_somewhere(made)
    assert "stride: height and width never differ" in missing
    assert "x: H and W never differ" in missing
    assert "x: C and H never differ" not in missing  # 2 vs 4 in the first call
