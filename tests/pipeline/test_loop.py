"""The agent loop: model call, tool round, repeat; limits, order and the transcript."""

from __future__ import annotations

import anyio
import pytest

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.events import ToolCallRequested
from llm_factory_toolkit.testing import (
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)

pytestmark = pytest.mark.anyio


def slow_echo_factory(delays: dict[str, float]) -> ToolFactory:
    async def echo(word: str) -> str:
        await anyio.sleep(delays.get(word, 0))
        return word.upper()

    factory = ToolFactory()
    factory.register_tool(
        echo, parameters={"type": "object", "properties": {"word": {"type": "string"}}}
    )
    return factory


async def test_parallel_results_are_appended_in_call_order() -> None:
    """Calls in one turn run concurrently, yet their messages keep the model's order.

    Each call waits until all three have started, so run one by one they would never finish;
    and they finish in reverse order, so the messages' order is the model's, not completion's.
    """
    started: list[str] = []
    all_started = anyio.Event()

    async def echo(word: str) -> str:
        started.append(word)
        if len(started) == 3:
            all_started.set()
        with anyio.fail_after(5):
            await all_started.wait()
        await anyio.sleep({"first": 0.03, "second": 0.02, "third": 0.0}[word])
        return word.upper()

    factory = ToolFactory()
    factory.register_tool(echo)
    calls = [ToolCallSpec("echo", {"word": w}, id=f"id_{w}") for w in ("first", "second", "third")]
    client = LLMClient(
        model="scripted/m",
        tool_factory=factory,
        transport=ScriptedTransport(ToolCalls(calls), Text("done")),
    )
    with capture_events(client.events) as events:
        result = await client.generate(input="go")
    tool_results = [m for m in result.tool_messages if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_results] == ["id_first", "id_second", "id_third"]
    assert [m["content"] for m in tool_results] == ["FIRST", "SECOND", "THIRD"]
    assert [e.tool_call_id for e in events.of(ToolCallRequested)] == [
        "id_first",
        "id_second",
        "id_third",
    ]
    assert [p["payload"] for p in result.payloads] == ["FIRST", "SECOND", "THIRD"]


async def test_max_concurrent_tools_bounds_the_round() -> None:
    """With max_concurrent_tools=1 the calls of a turn run one at a time."""
    running, peak = 0, 0

    async def probe(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.01)
        running -= 1
        return n

    factory = ToolFactory()
    factory.register_tool(probe)
    calls = [ToolCallSpec("probe", {"n": n}) for n in range(4)]
    client = LLMClient(
        model="scripted/m",
        tool_factory=factory,
        transport=ScriptedTransport(ToolCalls(calls), Text("done")),
    )
    result = await client.generate(input="go", max_concurrent_tools=1)
    assert peak == 1
    assert [m["content"] for m in result.tool_messages if m["role"] == "tool"] == list("0123")


async def test_max_tool_iterations_stops_with_a_detectable_result() -> None:
    """When the model keeps calling tools, the loop stops and says why; the transcript stays."""
    factory = slow_echo_factory({})
    transport = ScriptedTransport(
        responder=lambda call: ToolCalls([ToolCallSpec("echo", {"word": "again"})])
    )
    client = LLMClient(model="scripted/m", tool_factory=factory, transport=transport)
    result = await client.generate(input="loop", max_tool_iterations=3)
    assert result.finish_reason == "max_tool_iterations"
    assert result.iterations == 3
    assert len(transport.calls) == 3
    assert [m["role"] for m in result.messages][-2:] == ["assistant", "tool"]


async def test_result_unpacks_and_indexes_like_a_pair() -> None:
    """content, payloads = result, and result[0] / result[1], as the original API promised."""
    client = LLMClient(model="scripted/m", transport=ScriptedTransport(Text("hi")))
    result = await client.generate(input="x")
    content, payloads = result
    assert (content, payloads) == ("hi", [])
    assert (result[0], result[1], len(result)) == ("hi", [], 2)


async def test_the_callers_messages_are_not_mutated() -> None:
    """The transcript is a copy: the caller's history list is left as it was."""
    history = [{"role": "user", "content": "hi"}]
    client = LLMClient(model="scripted/m", transport=ScriptedTransport(Text("hello")))
    result = await client.generate(input=history)
    assert history == [{"role": "user", "content": "hi"}]
    assert result.messages[-1] == {"role": "assistant", "content": "hello"}
