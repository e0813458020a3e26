"""Deadlines: a time bound per attempt (``timeout=``), and one for the whole generation.

Every model call gets a ``timeout`` (``DEFAULT_TIMEOUT_S`` unless one was given): the SDKs'
own defaults would let a stalled provider hang for ten minutes or more. ``deadline=`` (seconds)
bounds the whole generation, every attempt, backoff and tool round included, and ends it with
``DeadlineExceeded`` (a ``ProviderTimeoutError``):

- a generation that is not streamed runs in an ``anyio.fail_after`` scope, so it is cancelled
  cleanly wherever it is when time runs out;
- a streamed one cannot keep a cancel scope open across the text it hands to the consumer (the
  consumer runs inside it), so there each attempt's ``timeout`` and each tool's timeout are cut
  to the time left, no attempt starts and no backoff sleeps past the deadline, and a stream is
  stopped at the first delta that arrives too late.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from ..exceptions import DeadlineExceeded
from ..pipeline.context import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from ..tools.models import GenerationResult, ToolExecutionResult

DEFAULT_TIMEOUT_S = 120.0
"""Seconds one attempt may take when no ``timeout=`` was given (per read, when streaming)."""

_KEY = "deadline"


class DeadlineMiddleware:
    """Gives every attempt a timeout, and enforces ``generate(deadline=...)``."""

    def __init__(self, default_timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self.default_timeout = default_timeout

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        seconds = ctx.request.deadline
        if seconds is None:
            return await call_next(ctx)
        ctx.state[_KEY] = anyio.current_time() + seconds
        if ctx.stream_sink is not None:
            ctx.stream_sink = _checked_sink(ctx, ctx.stream_sink)
            return await call_next(ctx)
        try:
            with anyio.fail_after(seconds):
                return await call_next(ctx)
        except TimeoutError as exc:
            raise _exceeded(ctx) from exc

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        timeout = call.options.get("timeout") or self.default_timeout
        call.options["timeout"] = _clamped(timeout, _time_left(call.ctx))
        return await call_next(call)

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        if call.ctx is not None and _KEY in call.ctx.state:
            call.timeout = min(call.timeout or math.inf, _time_left(call.ctx))
        return await call_next(call)


def check_time_for(ctx: GenerationContext, delay: float, error: Exception) -> None:
    """Raise ``DeadlineExceeded`` (from ``error``) when a wait of ``delay`` would pass it."""
    if _KEY in ctx.state and anyio.current_time() + delay >= ctx.state[_KEY]:
        raise _exceeded(ctx) from error


def _time_left(ctx: GenerationContext) -> float:
    """Seconds until the deadline (infinite without one); raises once it has passed."""
    if _KEY not in ctx.state:
        return math.inf
    left = float(ctx.state[_KEY]) - anyio.current_time()
    if left <= 0:
        raise _exceeded(ctx)
    return left


def _clamped(timeout: Any, left: float) -> Any:
    """``timeout`` cut to ``left``; an SDK timeout object is passed on as it is."""
    return min(timeout, left) if isinstance(timeout, int | float) else timeout


Sink = Callable[[str], Awaitable[None]]


def _checked_sink(ctx: GenerationContext, sink: Sink) -> Sink:
    async def checked(text: str) -> None:
        _time_left(ctx)
        await sink(text)

    return checked


def _exceeded(ctx: GenerationContext) -> DeadlineExceeded:
    seconds = ctx.request.deadline
    return DeadlineExceeded(
        f"the generation did not finish within its deadline of {seconds} s",
        model=ctx.request.model,
        transcript=list(ctx.messages),
    )
