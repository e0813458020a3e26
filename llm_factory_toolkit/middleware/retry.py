"""Retry: the one authority that decides whether a failed model call is sent again.

It sits outside the tracing, usage and limit stages, so each attempt is its own ``chat`` span,
is counted and priced, and passes the limits. The SDKs' own retries are off on every route.
Each attempt gets a fresh copy of the call, so what an inner stage changed on one attempt
(tools added, options rewritten for a route) never leaks into the next.

A stream is retried only while none of its text has reached the consumer; after that its
failure is raised as it is, with the text delivered so far on ``error.partial_text``.
Between attempts a ``ModelCallRetrying`` event says how long the policy chose to wait.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

import anyio

from ..exceptions import ProviderError
from ..pipeline.context import ModelCall, ModelHandler, ModelResponse
from ..pipeline.events import ModelCallRetrying
from ..resilience.policy import RetryPolicy
from ..resilience.retrying import call_with_retries
from .deadline import check_time_for

DEFAULT_RETRY = RetryPolicy()


class RetryMiddleware:
    """Retries transient model-call failures under the generation's ``RetryPolicy``.

    The policy is ``generate(retry=...)``, else the client's ``retry=``, else ``policy`` here
    (default ``RetryPolicy()``). ``sleep`` replaces ``anyio.sleep`` (tests, simulations).
    """

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
    ) -> None:
        self.policy = policy or DEFAULT_RETRY
        self.sleep = sleep

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        policy = call.ctx.request.retry or self.policy
        delivered: list[str] = []
        if policy.max_attempts == 1:
            with _watching_stream(call, delivered):
                return await call_next(call)
        original, attempts = fresh_copy(call), 0

        async def attempt() -> ModelResponse:
            nonlocal attempts
            attempts += 1
            with _watching_stream(call, delivered):
                return await call_next(call if attempts == 1 else fresh_copy(original))

        async def on_retry(failed: int, delay: float, error: Exception) -> None:
            check_time_for(call.ctx, delay, error)
            await _announce(call, failed, delay, error)

        return await call_with_retries(
            attempt,
            policy,
            retryable=lambda _: not delivered,
            on_retry=on_retry,
            sleep=self.sleep,
        )


def fresh_copy(call: ModelCall) -> ModelCall:
    """A copy of ``call`` whose lists and options can be changed without touching it."""
    tools = None if call.tools is None else list(call.tools)
    return replace(call, messages=list(call.messages), tools=tools, options=dict(call.options))


@contextmanager
def _watching_stream(call: ModelCall, delivered: list[str]) -> Iterator[None]:
    """Note the text a streamed attempt hands to the consumer; tag a later failure with it."""
    ctx = call.ctx
    sink = ctx.stream_sink
    if not call.stream or sink is None:
        yield
        return

    async def watched(text: str) -> None:
        delivered.append(text)
        await sink(text)

    ctx.stream_sink = watched
    try:
        yield
    except ProviderError as error:
        error.partial_text = error.partial_text or "".join(delivered)
        raise
    finally:
        ctx.stream_sink = sink


async def _announce(call: ModelCall, failed: int, delay: float, error: Exception) -> None:
    ctx = call.ctx
    await ctx.bus.emit(
        ModelCallRetrying(
            run_id=ctx.run_id,
            iteration=ctx.iteration,
            model=call.model,
            attempt=failed,
            delay_s=delay,
            error_type=type(error).__name__,
            message=str(error),
        )
    )
