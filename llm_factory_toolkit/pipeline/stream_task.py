"""``client.stream(...)``: a generation run in a task the context manager owns.

``generate(stream=True)`` runs the pipeline inside the consumer's own awaits, so a cancel scope
that a stage holds across ``call_next`` stays open while the consumer has the chunk: wrapping
``__anext__`` in a scope of its own (a per-chunk timeout) then breaks the scope nesting that
anyio and trio require. Here the pipeline runs in a task of its own, in a task group entered
by ``async with``, and hands each chunk over a zero-buffer memory stream. The two tasks'
scopes never interleave, whatever stages and consumer do; leaving the block early cancels the
run (closing its HTTP response) before the block exits.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from ..tools.models import StreamChunk
from .context import GenerationContext


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


class ChunkStream:
    """The chunks of one run: its text as it arrives, then ``done=True`` with the result."""

    def __init__(self, receive: ObjectReceiveStream[StreamChunk | _Failed]) -> None:
        self._receive = receive

    def __aiter__(self) -> ChunkStream:
        return self

    async def __anext__(self) -> StreamChunk:
        try:
            item = await self._receive.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None
        if isinstance(item, _Failed):
            raise item.error
        return item


@asynccontextmanager
async def stream_in_task(
    ctx: GenerationContext,
) -> AsyncGenerator[AsyncIterator[StreamChunk], None]:
    """Run ``ctx``'s generation in a task; yield the stream of its chunks."""
    send, receive = anyio.create_memory_object_stream[StreamChunk | _Failed](0)
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_produce, ctx, send)
            try:
                yield ChunkStream(receive)
            finally:
                group.cancel_scope.cancel()
    except BaseExceptionGroup as errors:
        raise _sole(errors) from None
    finally:
        receive.close()


async def _produce(ctx: GenerationContext, send: ObjectSendStream[StreamChunk | _Failed]) -> None:
    async def sink(text: str) -> None:
        await send.send(StreamChunk(content=text))

    ctx.stream_sink = sink
    async with send:
        try:
            result = await ctx.pipeline.run_generation(ctx)
        except Exception as error:  # handed to the consumer, raised where it reads
            await send.send(_Failed(error))
            return
        await send.send(StreamChunk(done=True, usage=result.usage, result=result))


def _sole(errors: BaseExceptionGroup[BaseException]) -> BaseException:
    """The one error the block raised (the run's own reach the consumer as chunks do)."""
    if len(errors.exceptions) == 1 and not isinstance(errors.exceptions[0], BaseExceptionGroup):
        return errors.exceptions[0]
    return errors
