"""``ToolRuntime``: nested calls, their order and concurrency, depth limit, and propagation."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest

from llm_factory_toolkit import (
    LLMClient,
    ToolCall,
    ToolCallDenied,
    ToolError,
    ToolFactory,
    ToolRuntime,
)
from llm_factory_toolkit.core import events as ev
from llm_factory_toolkit.testing import (
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)

pytestmark = pytest.mark.anyio


def diving_factory(**options: Any) -> ToolFactory:
    factory = ToolFactory(**options)

    async def dive(tool_runtime: ToolRuntime) -> Any:
        inner = await tool_runtime.call_tool("dive")
        return inner if inner.error else f"depth {tool_runtime.depth}"

    factory.register_tool(dive)
    return factory


async def test_recursion_stops_at_max_depth_with_a_clear_error() -> None:
    """Eight nested levels run; the ninth is refused and the refusal reaches the outer result."""
    factory = diving_factory()
    transport = ScriptedTransport(ToolCalls([ToolCallSpec("dive", {}, id="c")]), Text("end"))
    client = LLMClient(model="openai/x", transport=transport, tool_factory=factory)
    with capture_events(client.events) as log:
        result = await client.generate(input="Dive.")

    (tool_message,) = [m for m in result.messages if m["role"] == "tool"]
    assert "Maximum tool recursion depth (8) exceeded" in tool_message["content"]
    assert max(event.depth for event in log.of(ev.ToolCallStarted)) == 8
    assert factory.get_tool_usage_counts() == {"dive": 9}


async def test_max_depth_is_configurable() -> None:
    result = await diving_factory(max_tool_depth=2).dispatch_tool("dive", "{}")
    assert result.error is not None and "Maximum tool recursion depth (2)" in result.error


async def test_call_tools_keeps_order_bounds_concurrency_and_merges_context() -> None:
    running, peak = 0, 0
    factory = ToolFactory()

    async def echo(word: str, lang: str, tool_call_depth: int) -> str:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.01 * (5 - len(word)))
        running -= 1
        return f"{word}/{lang}/{tool_call_depth}"

    async def fan_out(tool_runtime: ToolRuntime) -> list[str]:
        calls = [
            {"name": "echo", "arguments": {"word": "a"}},
            {"name": "echo", "json_arguments": '{"word": "bb"}'},
            {"name": "echo", "arguments": {"word": "ccc"}, "context": {"lang": "fr"}},
            {"name": "echo", "arguments": {"word": "dddd"}},
        ]
        results = await tool_runtime.call_tools(
            calls, parallel=True, max_concurrent=2, shared_context={"lang": "de"}
        )
        return [r.content for r in results]

    factory.register_tool(echo, context_params=["lang"])
    factory.register_tool(fan_out)
    result = await factory.dispatch_tool("fan_out", "{}", {"lang": "en"})
    assert result.payload == ["a/de/1", "bb/de/1", "ccc/fr/1", "dddd/de/1"]
    assert peak == 2


async def test_call_tools_runs_in_sequence_by_default() -> None:
    order: list[str] = []
    factory = ToolFactory()

    async def step(name: str) -> str:
        order.append(f"start {name}")
        await anyio.sleep(0.01)
        order.append(f"end {name}")
        return name

    async def steps(tool_runtime: ToolRuntime) -> str:
        await tool_runtime.call_tools([{"name": "step", "arguments": {"name": n}} for n in "ab"])
        return "done"

    factory.register_tool(step)
    factory.register_tool(steps)
    await factory.dispatch_tool("steps", "{}")
    assert order == ["start a", "end a", "start b", "end b"]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"arguments": {}}, "needs a 'name'"),
        ({"name": "t", "arguments": {}, "json_arguments": "{}"}, "not both"),
        ({"name": "t", "arguments": {"x": object()}}, "Failed to serialise arguments"),
    ],
)
async def test_bad_nested_calls_raise_before_anything_runs(
    call: dict[str, Any], message: str
) -> None:
    ran: list[str] = []
    factory = ToolFactory()
    factory.register_tool(lambda: ran.append("t") or "t", name="t")
    runtime = ToolRuntime(factory, ToolCall(id="p", name="parent", arguments=""))
    with pytest.raises(ToolError, match=message):
        await runtime.call_tools([{"name": "t", "arguments": {}}, call], parallel=True)
    assert ran == []


async def test_hooks_and_mock_overrides_apply_to_nested_calls() -> None:
    """Inside a generation nested calls meet the hooks; ``use_mock`` overrides per call."""
    ran: list[str] = []
    factory = ToolFactory()
    factory.register_tool(lambda: ran.append("wipe") or "wiped", name="wipe")
    factory.register_tool(lambda: ran.append("read") or "read", name="read")

    async def admin(tool_runtime: ToolRuntime) -> list[Any]:
        wipe = await tool_runtime.call_tool("wipe")
        read = await tool_runtime.call_tool("read", use_mock=True)
        return [json.loads(wipe.content)["status"], read.content]

    factory.register_tool(admin)
    transport = ScriptedTransport(ToolCalls([ToolCallSpec("admin", {}, id="c")]), Text("ok"))
    client = LLMClient(model="openai/x", transport=transport, tool_factory=factory)

    @client.hooks.before_tool_call
    def no_nested_wipes(call: ToolCall) -> None:
        if call.name == "wipe" and call.depth > 0:
            raise ToolCallDenied("not from inside a tool")

    result = await client.generate(input="Admin.")
    assert result.payloads[0]["payload"] == ["denied", "Mocked execution for tool 'read'."]
    assert ran == []
