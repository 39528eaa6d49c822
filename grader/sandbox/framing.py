"""Length-prefixed messages over a stream socket, with deadlines and a size cap.

The grading process reads what an untrusted child writes, so every read is bounded
in time (the check's deadline) and in size (a child cannot make the grader allocate
without limit).
"""

from __future__ import annotations

import select
import socket
import struct
import time

_HEADER = struct.Struct("!Q")
MAX_MESSAGE_BYTES = 512 * 1024 * 1024


class ChannelClosed(EOFError):
    """The other side closed the channel (for a child: it exited or crashed)."""


class ChannelTimeout(TimeoutError):
    """No complete message before the deadline."""


class MessageTooLarge(ValueError):
    """The other side announced a message over the cap."""

    def __init__(self, size: int, cap: int) -> None:
        super().__init__(f"message of {size} bytes exceeds the cap of {cap}")
        self.size = size
        self.cap = cap


def send_message(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(_HEADER.pack(len(payload)) + payload)


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise ChannelTimeout()
            readable, _, _ = select.select([sock], [], [], wait)
            if not readable:
                raise ChannelTimeout()
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ChannelClosed()
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def recv_message(
    sock: socket.socket, deadline: float | None = None, max_bytes: int = MAX_MESSAGE_BYTES
) -> bytes:
    (size,) = _HEADER.unpack(_recv_exact(sock, _HEADER.size, deadline))
    if size > max_bytes:
        raise MessageTooLarge(size, max_bytes)
    return _recv_exact(sock, size, deadline)
