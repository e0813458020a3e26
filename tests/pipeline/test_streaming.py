"""The stream driver: the pipeline runs in the consumer's task and yields text as it comes."""

from __future__ import annotations

import contextvars
from collections.abc import AsyncGenerator

import anyio
import pytest

from llm_factory_toolkit import LLMClient, ModelCall, ProviderError, RetryPolicy
from llm_factory_toolkit.events import StreamChunkReceived
from llm_factory_toolkit.pipeline.context import ModelHandler, ModelResponse
from llm_factory_toolkit.testing import (
    Fail,
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.transports.base import StreamDelta
from tests.support import collect, weather_factory

pytestmark = pytest.mark.anyio


async def test_text_arrives_in_pieces_then_a_final_chunk_with_the_result() -> None:
    """Each delta is a chunk; the last chunk is done and carries usage and the result."""
    client = LLMClient(
        model="scripted/m", transport=ScriptedTransport(Text("Hello there", chunk_size=3))
    )
    chunks = await collect(await client.generate(input="hi", stream=True))
    assert [c.content for c in chunks[:-1]] == ["Hel", "lo ", "the", "re"]
    final = chunks[-1]
    assert final.done and final.content == ""
    assert final.result is not None and final.result.content == "Hello there"
    assert final.usage is not None and final.usage.output_tokens == 5


async def test_tools_run_mid_stream_and_the_follow_up_streams_on() -> None:
    """A tool round pauses the stream; the follow-up answer keeps streaming."""
    ran: list[str] = []
    transport = ScriptedTransport(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})], content="Checking. "),
        Text("It is sunny.", chunk_size=6),
    )
    client = LLMClient(
        model="scripted/m", transport=transport, tool_factory=weather_factory(calls=ran)
    )
    with capture_events(client.events) as events:
        chunks = await collect(await client.generate(input="weather?", stream=True))
    text = "".join(c.content for c in chunks)
    assert text == "Checking. It is sunny."
    assert ran == ["Paris"]
    result = chunks[-1].result
    assert result is not None
    assert [m["role"] for m in result.messages] == ["user", "assistant", "tool", "assistant"]
    assert result.tool_messages[0]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert "".join(e.content for e in events.of(StreamChunkReceived)) == text


class ClosingTransport(ScriptedTransport):
    """Records whether the transport's stream was closed (its HTTP response released)."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = anyio.Event()

    async def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        try:
            for n in range(1000):
                await anyio.sleep(0.001)
                yield StreamDelta(content=f"{n} ")
        finally:
            self.closed.set()


async def test_closing_the_stream_early_closes_the_transport() -> None:
    """aclose() after a few chunks unwinds the pipeline down to the transport's stream."""
    transport = ClosingTransport()
    client = LLMClient(model="scripted/m", transport=transport)
    stream = await client.generate(input="count", stream=True)
    received = []
    async for chunk in stream:
        received.append(chunk.content)
        if len(received) == 3:
            break
    await stream.aclose()
    assert len(received) == 3
    assert transport.closed.is_set()


async def test_cancelling_the_consumer_closes_the_transport() -> None:
    """A cancelled consumer scope ends the generation and releases the stream."""
    transport = ClosingTransport()
    client = LLMClient(model="scripted/m", transport=transport)
    received: list[str] = []
    with anyio.move_on_after(0.05) as scope:
        async for chunk in await client.generate(input="count", stream=True):
            received.append(chunk.content)
    assert scope.cancelled_caught
    assert received and transport.closed.is_set()


async def test_provider_errors_reach_the_consumer() -> None:
    """A failure inside the pipeline surfaces from the consumer's loop, typed."""
    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(Fail(500)),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(ProviderError):
        await collect(await client.generate(input="hi", stream=True))


REQUEST_TAG: contextvars.ContextVar[str] = contextvars.ContextVar("request_tag", default="none")


async def test_pipeline_context_variables_do_not_leak_into_the_consumer() -> None:
    """A stage that sets a context variable does not change the consumer's value between chunks."""

    class Tagger:
        async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
            REQUEST_TAG.set("inside-pipeline")
            return await call_next(call)

    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(Text("abcdef", chunk_size=2)),
        middleware=[Tagger()],
    )
    seen = [REQUEST_TAG.get() async for _ in await client.generate(input="x", stream=True)]
    assert seen == ["none"] * 4


async def test_a_stream_never_iterated_runs_nothing() -> None:
    """Creating the stream sends no request until the consumer starts iterating."""
    transport = ScriptedTransport(Text("x"))
    stream = await LLMClient(model="scripted/m", transport=transport).generate(
        input="x", stream=True
    )
    await stream.aclose()
    assert transport.calls == []


async def test_the_stream_keeps_the_context_of_the_call_to_generate() -> None:
    """Context variables set when generate() was called are what the pipeline sees."""
    seen: list[str] = []

    class Reader:
        async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
            seen.append(REQUEST_TAG.get())
            return await call_next(call)

    client = LLMClient(
        model="scripted/m", transport=ScriptedTransport(Text("ok")), middleware=[Reader()]
    )
    token = REQUEST_TAG.set("at-generate")
    stream = await client.generate(input="x", stream=True)
    REQUEST_TAG.reset(token)
    chunks = [chunk async for chunk in stream]
    assert chunks[-1].done
    assert seen == ["at-generate"]
