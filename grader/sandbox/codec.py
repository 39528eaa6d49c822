"""Plain, tagged JSON for values that cross the process boundary.

Student code runs in a child process; whatever it returns comes back through this
codec and nothing else. Decoding builds only plain Python values and plain
``torch.Tensor`` objects from raw bytes, so a returned object can never run code in
the grading process (no pickle, no subclasses, no custom ``__eq__``). Objects the
codec does not know are described (type name and a truncated repr) rather than
transferred, so the grader can still say "returned a numpy.ndarray".

Tags (a dict with a single key starting with ``$``):
  $tensor  {dtype, shape, data(base64), requires_grad, device}
  $ndarray {dtype, shape, data(base64)}   numpy array: kept distinct for feedback
  $tuple   [items]
  $float   "nan" | "inf" | "-inf"
  $dtype   "float32"
  $device  "cuda:0"
  $size    [ints]                          torch.Size
  $object  {type, repr}                    anything else, described only (tensor
                                           subclasses too: they may lie in comparisons)
  $dict    [[key, value], ...]             dicts with non-string keys
"""

from __future__ import annotations

import base64
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import torch

from grader.sandbox.protocol import ProtocolViolation, loads_json

# Plain dtypes only: no quantized or complex types are needed by the course.
_DTYPES: dict[str, torch.dtype] = {
    "float64": torch.float64,
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "int64": torch.int64,
    "int32": torch.int32,
    "int16": torch.int16,
    "int8": torch.int8,
    "uint8": torch.uint8,
    "bool": torch.bool,
}
_DTYPE_NAMES = {v: k for k, v in _DTYPES.items()}
_MAX_DEPTH = 32


class CodecError(ValueError):
    """A message from the child could not be decoded: treated as the child's fault."""


@dataclass(frozen=True)
class OpaqueValue:
    """Something the child returned that cannot cross as data (a module, a numpy array...)."""

    type_name: str
    text: str
    shape: tuple[int, ...] | None = None
    dtype: str | None = None
    tensor_subclass: bool = False

    def __repr__(self) -> str:
        return f"<{self.type_name}: {self.text}>"


def _safe_repr(value: Any, limit: int = 200) -> str:
    try:
        text = repr(value)
    except Exception as exc:  # a student's __repr__ may raise; describe, do not propagate
        text = f"<repr raised {type(exc).__name__}>"
    if not isinstance(text, str):
        text = "<repr returned a non-string>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _qualified_type_name(value: Any) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "") else f"{module}.{name}"


# Tensor types that carry no behaviour of their own: sent as plain tensors.
_PLAIN_TENSOR_TYPES = (torch.Tensor, torch.nn.Parameter, getattr(torch.nn.parameter, "Buffer", torch.Tensor))


def _encode_tensor(t: torch.Tensor) -> dict[str, Any]:
    if type(t) not in _PLAIN_TENSOR_TYPES:
        # A subclass may override comparisons or __torch_function__: describe it only.
        return {"$object": {"type": _qualified_type_name(t), "repr": "", "tensor_subclass": True}}
    dtype = _DTYPE_NAMES.get(t.dtype)
    if dtype is None:
        return {"$object": {"type": f"torch.Tensor[{t.dtype}]", "repr": _safe_repr(t)}}
    plain = t.detach()
    if type(plain) is not torch.Tensor:
        plain = plain.as_subclass(torch.Tensor)
    plain = plain.to("cpu").contiguous()
    raw = plain.reshape(-1).view(torch.uint8).numpy().tobytes() if plain.numel() else b""
    return {
        "$tensor": {
            "dtype": dtype,
            "shape": list(plain.shape),
            "data": base64.b64encode(raw).decode("ascii"),
            "requires_grad": bool(t.requires_grad),
            "device": str(t.device),
        }
    }


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn a value into JSON-able tagged data. Runs in the child; never raises for odd values."""
    if _depth > _MAX_DEPTH:
        return {"$object": {"type": "nested too deeply", "repr": ""}}
    # Exact type checks: a subclass of int/str/list could lie in its methods.
    vt = type(value)
    if value is None or vt is bool or vt is int or vt is str:
        return value
    if vt is float:
        if math.isnan(value):
            return {"$float": "nan"}
        if math.isinf(value):
            return {"$float": "inf" if value > 0 else "-inf"}
        return value
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value)
    if vt is torch.Size:
        return {"$size": [int(v) for v in value]}
    if vt is list:
        return [encode(v, _depth + 1) for v in value]
    if vt is tuple:
        return {"$tuple": [encode(v, _depth + 1) for v in value]}
    if vt is dict:
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: encode(v, _depth + 1) for k, v in value.items()}
        return {"$dict": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in value.items()]}
    if vt is torch.dtype:
        return {"$dtype": _DTYPE_NAMES.get(value, str(value))}
    if vt is torch.device:
        return {"$device": str(value)}
    type_name = _qualified_type_name(value)
    described: dict[str, Any] = {"type": type_name, "repr": _safe_repr(value)}
    if type_name == "numpy.ndarray":
        try:
            described["shape"] = [int(v) for v in value.shape]
            described["dtype"] = str(value.dtype)
        except Exception:
            pass
    return {"$object": described}


def dumps(value: Any) -> bytes:
    return json.dumps(encode(value), separators=(",", ":")).encode("utf-8")


_MAX_DIMS = 16
_MAX_DIM = 1 << 40
_DEVICE = re.compile(r"(cpu|cuda|mps|meta|xpu)(:[0-9]{1,3})?")
_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise CodecError(what)


def _shape(value: Any) -> list[int]:
    _expect(type(value) is list and len(value) <= _MAX_DIMS, "malformed shape")
    _expect(all(type(s) is int and 0 <= s <= _MAX_DIM for s in value), "malformed shape")
    return value


def _decode_tensor(spec: Any) -> torch.Tensor:
    _expect(type(spec) is dict, "tensor spec is not an object")
    dtype = _DTYPES.get(spec.get("dtype")) if type(spec.get("dtype")) is str else None
    data = spec.get("data")
    _expect(dtype is not None and type(data) is str, "malformed tensor")
    shape = _shape(spec.get("shape"))
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):  # binascii.Error is a ValueError
        raise CodecError("tensor data is not base64") from None
    numel = math.prod(shape)
    itemsize = torch.empty((), dtype=dtype).element_size()
    _expect(len(raw) == numel * itemsize, "tensor data does not match its shape")
    if numel == 0:
        tensor = torch.empty(shape, dtype=dtype)
    else:
        tensor = torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape).clone()
    if spec.get("requires_grad") is True and tensor.is_floating_point():
        tensor.requires_grad_(True)
    return tensor


def _decode_object(body: Any) -> OpaqueValue:
    body = body if type(body) is dict else {}
    shape = body.get("shape")
    dtype = body.get("dtype")
    return OpaqueValue(
        type_name=str(body.get("type", "?"))[:300],
        text=str(body.get("repr", ""))[:300],
        shape=tuple(_shape(shape)) if shape is not None else None,
        dtype=str(dtype)[:40] if dtype is not None else None,
        tensor_subclass=body.get("tensor_subclass") is True,
    )


def _decode_tag(tag: str, body: Any, depth: int) -> Any:
    if tag == "$tensor":
        return _decode_tensor(body)
    if tag == "$tuple":
        return tuple(_decode(v, depth + 1) for v in _expect_list(body))
    if tag == "$float":
        _expect(type(body) is str and body in _FLOATS, "malformed $float")
        return _FLOATS[body]
    if tag == "$size":
        return torch.Size(_shape(body))
    if tag == "$dtype":
        _expect(type(body) is str and len(body) <= 40, "malformed $dtype")
        return _DTYPES.get(body, body)
    if tag == "$device":
        _expect(type(body) is str and _DEVICE.fullmatch(body) is not None, "malformed $device")
        return torch.device(body)
    if tag == "$dict":
        pairs = _expect_list(body)
        _expect(all(type(p) is list and len(p) == 2 for p in pairs), "malformed $dict")
        result = {}
        for key, value in pairs:
            decoded = _decode(key, depth + 1)
            try:
                result[decoded] = _decode(value, depth + 1)
            except TypeError:
                raise CodecError("a $dict key that cannot be a key") from None
        return result
    if tag == "$object":
        return _decode_object(body)
    raise CodecError(f"unknown tag {tag[:40]!r}")


def _decode(data: Any, depth: int) -> Any:
    # An explicit bound, far below Python's recursion limit: the encoder never nests deeper.
    _expect(depth <= _MAX_DEPTH + 2, "nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [_decode(v, depth + 1) for v in data]
    _expect(type(data) is dict, f"unexpected JSON value {type(data).__name__}")
    if len(data) == 1:
        ((tag, body),) = data.items()
        if type(tag) is str and tag.startswith("$"):
            return _decode_tag(tag, body, depth)
    # The encoder sends dicts with "$" keys as $dict: one here is malformed.
    _expect(all(type(k) is str and not k.startswith("$") for k in data), "a plain dict with a tag-like key")
    return {k: _decode(v, depth + 1) for k, v in data.items()}


def decode(data: Any) -> Any:
    """Rebuild a value from tagged JSON. Runs in the grading process on what the child
    sent: anything it cannot rebuild raises CodecError (the student's fault), nothing else."""
    try:
        return _decode(data, 0)
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, RuntimeError, OverflowError, MemoryError) as exc:
        raise CodecError(f"undecodable value: {type(exc).__name__}") from None


def _expect_list(body: Any) -> list[Any]:
    _expect(type(body) is list, "expected a list")
    return body


def loads(raw: bytes) -> Any:
    try:
        return decode(loads_json(raw))
    except ProtocolViolation as exc:
        raise CodecError(str(exc)) from None
