"""Named mistakes: a stable id, a short title, and the words a message uses for it.

A check that recognises a mistake raises CheckFailed carrying it, and the engine
records it in the CheckResult (`mistakes`), so a class's mistakes can be counted.
Declare them as module-level constants of a checks file (or here, for the helpers'
own), so `mistakes_in(module)` lists every mistake a course can name.

The rule the helpers enforce: a mistake is named only when what it would have
produced, computed in the grading process, reproduces the student's answer
(`match`); when several reproduce it, the message says so and none is recorded.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence, TypeVar

from grader.authoring.diagnosis import not_searching
from grader.authoring.failure import CheckFailed, Mistake
from grader.i18n import tr

V = TypeVar("V")


@dataclass(frozen=True)
class Found:
    """A mistake recognised in an answer, with the sentence that tells the student."""

    mistake: Mistake
    sentence: str


Candidates = Mapping[Mistake, V] | Iterable[tuple[Mistake, V]]
# What a mistake would produce, or a function that computes it: helpers call it only
# for a wrong answer, so a correct one never pays for simulating every mistake.
LazyCandidates = Candidates[V] | Callable[[], Candidates[V]]


def match(got: Any, candidates: LazyCandidates[V], same: Callable[[Any, V], bool]) -> list[Mistake]:
    """Every candidate mistake whose value reproduces `got`."""
    if callable(candidates):
        candidates = candidates()
    items = candidates.items() if isinstance(candidates, Mapping) else candidates
    return [mistake for mistake, value in items if same(got, value)]


def looks_like(matches: Sequence[Mistake]) -> tuple[str, tuple[Mistake, ...]]:
    """The phrase for the matching mistakes and those to record: one match is named;
    several are all listed (the evidence cannot tell them apart) and none is recorded."""
    if len(matches) == 1:
        return tr("looks like {mistake}", mistake=matches[0].text), (matches[0],)
    return tr("matches several known mistakes, which these inputs cannot tell apart: {listed}",
              listed=either(m.text for m in matches)), ()


def because(message: str, detail: str) -> str:
    """`message: detail`, with the active language's punctuation."""
    return tr("{told}: {detail}", told=message, detail=detail)


def either(texts: Iterable[str]) -> str:
    """Alternatives, each a clause: "a; or b; or c"."""
    return tr("; or ").join(texts)


def reproduced(told: str, matches: Sequence[Mistake], *, what: str = "") -> CheckFailed:
    """The failure for an answer that these named mistakes reproduce. `told` is the
    message so far, which goes on to name them ("f(1) returned 3, expected 4: looks
    like ..."); with no `told`, a whole sentence about the expression `what` names them
    ("f(x) looks like ..."). Whole messages either way: each language words and
    punctuates the join itself."""
    message, named = _naming(matches, told, what)
    return CheckFailed(message, named, candidates=matches, told=told, what=what)


def _naming(matches: Sequence[Mistake], told: str, what: str, cases: int = 0) -> tuple[str, tuple[Mistake, ...]]:
    """The message naming `matches` (see `reproduced`), and the mistakes to record;
    `cases`: the one match is the only one that reproduces that many failing cases."""
    if cases:
        mistake = matches[0]
        if told:
            phrase = tr("looks like {mistake} (the only known mistake that reproduces all {n} failing cases)",
                        mistake=mistake.text, n=cases)
            return because(told, phrase), (mistake,)
        return tr("{what} looks like {mistake} (the only known mistake that reproduces all {n} failing cases)",
                  what=what, mistake=mistake.text, n=cases), (mistake,)
    if told:
        phrase, named = looks_like(matches)
        return because(told, phrase), named
    if len(matches) == 1:
        return tr("{what} looks like {mistake}", what=what, mistake=matches[0].text), (matches[0],)
    return tr("{what} matches several known mistakes, which these inputs cannot tell apart: {listed}",
              what=what, listed=either(m.text for m in matches)), ()


def expect_each(cases: Iterable[Callable[[], None]]) -> None:
    """Run every case of a check (each calls an expect_* helper), then fail with the
    first failure. When its answer matched several named mistakes, the other failing
    cases may tell them apart: a mistake is named when it is the only one that
    reproduces every failing case."""
    failures: list[CheckFailed] = []
    for case in cases:
        try:
            if failures:
                with not_searching():  # only the first failure's message is shown
                    case()
            else:
                case()
        except CheckFailed as failure:
            failures.append(failure)
    if not failures:
        return
    first = failures[0]
    if len(first.candidates) > 1:
        common = [m for m in first.candidates if all(m in f.candidates for f in failures)]
        if len(common) == 1:
            message, named = _naming(common, first.told, first.what, cases=len(failures))
            raise CheckFailed(message, named, candidates=common, told=first.told, what=first.what)
    raise first


def mistakes_in(module: types.ModuleType) -> list[Mistake]:
    """The Mistake constants a module declares (a checks file, or a helper module)."""
    found = [value for value in vars(module).values() if isinstance(value, Mistake)]
    for value in vars(module).values():
        values = value.values() if isinstance(value, dict) else value
        if isinstance(value, (list, tuple, dict)):
            found.extend(v for v in values if isinstance(v, Mistake))
    unique = {m.id: m for m in found}
    return sorted(unique.values(), key=lambda m: m.id)
