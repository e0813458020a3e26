"""Streaming through litellm and the loopback server, on asyncio and trio, for both wires.

The stream carries text as it arrives, pauses while tools run (through the same tool stages
as without streaming), resumes with the follow-up, and ends with one ``done`` chunk that holds
the usage and the whole ``GenerationResult``. Closing or cancelling the consumer stops the
generation and closes the HTTP response at once, leaving no thread or task behind.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import threading
from typing import Any

import anyio
import pytest

from llm_factory_toolkit import ToolCall, ToolCallDenied, ToolFactory
from llm_factory_toolkit.pipeline import events as ev
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.transports.litellm_bridge import shared_loop_thread
from tests.support import collect, eventually, slow_lookup_factory

from .conftest import ClientFor, sent_messages

pytestmark = pytest.mark.anyio


async def test_text_streams_then_one_final_chunk(client_for: ClientFor, server: Any) -> None:
    """Text arrives in pieces; only the last chunk is done, with usage and the result."""
    server.script(Text("Streaming works, piece by piece.", chunk_size=5))
    chunks = await collect(await client_for().generate(input="Hi", stream=True))
    *pieces, final = chunks
    assert "".join(c.content for c in pieces) == "Streaming works, piece by piece."
    assert len(pieces) >= 6
    assert not any(c.done or c.usage or c.result for c in pieces)
    assert final.done and final.content == ""
    assert final.usage is not None and final.usage.output_tokens == 5
    assert final.result is not None and final.result.content == "Streaming works, piece by piece."
    assert final.result.messages[-1] == {"role": "assistant", "content": final.result.content}
    assert server.requests[0].stream


async def test_a_streamed_tool_call_runs_and_the_follow_up_streams_on(
    client_for: ClientFor, server: LoopbackLLMServer, weather: ToolFactory
) -> None:
    """Text before the call streams, the tool runs, then the follow-up streams."""
    server.script(
        ToolCalls(
            [ToolCallSpec("get_weather", {"city": "Paris"})], content="Let me check.", chunk_size=3
        ),
        Text("21 degrees in Paris."),
    )
    chunks = await collect(
        await client_for(tool_factory=weather).generate(input="Weather?", stream=True)
    )
    assert "".join(c.content for c in chunks) == "Let me check.21 degrees in Paris."
    result = chunks[-1].result
    assert result is not None and result.content == "21 degrees in Paris."
    call_message, tool_message = result.tool_messages
    (call,) = call_message["tool_calls"]
    assert call_message["content"] == "Let me check."
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    assert tool_message["tool_call_id"] == call["id"]
    assert json.loads(tool_message["content"]) == {"city": "Paris", "celsius": 21}
    assert result.payloads == [
        {
            "tool_name": "get_weather",
            "tool_call_id": call["id"],
            "payload": {"city": "Paris", "celsius": 21},
        }
    ]
    assert len(server.requests) == 2 and server.requests[1].stream
    assert '"celsius": 21' in sent_messages(server.requests[1].body)


async def test_parallel_calls_in_one_streamed_turn_all_run(
    client_for: ClientFor, server: LoopbackLLMServer, weather: ToolFactory
) -> None:
    """Two calls streamed in one turn, arguments cut every 2 characters, are kept apart."""
    cities = ["Paris", "Rome", "Oslo"]
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": c}) for c in cities], chunk_size=2),
        Text("Done."),
    )
    chunks = await collect(
        await client_for(tool_factory=weather).generate(input="Weather?", stream=True)
    )
    result = chunks[-1].result
    assert result is not None and result.content == "Done."
    assistant, *tool_messages = result.tool_messages
    calls = assistant["tool_calls"]
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"city": c} for c in cities]
    assert len({c["id"] for c in calls}) == 3
    assert [m["tool_call_id"] for m in tool_messages] == [c["id"] for c in calls]
    assert [json.loads(m["content"])["celsius"] for m in tool_messages] == [21, 25, 15]
    follow_up = sent_messages(server.requests[1].body)
    assert all(c["id"] in follow_up for c in calls)


@pytest.mark.parametrize("wire", ["chat"])  # Anthropic's wire sends the id once by design
async def test_ids_and_names_repeated_on_every_fragment(
    server: LoopbackLLMServer, client_for: ClientFor, weather: ToolFactory
) -> None:
    """Providers that repeat id and name on each delta still give one call per id."""
    server.script(
        ToolCalls(
            [
                ToolCallSpec("get_weather", {"city": "Paris"}),
                ToolCallSpec("get_weather", {"city": "Rome"}),
            ],
            chunk_size=4,
            omit_ids_after_first_delta=False,
        ),
        Text("ok"),
    )
    chunks = await collect(await client_for(tool_factory=weather).generate(input="w", stream=True))
    result = chunks[-1].result
    assert result is not None
    calls = result.tool_messages[0]["tool_calls"]
    assert [json.loads(c["function"]["arguments"])["city"] for c in calls] == ["Paris", "Rome"]


async def test_streamed_tool_calls_go_through_the_same_tool_stages(
    client_for: ClientFor, server: LoopbackLLMServer, weather: ToolFactory
) -> None:
    """Hooks, vetoes and events apply to streamed calls exactly as to plain ones."""
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": c}) for c in ("Paris", "Rome")]),
        Text("Only Paris."),
    )
    client = client_for(tool_factory=weather)

    @client.hooks.before_tool_call
    def no_rome(call: ToolCall) -> None:
        if "Rome" in call.arguments:
            raise ToolCallDenied("Rome is off limits")

    with capture_events(client.events) as events:
        chunks = await collect(await client.generate(input="w", stream=True))
    result = chunks[-1].result
    assert result is not None and result.content == "Only Paris."
    paris, rome = (json.loads(m["content"]) for m in result.tool_messages[1:])
    assert paris["celsius"] == 21 and rome["status"] == "denied"
    assert [e.tool_name for e in events.of(ev.ToolCallFinished)] == ["get_weather"]
    assert [e.reason for e in events.of(ev.ToolCallDenied)] == ["Rome is off limits"]
    streamed = "".join(e.content for e in events.of(ev.StreamChunkReceived))
    assert streamed == "Only Paris."


# -- closing and cancelling ------------------------------------------------------------------


def litellm_loop_tasks() -> int:
    """How many asyncio tasks the litellm loop thread holds right now."""

    async def count() -> int:
        return len(asyncio.all_tasks()) - 1  # minus this one

    loop = shared_loop_thread().loop
    return asyncio.run_coroutine_threadsafe(count(), loop).result(timeout=5)


class Baseline:
    """Threads and loop-thread tasks once a stream has warmed everything up."""

    def __init__(self) -> None:
        self.threads = threading.active_count()
        self.tasks = litellm_loop_tasks()

    async def restored(self) -> None:
        await eventually(lambda: threading.active_count() <= self.threads)
        await eventually(lambda: litellm_loop_tasks() <= self.tasks)


async def warmed_up(client_for: ClientFor, server: LoopbackLLMServer) -> Baseline:
    server.script(Text("warm"))
    await collect(await client_for().generate(input="warm up", stream=True))
    server.reset()
    return Baseline()


SLOW = Text("word " * 200, chunk_size=5, delay=0.4)
"""A long answer with a pause between SSE events that is longer than any check allows."""


async def test_closing_the_stream_stops_the_generation_and_the_request(
    client_for: ClientFor, server: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """``aclose()`` mid-answer: the server sees the disconnect before its next event."""
    baseline = await warmed_up(client_for, server)
    server.script(SLOW, Text("never asked for"))
    stream = await client_for().generate(input="Talk", stream=True)
    first = await stream.__anext__()
    assert first.content == "word "
    closed_at = anyio.current_time()
    await stream.aclose()
    await eventually(lambda: server.disconnects == 1, seconds=0.3)
    assert anyio.current_time() - closed_at < 0.3
    assert len(server.requests) == 1 and server.pending == 1
    await baseline.restored()
    gc.collect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_cancelling_the_consumer_stops_the_generation_and_the_request(
    client_for: ClientFor, server: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A cancelled scope around the consumer: same outcome as closing it."""
    baseline = await warmed_up(client_for, server)
    server.script(SLOW)
    received: list[str] = []
    stream = await client_for().generate(input="Talk", stream=True)
    with anyio.move_on_after(5) as scope:
        async for chunk in stream:
            received.append(chunk.content)
            scope.deadline = anyio.current_time() + 0.1  # expires while awaiting the next one
    cancelled_at = anyio.current_time()
    assert scope.cancelled_caught and received and "".join(received).startswith("word")
    await eventually(lambda: server.disconnects == 1, seconds=0.3)
    assert anyio.current_time() - cancelled_at < 0.3
    await stream.aclose()
    await baseline.restored()
    gc.collect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


async def test_closing_while_a_tool_runs_cancels_the_tool(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    """The stream paused for a tool: closing it cancels the tool; no follow-up is sent."""
    finished: list[str] = []
    factory = slow_lookup_factory(finished)
    server.script(ToolCalls([ToolCallSpec("slow_lookup", {"city": "Paris"})], content="Looking."))
    stream = await client_for(tool_factory=factory).generate(input="w", stream=True)
    text = ""
    with anyio.fail_after(3):
        while text != "Looking.":
            text += (await stream.__anext__()).content
        with anyio.move_on_after(0.2):
            await stream.__anext__()  # the tool is running: nothing more comes
        await stream.aclose()
    assert finished == ["Paris"]
    assert len(server.requests) == 1
