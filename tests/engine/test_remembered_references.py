"""A batch worker's reference: each question answered once, replayed exactly after."""

from __future__ import annotations

import types

import torch
from torch import nn

from grader.engine.tape import RememberingReference


def _solution() -> tuple[types.SimpleNamespace, list[str]]:
    """A fake solution module that logs every real call."""
    log: list[str] = []

    def square(x: torch.Tensor) -> torch.Tensor:
        log.append("square")
        return x * x

    def train(net: nn.Module, lr: float) -> list[float]:
        log.append("train")
        with torch.no_grad():
            for p in net.parameters():
                p.sub_(lr)
        return [1.0, 0.5]

    def noisy(n: int) -> torch.Tensor:
        log.append("noisy")
        return torch.randn(n)

    def append_to(items: list[torch.Tensor]) -> int:
        log.append("append_to")
        items[0].add_(1)
        return len(items)

    def build() -> nn.Module:
        log.append("build")
        return nn.Linear(2, 2)

    def with_grad(x: torch.Tensor) -> torch.Tensor:
        log.append("with_grad")
        return x * torch.ones_like(x, requires_grad=True)

    def switch(net: nn.Module) -> int:
        log.append("switch")
        net.eval()
        return 1

    return types.SimpleNamespace(square=square, train=train, noisy=noisy, append_to=append_to, build=build,
                                 with_grad=with_grad, switch=switch, Net=nn.Linear, SIZE=3), log


def test_the_same_question_is_computed_once_and_answered_with_a_copy() -> None:
    solution, log = _solution()
    reference = RememberingReference(solution, {})
    first = reference.square(torch.tensor([2.0, 3.0]))
    first.add_(100)  # a check that changes what it got does not change the next answer
    again = reference.square(torch.tensor([2.0, 3.0]))
    assert torch.equal(again, torch.tensor([4.0, 9.0])) and log == ["square"]
    reference.square(torch.tensor([2.0, 4.0]))
    assert log == ["square", "square"]
    assert reference.SIZE == 3 and reference.Net is nn.Linear


def test_a_replayed_call_changes_its_module_argument_as_the_real_one_did() -> None:
    solution, log = _solution()
    reference = RememberingReference(solution, {})
    torch.manual_seed(0)
    one, two = nn.Linear(2, 2), nn.Linear(2, 2)
    two.load_state_dict(one.state_dict())
    assert reference.train(one, 0.5) == reference.train(two, 0.5) == [1.0, 0.5]
    assert log == ["train"]
    assert all(torch.equal(a, b) for a, b in zip(one.state_dict().values(), two.state_dict().values()))


def test_the_rng_state_is_part_of_the_question_and_of_the_answer() -> None:
    solution, log = _solution()
    reference = RememberingReference(solution, {})
    torch.manual_seed(1)
    first = reference.noisy(3)
    after_first = torch.rand(1)
    torch.manual_seed(1)
    again = reference.noisy(3)
    assert torch.equal(first, again) and torch.equal(torch.rand(1), after_first)  # the RNG left where it was
    assert log == ["noisy"]
    reference.noisy(3)  # the RNG has moved on: a new question
    assert log == ["noisy", "noisy"]


def test_what_cannot_be_replayed_exactly_is_called_each_time() -> None:
    solution, log = _solution()
    reference = RememberingReference(solution, {})
    for _ in range(2):
        reference.append_to([torch.zeros(1)])  # changes a tensor inside a list
        reference.build()  # answers a module
        reference.with_grad(torch.ones(2))  # answers a tensor with autograd
        reference.switch(nn.Linear(1, 1))  # switches a module's mode
        reference.square(x=torch.ones(2, requires_grad=True))  # given a tensor with autograd
    assert log == ["append_to", "build", "with_grad", "switch", "square"] * 2


def test_it_keeps_the_answers_used_last() -> None:
    solution, log = _solution()
    calls: dict = {}
    reference = RememberingReference(solution, calls, max_calls=2)
    for value in (1.0, 2.0, 1.0, 3.0, 1.0, 2.0):  # 1.0, asked again, stays; 2.0 goes
        reference.square(torch.tensor([value]))
    assert len(calls) == 2 and log == ["square"] * 4


def test_a_remembered_function_keeps_its_signature() -> None:
    import inspect

    solution, _ = _solution()
    assert list(inspect.signature(RememberingReference(solution, {}).train).parameters) == ["net", "lr"]
