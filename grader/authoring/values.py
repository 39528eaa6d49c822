"""Compare plain values (ints, tuples) and say what differs."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from grader.authoring.answers import FLOAT_FOR_INT, LIST_FOR_TUPLE, NO_RETURN, TENSOR_FOR_NUMBER
from grader.authoring.counterfactuals import ReferenceCall, counterfactual
from grader.authoring.evidence import OFF_BY_ONE, NumberEvidence, number_evidence
from grader.authoring.failure import CheckFailed
from grader.authoring.mistakes import Found, Mistake, because, match, reproduced
from grader.i18n import tr
from grader.sandbox.codec import OpaqueValue


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, OpaqueValue) else type(value).__name__


def expect_int(
    got: Any,
    expected: int,
    what: str,
    *,
    mistakes: Mapping[Mistake, int] | None = None,
    evidence: Sequence[NumberEvidence] = (),
    reference: ReferenceCall | None = None,
) -> None:
    """An exact integer: floats like 26.0 are called out. A wrong answer is explained by the
    named mistakes whose value equals it (only those), else by the reference call that gave
    `expected` re-run with its arguments perturbed (`reference`), else by what the numbers
    show (off by one, a factor, the check's own `evidence`), else by got and expected alone."""
    if got is None:
        raise CheckFailed(tr("{what} returned None; did you forget `return`?", what=what), (NO_RETURN,))
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        if hasattr(got, "shape") or (isinstance(got, OpaqueValue) and "Tensor" in got.type_name):
            raise CheckFailed(tr("{what} returned a tensor; return a Python int (use int(...) or .item())", what=what),
                              (TENSOR_FOR_NUMBER,))
        raise CheckFailed(tr("{what} returned {type}, expected an int", what=what, type=_type_name(got)))
    if isinstance(got, float):
        if got == expected:
            raise CheckFailed(tr("{what} returned the float {got}; return an int (use // or int(...))",
                                 what=what, got=repr(got)), (FLOAT_FOR_INT,))
        raise CheckFailed(tr("{what} returned the float {got}, expected the int {expected}",
                             what=what, got=repr(got), expected=expected))
    if got == expected:
        return
    # A candidate equal to the right answer can never explain a wrong one: drop it.
    candidates = {m: v for m, v in (mistakes or {}).items() if v != expected}
    matches = match(got, candidates, lambda g, v: g == v)
    told = tr("{what} returned {got}, expected {expected}", what=what, got=got, expected=expected)
    if matches:
        raise reproduced(told, matches)
    found = _counterfactual(got, expected, reference) or number_evidence(got, expected, evidence)
    if found is not None:
        raise CheckFailed(because(told, found.sentence), (found.mistake,))
    raise CheckFailed(told)


def _counterfactual(got: Any, expected: Any, reference: ReferenceCall | None) -> Found | None:
    if reference is None:
        return None
    same = lambda g, value: type(value) is type(g) and g == value  # noqa: E731 - 3 and 3.0 are not the same answer
    return counterfactual(got, expected, reference, same, same, last_tier=2, most=1)


def expect_shape_tuple(
    got: Any, expected: tuple[int, ...], what: str, *, mistakes: Mapping[Mistake, tuple[int, ...]] | None = None,
    reference: ReferenceCall | None = None,
) -> None:
    """A tuple of ints such as (N, C, H, W); `mistakes` and `reference` as for expect_int."""
    if isinstance(got, list) and len(got) == len(expected):
        raise CheckFailed(tr("{what} returned a list; return a tuple", what=what), (LIST_FOR_TUPLE,))
    if got is None:
        raise CheckFailed(tr("{what} returned None; did you forget `return`?", what=what), (NO_RETURN,))
    if not isinstance(got, tuple):
        raise CheckFailed(tr("{what} returned {type}, expected a tuple of {n} ints",
                             what=what, type=_type_name(got), n=len(expected)))
    if len(got) != len(expected):
        raise CheckFailed(tr("{what} returned {n} values {got}, expected {expected_n}: {expected}",
                             what=what, n=len(got), got=got, expected_n=len(expected), expected=expected))
    for position, (g, e) in enumerate(zip(got, expected)):
        if isinstance(g, bool) or not isinstance(g, int):
            raise CheckFailed(tr("{what}[{position}] is {type} {value}; every entry should be an int",
                                 what=what, position=position, type=_type_name(g), value=repr(g)))
    if got == expected:
        return
    names = ("N", "C_out", "H_out", "W_out") if len(expected) == 4 else tuple(str(i) for i in range(len(expected)))
    wrong = [tr("{name}: got {got}, expected {expected}", name=n, got=g, expected=e)
             for n, g, e in zip(names, got, expected) if g != e]
    message = tr("{what} returned {got}, expected {expected} ({entries})",
                 what=what, got=got, expected=expected, entries=tr("; ").join(wrong))
    candidates = {m: v for m, v in (mistakes or {}).items() if v != expected}
    matches = match(got, candidates, lambda g, v: g == v)
    if matches:
        raise reproduced(message, matches)
    found = _counterfactual(got, expected, reference)
    if found is not None:
        raise CheckFailed(because(message, found.sentence), (found.mistake,))
    if all(abs(g - e) <= 1 for g, e in zip(got, expected)):
        raise CheckFailed(tr("{told}; off by one", told=message), (OFF_BY_ONE,))
    raise CheckFailed(message)
