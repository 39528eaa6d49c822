"""What a failed check carries: its message and the named mistakes it recognised.

Its own module (below marker.py and mistakes.py) so that the decorator, the helpers
and the engine import it without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from grader.i18n import tr

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Mistake:
    """id: stable, e.g. "conv2d.kernel_flipped"; title: short, for a class summary;
    says: how a message puts it after "looks like" (defaults to the title)."""

    id: str
    title: str
    says: str = ""

    def __post_init__(self) -> None:
        if not _ID.match(self.id):
            raise ValueError(f"mistake id {self.id!r} must look like 'function.what_went_wrong'")

    @property
    def text(self) -> str:
        return tr(self.says or self.title)



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
