"""Span context across task groups, worker threads and the stream driver; the caller's span."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import aclosing

import anyio
import pytest
from opentelemetry import trace
from opentelemetry.trace import StatusCode

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import ScriptedTransport, Stall, Text, ToolCalls, ToolCallSpec
from tests.support import weather_factory

from .conftest import Traces, children_of, parent_id, span_id

pytestmark = pytest.mark.anyio

MODEL = "openai/gpt-4o-mini"


def two_calls(name: str) -> ToolCalls:
    return ToolCalls(
        [ToolCallSpec(name, {"n": 1}, id="first"), ToolCallSpec(name, {"n": 2}, id="second")]
    )


def probe_twice(probe: Callable[[int], object], traces: Traces) -> LLMClient:
    """A traced client whose model calls the tool ``probe`` twice in one turn, then answers."""
    factory = ToolFactory()
    factory.register_tool(probe, parameters={"type": "object", "properties": {"n": {}}})
    return LLMClient(
        model=MODEL,
        transport=ScriptedTransport(two_calls("probe"), Text("done")),
        tool_factory=factory,
        telemetry=traces.telemetry(),
    )


def current_span_id() -> int:
    return trace.get_current_span().get_span_context().span_id


def spans_by_call_id(traces: Traces) -> dict[str, int]:
    return {
        str((s.attributes or {})["gen_ai.tool.call.id"]): span_id(s)
        for s in traces.named("execute_tool")
    }


async def test_the_callers_span_is_the_parent_and_is_left_untouched(traces: Traces) -> None:
    """Our root is a child of the current span, which stays current, open and unmodified."""
    client = LLMClient(
        model=MODEL, transport=ScriptedTransport(Text("hi")), telemetry=traces.telemetry()
    )
    tracer = traces.provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        parent.set_attribute("app.route", "/chat")
        await client.generate(input="hello")
        assert trace.get_current_span() is parent
        assert parent.is_recording()
        assert traces.named("handle request") == []
    request = traces.one("handle request")
    assert dict(request.attributes or {}) == {"app.route": "/chat"}
    assert request.status.status_code is StatusCode.UNSET
    assert request.events == ()
    root = traces.one("invoke_agent")
    assert parent_id(root) == span_id(request)
    assert root.context is not None and request.context is not None
    assert root.context.trace_id == request.context.trace_id


async def test_parallel_sync_tools_see_their_span_in_worker_threads(traces: Traces) -> None:
    """Two sync tools meet at a barrier (so they overlap, in a task group, on two threads);
    each sees its own ``execute_tool`` span as current."""
    barrier = threading.Barrier(2, timeout=5)
    seen: dict[int, tuple[int, int]] = {}

    def probe(n: int) -> str:
        barrier.wait()
        seen[n] = (current_span_id(), threading.get_ident())
        return "ok"

    client = probe_twice(probe, traces)
    await client.generate(input="go")
    ids = spans_by_call_id(traces)
    assert seen[1][0] == ids["first"] and seen[2][0] == ids["second"]
    assert len({seen[1][1], seen[2][1], threading.get_ident()}) == 3


async def test_parallel_async_tools_see_their_span_in_the_task_group(traces: Traces) -> None:
    """Two async tools that wait for each other each see their own span as current."""
    arrived = {1: anyio.Event(), 2: anyio.Event()}
    seen: dict[int, int] = {}

    async def probe(n: int) -> str:
        arrived[n].set()
        await arrived[3 - n].wait()
        seen[n] = current_span_id()
        return "ok"

    client = probe_twice(probe, traces)
    with anyio.fail_after(5):
        await client.generate(input="go")
    ids = spans_by_call_id(traces)
    assert seen == {1: ids["first"], 2: ids["second"]}
    root = traces.one("invoke_agent")
    assert all(parent_id(s) == span_id(root) for s in traces.named("execute_tool"))


async def test_streamed_generation_nests_like_a_plain_one(traces: Traces) -> None:
    """Streaming keeps the same tree, under the caller's span, whose context is untouched."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]),
            Text("Cold and clear.", chunk_size=3),
        ),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )
    tracer = traces.provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as parent:
        stream = await client.generate(input="Weather in Oslo?", stream=True)
        async with aclosing(stream):
            async for _chunk in stream:
                assert trace.get_current_span() is parent
    root = traces.one("invoke_agent")
    assert parent_id(root) == span_id(traces.one("handle request"))
    assert children_of(traces.spans, root) == [
        "chat gpt-4o-mini",
        "execute_tool get_weather",
        "chat gpt-4o-mini",
    ]
    assert all((s.attributes or {})["gen_ai.request.stream"] for s in traces.named("chat"))


async def test_a_streamed_chat_span_ends_when_the_stream_ends(traces: Traces) -> None:
    """The model-call span is still open while text arrives and ends once the stream is over."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(Text("one two three", chunk_size=4)),
        telemetry=traces.telemetry(),
    )
    last_text_at = 0
    async for chunk in await client.generate(input="count", stream=True):
        if chunk.content:
            assert traces.named("chat") == []
            last_text_at = time.time_ns()
    chat, root = traces.one("chat"), traces.one("invoke_agent")
    assert chat.end_time is not None and root.end_time is not None
    assert last_text_at <= chat.end_time <= root.end_time
    assert (chat.attributes or {})["gen_ai.response.finish_reasons"] == ("stop",)


async def test_closing_a_stream_early_ends_its_spans_without_error(traces: Traces) -> None:
    """A consumer that stops reading ends the model-call and generation spans at once."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(Text("a long answer, slowly", chunk_size=2, delay=0.01)),
        telemetry=traces.telemetry(),
    )
    stream = await client.generate(input="talk", stream=True)
    async with aclosing(stream):
        async for _chunk in stream:
            break
    chat, root = traces.one("chat"), traces.one("invoke_agent")
    assert chat.status.status_code is StatusCode.UNSET
    assert root.status.status_code is StatusCode.UNSET
    assert "gen_ai.response.finish_reasons" not in (chat.attributes or {})


async def test_a_cancelled_generation_ends_its_spans(traces: Traces) -> None:
    """Cancelling the caller (a timeout) ends the open spans; cancellation is not an error."""
    client = LLMClient(
        model=MODEL, transport=ScriptedTransport(Stall(10)), telemetry=traces.telemetry()
    )
    with anyio.move_on_after(0.05) as scope:
        await client.generate(input="hang")
    assert scope.cancelled_caught
    for span in (traces.one("chat"), traces.one("invoke_agent")):
        assert span.end_time is not None
        assert span.status.status_code is StatusCode.UNSET


async def test_nested_tool_calls_are_children_of_the_calling_tool(traces: Traces) -> None:
    """A tool that calls tools through its ``tool_runtime`` (in parallel) parents their spans."""
    from llm_factory_toolkit.tools.runtime import ToolRuntime

    async def plan_trip(tool_runtime: ToolRuntime) -> str:
        results = await tool_runtime.call_tools(
            [
                {"name": "get_weather", "arguments": {"city": "Oslo"}},
                {"name": "get_weather", "arguments": {"city": "Rome"}},
            ],
            parallel=True,
        )
        return " / ".join(result.content for result in results)

    factory = weather_factory()
    factory.register_tool(plan_trip, parameters={"type": "object", "properties": {}})
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("plan_trip", {})]), Text("Pack for both.")
        ),
        tool_factory=factory,
        telemetry=traces.telemetry(),
    )
    await client.generate(input="Trip?")
    trip = traces.one("execute_tool plan_trip")
    assert parent_id(trip) == span_id(traces.one("invoke_agent"))
    assert children_of(traces.spans, trip) == ["execute_tool get_weather"] * 2
