"""Compare plain values (ints, tuples) and say what differs."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from grader.authoring.answers import FLOAT_FOR_INT, LIST_FOR_TUPLE, NO_RETURN, TENSOR_FOR_NUMBER
from grader.authoring.evidence import OFF_BY_ONE, NumberEvidence, number_evidence
from grader.authoring.marker import CheckFailed
from grader.authoring.mistakes import Mistake, match, reproduced
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
) -> None:
    """An exact integer: floats like 26.0 are called out. A wrong answer is explained by the
    named mistakes whose value equals it (only those), else by what the numbers show
    (off by one, a factor, the check's own `evidence`), else by got and expected alone."""
    if got is None:
        raise CheckFailed(f"{what} returned None; did you forget `return`?", (NO_RETURN,))
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        if hasattr(got, "shape") or (isinstance(got, OpaqueValue) and "Tensor" in got.type_name):
            raise CheckFailed(f"{what} returned a tensor; return a Python int (use int(...) or .item())",
                              (TENSOR_FOR_NUMBER,))
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected an int")
    if isinstance(got, float):
        if got == expected:
            raise CheckFailed(f"{what} returned the float {got!r}; return an int (use // or int(...))", (FLOAT_FOR_INT,))
        raise CheckFailed(f"{what} returned the float {got!r}, expected the int {expected}")
    if got == expected:
        return
    # A candidate equal to the right answer can never explain a wrong one: drop it.
    candidates = {m: v for m, v in (mistakes or {}).items() if v != expected}
    matches = match(got, candidates, lambda g, v: g == v)
    if matches:
        raise reproduced(f"{what} returned {got}, expected {expected}: ", matches)
    found = number_evidence(got, expected, evidence)
    if found is not None:
        raise CheckFailed(f"{what} returned {got}, expected {expected}: {found.sentence}", (found.mistake,))
    raise CheckFailed(f"{what} returned {got}, expected {expected}")


def expect_shape_tuple(
    got: Any, expected: tuple[int, ...], what: str, *, mistakes: Mapping[Mistake, tuple[int, ...]] | None = None
) -> None:
    """A tuple of ints such as (N, C, H, W); `mistakes` as for expect_int."""
    if isinstance(got, list) and len(got) == len(expected):
        raise CheckFailed(f"{what} returned a list; return a tuple", (LIST_FOR_TUPLE,))
    if got is None:
        raise CheckFailed(f"{what} returned None; did you forget `return`?", (NO_RETURN,))
    if not isinstance(got, tuple):
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected a tuple of {len(expected)} ints")
    if len(got) != len(expected):
        raise CheckFailed(f"{what} returned {len(got)} values {got}, expected {len(expected)}: {expected}")
    for position, (g, e) in enumerate(zip(got, expected)):
        if isinstance(g, bool) or not isinstance(g, int):
            raise CheckFailed(f"{what}[{position}] is {_type_name(g)} {g!r}; every entry should be an int")
    if got == expected:
        return
    names = ("N", "C_out", "H_out", "W_out") if len(expected) == 4 else tuple(str(i) for i in range(len(expected)))
    wrong = [f"{n}: got {g}, expected {e}" for n, g, e in zip(names, got, expected) if g != e]
    message = f"{what} returned {got}, expected {expected} ({'; '.join(wrong)})"
    candidates = {m: v for m, v in (mistakes or {}).items() if v != expected}
    matches = match(got, candidates, lambda g, v: g == v)
    if matches:
        raise reproduced(f"{message}: ", matches)
    if all(abs(g - e) <= 1 for g, e in zip(got, expected)):
        raise CheckFailed(message + "; off by one", (OFF_BY_ONE,))
    raise CheckFailed(message)
