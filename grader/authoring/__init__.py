"""Helpers for check authors. A check file imports only from here.

A check is a function named `check_*` in `checks/<exercise>/checks.py`, decorated
with `@check(points=..., title=...)`. It receives fixtures:
  student    calls the student's code in the sandbox (`student.call("corr2d", x, k)`)
  reference  the reference solution module, imported in the grading process
  exercise   the exercise's manifest
and fails by raising CheckFailed (the expect_* helpers do that with good messages).
A mistake a check recognises is a `Mistake` constant (id, title) in a list of
candidates; the helpers name it only when its value reproduces the student's answer.
"""

from grader.authoring.counterfactuals import Arguments
from grader.authoring.evidence import differs_by, factor
from grader.authoring.failure import CheckFailed
from grader.authoring.marker import check
from grader.authoring.mistakes import Mistake, expect_each, mistakes_in
from grader.authoring.tensors import describe_non_tensor, expect_tensor
from grader.authoring.values import expect_int, expect_shape_tuple
from grader.sandbox.codec import OpaqueValue
from grader.sandbox.outcomes import StudentRaised

__all__ = [
    "Arguments",
    "CheckFailed",
    "Mistake",
    "OpaqueValue",
    "StudentRaised",
    "check",
    "describe_non_tensor",
    "differs_by",
    "expect_each",
    "expect_int",
    "expect_shape_tuple",
    "expect_tensor",
    "factor",
    "mistakes_in",
]
