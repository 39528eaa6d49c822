"""Read one IDX file (gzipped or not) into a uint8 tensor, refusing anything malformed.

IDX is big-endian: a 4-byte magic number (0x0000, the data type 0x08 for unsigned
bytes, the number of dimensions), one int32 per dimension, then the data. Every
error names the file, because the user has to go and replace it.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import torch

from grader.errors import DataFileError
from grader.i18n import N_, tr

_UNSIGNED_BYTE = 0x08


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(tr("cannot read {path}: {reason}", path=path, reason=exc.strerror)) from exc
    if path.suffix != ".gz":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        # gzip raises EOFError for a truncated download and BadGzipFile for junk.
        raise DataFileError(
            tr("{path} is not a valid gzip file ({reason}); it is probably truncated or corrupt", path=path, reason=exc),
            hint=tr("delete it and fetch it again with `grader data --download`"),
        ) from exc


def read_idx(path: Path, *, magic: int, count: int | None = None, item_shape: tuple[int, ...] = ()) -> torch.Tensor:
    """The file's data as a uint8 tensor of shape (count, *item_shape).

    `magic` is the expected magic number; `count` and `item_shape`, when given, are
    the sizes the file must declare (MNIST's are fixed).
    """
    data = _read_bytes(path)
    ndim = magic & 0xFF
    header_size = 4 + 4 * ndim
    too_short = N_("{path} is too short ({size} bytes) to be an IDX file; it is truncated")
    if len(data) < 4:
        raise DataFileError(tr(too_short, path=path, size=len(data)))
    found_magic = struct.unpack(">I", data[:4])[0]
    if found_magic != magic:
        raise DataFileError(tr(
            "{path} has magic number {found}, expected {expected}: "
            "it is not the IDX file this name promises (or it is corrupt)",
            path=path, found=found_magic, expected=magic,
        ))
    if (found_magic >> 8) & 0xFF != _UNSIGNED_BYTE:
        raise DataFileError(tr("{path} does not hold unsigned bytes", path=path))
    if len(data) < header_size:
        raise DataFileError(tr(too_short, path=path, size=len(data)))
    dims = struct.unpack(f">{ndim}I", data[4:header_size])
    expected_dims = (count, *item_shape) if count is not None else None
    if expected_dims is not None and dims != expected_dims:
        raise DataFileError(
            tr("{path} declares sizes {sizes}, expected {expected}", path=path, sizes=dims, expected=expected_dims)
        )
    numel = 1
    for d in dims:
        numel *= d
    body = len(data) - header_size
    if body != numel:
        message = (
            N_("{path} declares {declared} data bytes but holds {held}: the file is truncated")
            if body < numel
            else N_("{path} declares {declared} data bytes but holds {held}: the file is followed by extra bytes")
        )
        raise DataFileError(
            tr(message, path=path, declared=numel, held=body),
            hint=tr("delete it and fetch it again with `grader data --download`"),
        )
    tensor = torch.frombuffer(bytearray(data), dtype=torch.uint8, offset=header_size, count=numel)
    return tensor.reshape(dims)


def write_idx(path: Path, data: torch.Tensor) -> None:
    """Write a uint8 tensor as an IDX file (gzipped when the name ends in .gz). For tests and tools."""
    if data.dtype != torch.uint8:
        raise ValueError("IDX files written here hold uint8 data")
    header = struct.pack(">I", (_UNSIGNED_BYTE << 8) | data.dim())
    header += struct.pack(f">{data.dim()}I", *data.shape)
    payload = header + data.contiguous().numpy().tobytes()
    if path.suffix == ".gz":
        payload = gzip.compress(payload, compresslevel=1)
    path.write_bytes(payload)
