"""The codec carries data only: round trips, and refusals of anything else."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from grader.sandbox.codec import CodecError, OpaqueValue, dumps, encode, loads


def test_round_trip_of_plain_values_and_tensors():
    value = {
        "t": torch.arange(6, dtype=torch.float32).view(2, 3),
        "i": torch.tensor([1, 2], dtype=torch.int64),
        "b": torch.tensor(True),
        "empty": torch.empty(0, 3),
        "tuple": (1, 2.5, "x", None),
        "list": [torch.ones(1), [1, 2]],
        "size": torch.Size([1, 2]),
        "dtype": torch.float16,
        "nan": math.nan,
    }
    back = loads(dumps(value))
    assert torch.equal(back["t"], value["t"]) and back["t"].dtype == torch.float32
    assert torch.equal(back["i"], value["i"]) and back["i"].dtype == torch.int64
    assert back["b"].item() is True
    assert back["empty"].shape == (0, 3)
    assert back["tuple"] == (1, 2.5, "x", None)
    assert back["size"] == torch.Size([1, 2])
    assert back["dtype"] is torch.float16
    assert math.isnan(back["nan"])


def test_tensor_subclass_is_described_never_rebuilt():
    class Liar(torch.Tensor):
        def __eq__(self, other):  # pragma: no cover - never called in the parent
            return True

    back = loads(dumps(torch.ones(2).as_subclass(Liar)))
    assert isinstance(back, OpaqueValue) and back.tensor_subclass and back.type_name.endswith("Liar")


def test_parameters_travel_as_plain_tensors():
    back = loads(dumps(torch.nn.Parameter(torch.ones(2))))
    assert type(back) is torch.Tensor and back.tolist() == [1.0, 1.0]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_objects_are_described_not_transferred():
    class Evil:
        def __repr__(self):
            raise RuntimeError("no")

        def __del__(self):
            raise RuntimeError("no")

    back = loads(dumps([np.zeros((2, 3)), Evil()]))
    assert isinstance(back[0], OpaqueValue) and back[0].type_name == "numpy.ndarray" and back[0].shape == (2, 3)
    assert isinstance(back[1], OpaqueValue) and "repr raised RuntimeError" in back[1].text


def test_subclasses_of_builtins_are_not_trusted():
    class Sneaky(int):
        def __eq__(self, other):
            return True

    back = loads(dumps(Sneaky(3)))
    assert isinstance(back, OpaqueValue)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"$tensor": {"dtype": "float32", "shape": [2], "data": "AAAA"}}',  # too few bytes
        b'{"$tensor": {"dtype": "object", "shape": [1], "data": ""}}',
        b'{"$tensor": {"dtype": "float32", "shape": [-1], "data": ""}}',
        b"not json",
    ],
)
def test_malformed_messages_are_refused(raw):
    with pytest.raises(CodecError):
        loads(raw)
