"""What `@check(...)` declares about a check: one record, one set of defaults.

The decorator (marker.py) builds it when a check file is imported; the catalog builds
the same record from a check file's text without importing it (grader list, the points
table, the release's public check files: grader/catalog/declarations.py). Both go
through `CheckDeclaration.declare`, so a default or a rule lives here only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The decorator's parameters, in order: a declaration may give them by position too.
PARAMETERS = ("points", "title", "timeout_s", "hidden", "reply_mb")
REPLY_MB_MAX = 128


class InvalidDeclaration(ValueError):
    """A `@check(...)` whose values break a rule; the message names what is wrong."""


def default_title(name: str) -> str:
    """The title of a check that gives none: its function's name, in words."""
    return name.removeprefix("check_").replace("_", " ")


@dataclass(frozen=True)
class CheckDeclaration:
    """A graded check as its decorator declares it.

    `hidden` checks are graded but their message is withheld in student-facing formats
    until the instructor releases them, and a student kit leaves their code out.
    `reply_mb`: the largest answer one call of this check may send back, where it
    needs more than its exercise's."""

    name: str
    title: str
    points: float = 1.0
    timeout_s: float | None = None
    hidden: bool = False
    reply_mb: int | None = None

    @classmethod
    def declare(
        cls,
        name: str,
        points: object = 1.0,
        title: object = None,
        timeout_s: object = None,
        hidden: object = False,
        reply_mb: object = None,
    ) -> CheckDeclaration:
        """The declaration of check `name`, defaults filled in and every value checked."""
        if isinstance(points, bool) or not isinstance(points, (int, float)) or not math.isfinite(points) or points < 0:
            raise InvalidDeclaration(f"points must be a number >= 0, not {points!r}")
        if title is not None and not isinstance(title, str):
            raise InvalidDeclaration(f"title must be a string, not {title!r}")
        if timeout_s is not None and (isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float))
                                      or not timeout_s > 0):
            raise InvalidDeclaration(f"timeout_s must be a number of seconds > 0, not {timeout_s!r}")
        if not isinstance(hidden, bool):
            raise InvalidDeclaration(f"hidden must be True or False, not {hidden!r}")
        if reply_mb is not None and (isinstance(reply_mb, bool) or not isinstance(reply_mb, int)
                                     or not 0 < reply_mb <= REPLY_MB_MAX):
            raise InvalidDeclaration(f"reply_mb must be an integer between 1 and {REPLY_MB_MAX}, not {reply_mb!r}")
        return cls(
            name=name,
            title=title or default_title(name),
            points=float(points),
            timeout_s=None if timeout_s is None else float(timeout_s),
            hidden=hidden,
            reply_mb=reply_mb,
        )
