"""When and how a wrong answer's diagnosis searches: its budget, its switch, its threads.

A diagnosis (the counterfactuals of the reference call, the relations between got and
expected) runs only for a failing comparison, in the grading process, on small tensors.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

import torch

BUDGET_S = 0.15  # per failing comparison: the 200 ms per failing check, with room for the rest

# Off while expect_each runs a check's further cases after one has failed: only the
# first failure's message is shown, so searching for the others' would be time lost.
_searching: contextvars.ContextVar[bool] = contextvars.ContextVar("diagnosis_searching", default=True)


def searching() -> bool:
    return _searching.get()


@contextlib.contextmanager
def not_searching() -> Iterator[None]:
    token = _searching.set(False)
    try:
        yield
    finally:
        _searching.reset(token)


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Small tensors, many calls: on a busy machine a second thread that must be woken
    for each call's parallel region costs a time slice per call (tens of ms), more than
    the whole search takes on one thread."""
    threads = torch.get_num_threads()
    if threads > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if threads > 1:
            torch.set_num_threads(threads)
