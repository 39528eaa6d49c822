"""The `@check` decorator that makes a pytest function a graded check."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

import pytest

from grader.authoring.declaration import CheckDeclaration

F = TypeVar("F", bound=Callable[..., Any])

MARKER_NAME = "check"


def check(
    points: float = 1.0,
    title: str | None = None,
    timeout_s: float | None = None,
    hidden: bool = False,
    reply_mb: int | None = None,
) -> Callable[[F], F]:
    """Mark a check function: its points, a title students read, an optional time limit.

    `hidden` checks are graded but their message is withheld in student-facing
    formats until the instructor releases them. `reply_mb`: the largest answer one call
    of this check may send back, where it needs more than its exercise's (a big
    state_dict); at most 128.

    The engine reads what a check declares from the check file's text, the same way
    for grading, `grader list` and the release (grader/catalog/declarations.py): give
    each value as a literal or a module-level constant. The values are checked here
    too, so a wrong one fails where it is written.
    """
    values = {"points": points, "title": title, "timeout_s": timeout_s, "hidden": hidden, "reply_mb": reply_mb}
    CheckDeclaration.declare("check", **values)  # raises InvalidDeclaration (a ValueError) now

    def mark(function: F) -> F:
        declaration = CheckDeclaration.declare(function.__name__, **values)
        return pytest.mark.check(declaration=declaration)(function)

    return mark
