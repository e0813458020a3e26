"""Streaming a generation without a background task.

``generate(stream=True)`` returns an async generator, but the chunks are produced deep inside
the pipeline (a transport, inside model-call stages, inside the agent loop), which awaits and
returns like any generation. Instead of running the pipeline in a second task and passing
chunks over a channel (which needs a task group kept open across ``yield``, a known hazard in
async generators on trio and asyncio), the pipeline runs *in the consumer's task*: a text
delta is an awaitable that suspends the whole coroutine chain up to ``_Advance``, which hands
the text to the consumer; every other suspension (the event loop's own) is passed through
unchanged. So tools, hooks, events and spans behave exactly as without streaming, closing the
generator unwinds the pipeline (closing the HTTP response), and the pipeline's context
variables stay in their own ``Context``, apart from the consumer's.

The price: a stage must not hold a cancel scope across ``call_next`` (a per-call timeout), as
the consumer's scopes would interleave with it. That is detected when a chunk is ready, and
the run ends with a ``ConfigurationError`` naming ``client.stream(...)``, which runs the
pipeline in a task of its own and has no such limit.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncGenerator, Callable, Coroutine, Generator
from dataclasses import dataclass
from typing import Any

from ..exceptions import ConfigurationError
from ..tools.models import GenerationResult, StreamChunk
from .cancellation import RunCancelled
from .scope_probe import innermost_scope


class _TextDelta:
    """Awaited by the pipeline; surfaces through the coroutine chain as one chunk of text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __await__(self) -> Generator[Any, Any, None]:
        yield self


async def emit_text(text: str) -> None:
    """The stream sink: hand ``text`` to the consumer of the stream."""
    await _TextDelta(text)


@dataclass(frozen=True, slots=True)
class _Finished:
    result: GenerationResult


class _StreamClosed(RunCancelled):
    """Thrown into the pipeline when the consumer closes the stream early."""


class _Driver:
    """Steps a pipeline coroutine from inside the consumer's awaits."""

    def __init__(
        self, coro: Coroutine[Any, Any, GenerationResult], context: contextvars.Context
    ) -> None:
        self.coro = coro
        self.context = context
        self.finished = False

    def step(self, value: Any, error: BaseException | None) -> Any:
        if error is not None:
            return self.context.run(self.coro.throw, error)
        return self.context.run(self.coro.send, value)


class _Advance:
    """Run the pipeline until it yields text or finishes, forwarding event-loop traps."""

    __slots__ = ("driver", "error")

    def __init__(self, driver: _Driver, error: BaseException | None = None) -> None:
        self.driver = driver
        self.error = error

    def __await__(self) -> Generator[Any, Any, str | _Finished]:
        driver, value, error = self.driver, None, self.error
        scope = innermost_scope()
        while True:
            try:
                signal = driver.step(value, error)
            except StopIteration as stop:
                driver.finished = True
                return _Finished(stop.value)
            except BaseException:
                driver.finished = True
                raise
            if isinstance(signal, _TextDelta):
                if innermost_scope() is scope:
                    return signal.text
                value, error = None, _scope_left_open()  # unwinds the stage, scopes intact
                continue
            value, error = None, None
            try:
                value = yield signal
            except BaseException as exc:
                error = exc


def _scope_left_open() -> ConfigurationError:
    return ConfigurationError(
        "a middleware stage holds a cancel scope or task group across call_next while "
        "streaming, which generate(stream=True) cannot hand to the caller without corrupting "
        "the caller's cancel scopes; use 'async with client.stream(...) as chunks:' instead"
    )


def stream_chunks(
    start: Callable[[], Coroutine[Any, Any, GenerationResult]],
) -> AsyncGenerator[StreamChunk, None]:
    """Chunks of the run ``start()`` begins: its text as it arrives, then the result.

    The context variables (the current span, log bindings) are taken now, when the caller
    asks for the stream, not when it first reads it.
    """
    return _chunks(start, contextvars.copy_context())


async def _chunks(
    start: Callable[[], Coroutine[Any, Any, GenerationResult]], context: contextvars.Context
) -> AsyncGenerator[StreamChunk, None]:
    driver = _Driver(start(), context)
    try:
        while True:
            step = await _Advance(driver)
            if isinstance(step, _Finished):
                yield StreamChunk(done=True, usage=step.result.usage, result=step.result)
                return
            yield StreamChunk(content=step)
    finally:
        if not driver.finished:
            await _close(driver)


async def _close(driver: _Driver) -> None:
    """Unwind the pipeline (its ``finally`` blocks may await, e.g. to close HTTP)."""
    try:
        while not driver.finished:
            await _Advance(driver, _StreamClosed())
    except _StreamClosed:
        pass
