"""Telling the run's own cancellation from a tool that merely raised a cancellation exception.

A tool may raise ``CancelledError`` (or a group holding one) without anything having
cancelled the run; that is the tool failing, and the model hears about it. Only when the
current task really is being cancelled does the exception propagate.
"""

from __future__ import annotations

import anyio
import sniffio


class RunCancelled(BaseException):
    """Thrown into a run to end it as cancelled without an event loop's cancellation (a
    stream its consumer closed early)."""


def is_own_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is the current task being cancelled (by a scope or a caller)."""
    if isinstance(exc, RunCancelled):
        return True
    if isinstance(exc, BaseExceptionGroup):
        return any(is_own_cancellation(inner) for inner in exc.exceptions)
    if not isinstance(exc, anyio.get_cancelled_exc_class()):
        return False
    return anyio.get_current_task().has_pending_cancellation() or _cancel_requested()


def _cancel_requested() -> bool:
    """A plain ``Task.cancel()`` (``asyncio.timeout``, ``wait_for``) is delivered once and
    leaves no anyio scope cancelled; asyncio still counts the request on the task."""
    if sniffio.current_async_library() != "asyncio":
        return False
    import asyncio

    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
