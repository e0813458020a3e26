"""Sync tools on worker threads that hold their thread-limiter token until the thread ends.

A sync function cannot be killed, only abandoned: when a sync tool times out (or its run is
cancelled) the caller moves on and the thread runs to its end. anyio gives an abandoned
thread's token back at once, so tools that keep timing out would start thread after thread
(60 hung tools, 60 threads). Here the token of anyio's default thread limiter is borrowed for
the thread's whole life, and given back by whichever side sees the function end: the caller
when it waited, the thread itself (through the event loop) when it was abandoned.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.lowlevel
import anyio.to_thread

T = TypeVar("T")

_passthrough: anyio.lowlevel.RunVar[anyio.CapacityLimiter] = anyio.lowlevel.RunVar(
    "tool_thread_passthrough"
)


async def run_sync_tool(function: Callable[[], T]) -> T:
    """``function()`` on a worker thread; cancelling abandons it but keeps its token taken."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    lease = _Lease(limiter, anyio.lowlevel.current_token())
    await limiter.acquire_on_behalf_of(lease)
    try:
        return await anyio.to_thread.run_sync(
            lease.running(function), abandon_on_cancel=True, limiter=_no_second_limit()
        )
    finally:
        lease.caller_left()


class _Lease:
    """One borrowed token, returned exactly once, by the caller or by the abandoned thread."""

    def __init__(self, limiter: anyio.CapacityLimiter, token: anyio.lowlevel.EventLoopToken):
        self._limiter = limiter
        self._token = token
        self._lock = threading.Lock()
        self._finished = False
        self._abandoned = False

    def running(self, function: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            try:
                return function()
            finally:
                self._thread_finished()

        return run

    def caller_left(self) -> None:
        with self._lock:
            self._abandoned = not self._finished
        if not self._abandoned:
            self._limiter.release_on_behalf_of(self)

    def _thread_finished(self) -> None:
        with self._lock:
            self._finished = True
            abandoned = self._abandoned
        if abandoned:
            with contextlib.suppress(RuntimeError):  # the event loop has ended: nothing to free
                anyio.from_thread.run_sync(
                    self._limiter.release_on_behalf_of, self, token=self._token
                )


def _no_second_limit() -> anyio.CapacityLimiter:
    """The limiter handed to anyio: the default one's token is already held by the lease."""
    try:
        return _passthrough.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(math.inf)
        _passthrough.set(limiter)
        return limiter
