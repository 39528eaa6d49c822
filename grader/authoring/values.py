"""Compare plain values (ints, tuples) and say what differs."""

from __future__ import annotations

from typing import Any, Mapping

from grader.authoring.marker import CheckFailed
from grader.sandbox.codec import OpaqueValue


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, OpaqueValue) else type(value).__name__


def expect_int(got: Any, expected: int, what: str, *, mistakes: Mapping[str, int] | None = None) -> None:
    """An exact integer: floats like 26.0 are called out, as are off-by-one answers."""
    if got is None:
        raise CheckFailed(f"{what} returned None; did you forget `return`?")
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        if hasattr(got, "shape") or (isinstance(got, OpaqueValue) and "Tensor" in got.type_name):
            raise CheckFailed(f"{what} returned a tensor; return a Python int (use int(...) or .item())")
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected an int")
    if isinstance(got, float):
        if got == expected:
            raise CheckFailed(f"{what} returned the float {got!r}; return an int (use // or int(...))")
        raise CheckFailed(f"{what} returned the float {got!r}, expected the int {expected}")
    if got == expected:
        return
    for description, value in (mistakes or {}).items():
        if got == value:
            raise CheckFailed(f"{what} returned {got}, expected {expected}: looks like {description}")
    if abs(got - expected) == 1:
        raise CheckFailed(f"{what} returned {got}, expected {expected}: off by one")
    raise CheckFailed(f"{what} returned {got}, expected {expected}")


def expect_shape_tuple(got: Any, expected: tuple[int, ...], what: str) -> None:
    """A tuple of ints such as (N, C, H, W)."""
    if isinstance(got, list) and len(got) == len(expected):
        raise CheckFailed(f"{what} returned a list; return a tuple")
    if not isinstance(got, tuple):
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected a tuple of {len(expected)} ints")
    if len(got) != len(expected):
        raise CheckFailed(f"{what} returned {len(got)} values {got}, expected {len(expected)}: {expected}")
    for position, (g, e) in enumerate(zip(got, expected)):
        if isinstance(g, bool) or not isinstance(g, int):
            raise CheckFailed(f"{what}[{position}] is {_type_name(g)} {g!r}; every entry should be an int")
    if got != expected:
        names = ("N", "C_out", "H_out", "W_out") if len(expected) == 4 else tuple(str(i) for i in range(len(expected)))
        wrong = [f"{n}: got {g}, expected {e}" for n, g, e in zip(names, got, expected) if g != e]
        message = f"{what} returned {got}, expected {expected} ({'; '.join(wrong)})"
        if all(abs(g - e) <= 1 for g, e in zip(got, expected)):
            message += "; off by one"
        raise CheckFailed(message)
