"""Which kit functions are tried as a stub function, and the submission each makes."""

from __future__ import annotations

import ast
import textwrap

from grader.release.answer_candidates import Signature, context_of, stub_functions, substituted

STUB = '''
from __future__ import annotations

import torch


def train(net, X, y, epochs: int = 20, lr: float = 5e-3) -> list[float]:
    raise NotImplementedError


def accuracy(model, loader) -> float:
    raise NotImplementedError
'''

CHECKS = '''
from __future__ import annotations

import torch
from torch import nn, optim

from grader.authoring import check

SIZES = [4, 16, 3]
UNUSED = 1


def _net():
    return nn.Linear(SIZES[0], SIZES[-1])


def _simulate_train(weights, x, y, epochs, lr, *, zero_grad=True):
    net = _net()
    optimizer = optim.SGD(net.parameters(), lr=lr)
    return []


@check(points=1, title="t")
def check_train(student, reference):
    _simulate_train(None, None, None, 1, 0.1)
'''


def _signature(source: str) -> Signature:
    (node,) = [n for n in ast.parse(textwrap.dedent(source)).body if isinstance(n, ast.FunctionDef)]
    return Signature.of(node)


def test_a_function_stands_in_by_name_or_by_its_positional_parameters():
    train, accuracy = (s.signature for s in stub_functions(STUB))
    assert _signature("def train(a): pass").could_stand_in_for(train)  # the name
    assert _signature("def f(NET, x, Y, EPOCHS, LR): pass").could_stand_in_for(train)  # the names
    assert _signature("def f(weights, x, y, epochs, lr, *, zero_grad=True): pass").could_stand_in_for(train)  # as many
    assert not _signature("def f(weights, x, y, *, zero_grad=True): pass").could_stand_in_for(train)
    assert _signature("def f(a, b): pass").could_stand_in_for(accuracy)


def test_the_submission_carries_what_the_function_uses_and_calls_it_under_the_stubs_name():
    tree = ast.parse(CHECKS)
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_simulate_train"]
    context = context_of(tree, CHECKS, function)
    assert "SIZES = [4, 16, 3]" in context and "def _net()" in context and "from torch import nn, optim" in context
    assert "UNUSED" not in context and "__future__" not in context and "check_train" not in context
    train = stub_functions(STUB)[0]
    source = substituted(STUB, context, "_simulate_train", train)
    compile(source, "exercise_04.py", "exec")
    assert source.rstrip().endswith("def train(net, X, y, epochs=20, lr=0.005):\n    return _simulate_train(net, X, y, epochs, lr)")
