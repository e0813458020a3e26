"""Model dispatch: the innermost model-call handler, one exchange with the chosen transport.

When streaming, each text delta goes to the stream sink as it arrives (and to observers as a
``StreamChunkReceived`` event), and the deltas are assembled into one ``ModelResponse``, so
every stage outside sees the same value with or without streaming.
"""

from __future__ import annotations

from contextlib import aclosing

from ..core.calls import ModelCall, ModelResponse
from ..core.events import StreamChunkReceived
from ..exceptions import ConfigurationError
from ..transports.assembly import StreamAssembler


async def dispatch_model_call(call: ModelCall) -> ModelResponse:
    """Send ``call`` with ``call.transport``, streaming when asked."""
    transport = call.transport
    if transport is None:
        raise ConfigurationError(
            "no transport was chosen for this model call; keep ProviderRoutingMiddleware in "
            "the stack or set ModelCall.transport in a stage"
        )
    if not call.stream:
        return await transport.send(call)
    assembler = StreamAssembler()
    async with aclosing(transport.stream(call)) as deltas:
        async for delta in deltas:
            assembler.add(delta)
            if delta.content:
                await _forward_text(call, delta.content)
    return assembler.response(provider=transport.provider_of(call.model))


async def _forward_text(call: ModelCall, text: str) -> None:
    ctx = call.ctx
    await ctx.bus.emit(
        StreamChunkReceived(run_id=ctx.run_id, iteration=ctx.iteration, content=text)
    )
    if ctx.stream_sink is not None:
        await ctx.stream_sink(text)
