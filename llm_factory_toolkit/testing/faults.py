"""The failures the loopback server plays, below the wire formats: a ``Retry-After`` header,
a connection reset, a body cut in half."""

from __future__ import annotations

import contextlib
import socket
import struct

SETTLE_S = 0.05
"""Pause before a reset that follows some events, so the client has read them."""


def reset(conn: socket.socket) -> None:
    """Abort ``conn`` with a TCP RST (linger 0), as a crashed peer would."""
    with contextlib.suppress(OSError):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()


def half_body(body: bytes, *, clean: bool) -> tuple[bytes, int]:
    """The first half of ``body`` and the ``Content-Length`` to announce: the whole body's
    (the connection drops mid-body) or, ``clean``, the half's (a complete, short message)."""
    half = body[: len(body) // 2]
    return half, len(half) if clean else len(body)


def retry_after_headers(seconds: float | None) -> list[tuple[str, str]]:
    """A ``Retry-After`` header: an integer when whole, else a decimal (the SDKs take both)."""
    if seconds is None:
        return []
    return [("Retry-After", str(int(seconds)) if float(seconds).is_integer() else str(seconds))]
