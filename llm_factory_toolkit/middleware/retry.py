"""Retry: the one authority that decides whether a failed model call is sent again.

It sits outside the tracing, usage and limit stages, so each attempt is its own ``chat`` span,
is counted and priced, and passes the limits. The SDKs' own retries are off on every route.
Each attempt after the first starts from a snapshot of the call as it arrived, so what an
inner stage changed on one attempt (tools added, options rewritten for a route) never leaks
into the next.

A stream is retried only while none of its text has reached the consumer; after that its
failure is raised as it is, with the text delivered so far on ``error.partial_text``.
Between attempts a ``ModelCallRetrying`` event says how long the policy chose to wait.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import fields

import anyio

from ..exceptions import ProviderError
from ..pipeline.context import GenerationContext, ModelCall, ModelHandler, ModelResponse
from ..pipeline.events import ModelCallRetrying
from ..resilience.policy import RetryPolicy
from ..resilience.retrying import call_with_retries
from .deadline import check_time_for

DEFAULT_RETRY = RetryPolicy()

Sink = Callable[[str], Awaitable[None]]


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
        original, attempts = CallSnapshot(call), 0

        async def attempt() -> ModelResponse:
            nonlocal attempts
            attempts += 1
            with _watching_stream(call, delivered):
                return await call_next(call if attempts == 1 else original.fresh())

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


_FIELDS = tuple(item.name for item in fields(ModelCall))


class CallSnapshot:
    """What a ``ModelCall`` was when taken, so each later attempt starts from the same call
    (cheaper than copying the call: the happy path takes a snapshot and never uses it)."""

    __slots__ = ("_options", "_values")

    def __init__(self, call: ModelCall) -> None:
        self._values = [getattr(call, name) for name in _FIELDS]
        self._options = dict(call.options)

    def fresh(self) -> ModelCall:
        """A new call as the original was; its lists and options are its own."""
        call = ModelCall(**dict(zip(_FIELDS, self._values, strict=True)))
        call.messages = list(call.messages)
        call.tools = None if call.tools is None else list(call.tools)
        call.options = dict(self._options)
        return call


_NOT_STREAMED = nullcontext()


def _watching_stream(call: ModelCall, delivered: list[str]) -> AbstractContextManager[None]:
    """Note the text a streamed attempt hands to the consumer; tag a later failure with it."""
    sink = call.ctx.stream_sink
    if not call.stream or sink is None:
        return _NOT_STREAMED
    return _watched(call.ctx, sink, delivered)


@contextmanager
def _watched(ctx: GenerationContext, sink: Sink, delivered: list[str]) -> Iterator[None]:

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
