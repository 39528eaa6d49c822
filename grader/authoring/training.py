"""Judge what a student's training code returned: Python floats, losses, final weights.

Training checks are exact: from identical weights and data, the student's returned
losses and final parameters must equal the reference's. When they do not, the
candidates (what each classic mistake would have produced, computed here by
simulation) name the mistake.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import torch

from grader.authoring.marker import CheckFailed
from grader.sandbox.codec import OpaqueValue

RTOL, ATOL = 1e-5, 1e-6


def _type_name(value: Any) -> str:
    return value.type_name if isinstance(value, OpaqueValue) else type(value).__name__


def expect_python_float(got: Any, what: str) -> float:
    """A plain float (an int is accepted for accuracies like 1); tensors are called out."""
    if isinstance(got, torch.Tensor):
        if got.requires_grad:
            raise CheckFailed(
                f"{what} returned a tensor that is still part of the autograd graph; summing `loss` "
                "tensors keeps every batch's graph alive (memory grows with each batch): accumulate "
                "loss.item(), a Python float, instead"
            )
        raise CheckFailed(f"{what} returned a tensor; return a Python float (use .item())")
    if got is None:
        raise CheckFailed(f"{what} returned None; did you forget `return`?")
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected a float")
    if not math.isfinite(got):
        raise CheckFailed(f"{what} returned {got}; expected a finite number")
    return float(got)


def expect_float_list(got: Any, length: int, what: str) -> list[float]:
    if not isinstance(got, list):
        raise CheckFailed(f"{what} returned {_type_name(got)}, expected a list of {length} floats")
    if len(got) != length:
        raise CheckFailed(f"{what} returned {len(got)} losses, expected {length} (one per epoch)")
    tensors = [v for v in got if isinstance(v, torch.Tensor)]
    if tensors:
        keeps = " and keeps each epoch's autograd graph alive" if any(t.requires_grad for t in tensors) else ""
        raise CheckFailed(
            f"{what} returned the losses as tensors{keeps}; append loss.item(), a Python float"
        )
    return [expect_python_float(v, f"{what}[{i}]") for i, v in enumerate(got)]


def close(a: float | Sequence[float] | Sequence[torch.Tensor], b: Any) -> bool:
    """Same values within the training checks' tight tolerance."""
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)
    if len(a) != len(b):
        return False
    return all(
        bool(torch.allclose(torch.as_tensor(x).double(), torch.as_tensor(y).double(), rtol=RTOL, atol=ATOL))
        if torch.as_tensor(x).shape == torch.as_tensor(y).shape else False
        for x, y in zip(a, b)
    )


def name_mistake(got: Any, candidates: Mapping[str, Any]) -> str | None:
    for description, value in candidates.items():
        if close(value, got) if isinstance(value, (int, float)) else close(got, value):
            return description
    return None


def expect_same_parameters(
    got: list[torch.Tensor], expected: list[torch.Tensor], what: str, mistakes: Mapping[str, list[torch.Tensor]]
) -> None:
    if close(got, expected):
        return
    mistake = name_mistake(got, mistakes)
    if mistake:
        raise CheckFailed(f"after {what} the parameters are what they would be if {mistake}")
    worst = max(float((g.double() - e.double()).abs().max()) for g, e in zip(got, expected))
    raise CheckFailed(
        f"after {what} the parameters differ from the reference's (largest difference {worst:.3g}), "
        "although both started from the same weights and data"
    )
