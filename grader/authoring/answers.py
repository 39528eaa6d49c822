"""Mistakes of form that any check may meet: no `return`, a list or a numpy array for a
tensor, a float or a tensor for an int, integer arithmetic. The helpers name them."""

from __future__ import annotations

from typing import Any

from grader.authoring.mistakes import Mistake
from grader.sandbox.codec import OpaqueValue

NO_RETURN = Mistake("answer.no_return", "returned None (a missing `return`)")
LIST_FOR_TENSOR = Mistake("answer.list_for_tensor", "returned a list instead of a tensor")
NUMPY_FOR_TENSOR = Mistake("answer.numpy_for_tensor", "returned a numpy array instead of a tensor")
TENSOR_SUBCLASS = Mistake("answer.tensor_subclass", "returned a tensor subclass instead of a plain tensor")
INTEGER_RESULT = Mistake("answer.integer_result", "computed in integers instead of floating point")
FLOAT_FOR_INT = Mistake("answer.float_for_int", "returned a float where an int is expected")
TENSOR_FOR_NUMBER = Mistake("answer.tensor_for_number", "returned a tensor where a Python number is expected")
LIST_FOR_TUPLE = Mistake("answer.list_for_tuple", "returned a list where a tuple is expected")
FORBIDDEN_OPERATION = Mistake(
    "answer.forbidden_operation", "used an operation the exercise forbids (e.g. F.conv2d in a conv by hand)")
LOSS_TENSOR_KEPT = Mistake(
    "answer.loss_tensor_kept", "accumulated loss tensors (keeping the autograd graph) instead of loss.item()"
)


def non_tensor_mistake(got: Any) -> Mistake | None:
    """The named mistake behind a non-tensor answer, if it is one we name."""
    if got is None:
        return NO_RETURN
    if isinstance(got, list):
        return LIST_FOR_TENSOR
    if isinstance(got, OpaqueValue) and got.type_name == "numpy.ndarray":
        return NUMPY_FOR_TENSOR
    if isinstance(got, OpaqueValue) and got.tensor_subclass:
        return TENSOR_SUBCLASS
    return None
