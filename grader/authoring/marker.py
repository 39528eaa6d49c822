"""The `@check` decorator that makes a pytest function a graded check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

import pytest

if TYPE_CHECKING:
    from grader.authoring.mistakes import Mistake

F = TypeVar("F", bound=Callable[..., Any])

MARKER_NAME = "check"


class CheckFailed(AssertionError):
    """Raised by check helpers: the student's answer is wrong; the message says how.

    `mistakes` are the named mistakes the check recognised (the engine records them in
    the result, next to the message); a check names one only when it reproduces the
    answer (see grader.authoring.mistakes)."""

    def __init__(
        self, message: str, mistakes: Iterable[Mistake] = (), *, candidates: Iterable[Mistake] = (), told: str = "",
        what: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.mistakes: tuple[Mistake, ...] = tuple(mistakes)
        # Every named mistake that reproduces this answer (also when several do and none
        # is recorded), and what the message said before naming them (the message so
        # far, or else the expression it is about): expect_each uses them to tell several
        # candidates apart across a check's cases, and words the message anew.
        self.candidates: tuple[Mistake, ...] = tuple(candidates)
        self.told = told
        self.what = what


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
    """
    if points < 0:
        raise ValueError("points must be >= 0")
    if reply_mb is not None and not 0 < reply_mb <= 128:
        raise ValueError("reply_mb must be between 1 and 128")
    return pytest.mark.check(points=points, title=title, timeout_s=timeout_s, hidden=hidden, reply_mb=reply_mb)
