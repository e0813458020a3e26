"""MCP tools inside generations: real litellm talks to the loopback LLM server, the tools run
on a real MCP server, on both backends. The tool stages treat MCP calls like any other."""

from __future__ import annotations

import json
import sys

import anyio
import pytest

from llm_factory_toolkit import ToolCallDenied, ToolFactory
from llm_factory_toolkit.mcp import SERVER_ATTRIBUTE, MCPServerError, MCPServerStdio
from llm_factory_toolkit.pipeline.context import ToolCall
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from tests.observability.conftest import new_traces
from tests.support import loopback_client, offered_tools, tool_results

from .conftest import CallLog, process_alive, stdio_server

pytestmark = pytest.mark.anyio
MODEL = "openai/tool-model"


async def test_a_generation_calls_an_mcp_tool(server: LoopbackLLMServer, call_log: CallLog) -> None:
    """The model is offered the server's tools, calls one, and reads its result."""
    server.script(ToolCalls([ToolCallSpec("add", {"a": 2, "b": 3}, id="c1")]), Text("Five."))
    mcp = stdio_server(call_log)
    async with loopback_client(server, MODEL, mcp_servers=[mcp]) as client:
        result = await client.generate(input="Add 2 and 3.", tool_execution_context={"b": 40})
        pid = int((await client.tool_factory.dispatch_tool("pid", "{}")).content)  # type: ignore[union-attr]
    assert result.content == "Five."
    assert offered_tools(server.requests[0])["add"]["required"] == ["a", "b"]
    assert json.loads(tool_results(server.requests[1])["c1"]) == {"total": 5}
    assert [c["arguments"] for c in call_log.calls()] == [{"a": 2, "b": 3}]
    assert not process_alive(pid)


async def test_a_hook_denies_an_mcp_call_before_the_server_sees_it(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    server.script(
        ToolCalls([ToolCallSpec("echo", {"text": "hi"}, id="c1")]),
        ToolCalls([ToolCallSpec("add", {"a": 1, "b": 1}, id="c2")]),
        Text("ok"),
    )
    mcp = stdio_server(call_log)
    async with loopback_client(server, MODEL, mcp_servers=[mcp]) as client:

        @client.hooks.before_tool_call
        def no_echo(call: ToolCall) -> None:
            if call.name == "echo":
                raise ToolCallDenied("echo is off")

        await client.generate(input="go")
    assert json.loads(tool_results(server.requests[1])["c1"])["status"] == "denied"
    assert call_log.tools() == ["add"]


async def test_mock_mode_answers_without_calling_the_server(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    server.script(ToolCalls([ToolCallSpec("add", {"a": 1, "b": 1}, id="c1")]), Text("ok"))
    mcp = stdio_server(call_log)
    async with loopback_client(server, MODEL, mcp_servers=[mcp]) as client:
        result = await client.generate(input="go", mock_tools=True)
    assert "Mocked" in tool_results(server.requests[1])["c1"]
    assert result.content == "ok"
    assert call_log.calls() == []


async def test_usage_counts_and_the_span_name_the_mcp_call(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    server.script(ToolCalls([ToolCallSpec("echo", {"text": "x"}, id="c1")]), Text("ok"))
    traces = new_traces()
    factory = ToolFactory()
    factory.register_mcp_server(stdio_server(call_log, name="echoes"))
    client = loopback_client(server, MODEL, tool_factory=factory, telemetry=traces.telemetry())
    async with client:
        await client.generate(input="go")
    span = traces.one("execute_tool echo")
    assert span.attributes is not None and span.attributes[SERVER_ATTRIBUTE] == "echoes"
    assert factory.get_tool_usage_counts()["echo"] == 1
    traces.provider.shutdown()


async def test_a_tool_added_mid_generation_is_offered_on_the_next_model_call(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    """``grow`` adds ``later`` and sends list_changed; the next request offers it."""
    server.script(
        ToolCalls([ToolCallSpec("grow", {}, id="c1")]),
        ToolCalls([ToolCallSpec("later", {}, id="c2")]),
        Text("ok"),
    )
    async with loopback_client(server, MODEL, mcp_servers=[stdio_server(call_log)]) as client:
        await client.generate(input="go")
    assert "later" not in offered_tools(server.requests[0])
    assert "later" in offered_tools(server.requests[1])
    assert tool_results(server.requests[2])["c2"] == "late"


async def test_without_async_with_each_use_opens_its_own_connection(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    """A client used without ``async with`` still works and leaves no process behind."""
    server.script(ToolCalls([ToolCallSpec("pid", {}, id="c1")]), Text("ok"))
    client = loopback_client(server, MODEL, mcp_servers=[stdio_server(call_log)])
    await client.generate(input="go")
    await client.aclose()
    pid = int(tool_results(server.requests[1])["c1"])
    assert not process_alive(pid)


async def test_dynamic_loading_finds_and_loads_mcp_tools_by_server_group(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    """Hidden at first, the server's tools are browsed by group, loaded, then called."""
    server.script(
        ToolCalls([ToolCallSpec("browse_toolkit", {"group": "tool_server"}, id="c1")]),
        ToolCalls([ToolCallSpec("load_tool_group", {"group": "tool_server"}, id="c2")]),
        ToolCalls([ToolCallSpec("echo", {"text": "found"}, id="c3")]),
        Text("ok"),
    )
    mcp = stdio_server(call_log)
    client = loopback_client(server, MODEL, mcp_servers=[mcp], dynamic_tool_loading=True)
    async with client:
        await client.generate(input="go")
    assert "echo" not in offered_tools(server.requests[0])
    assert "echo" in tool_results(server.requests[1])["c1"]
    assert "echo" in offered_tools(server.requests[2])
    assert tool_results(server.requests[3])["c3"] == "found"
    assert call_log.tools() == ["echo"]


async def test_a_server_that_cannot_start_fails_the_generation_with_a_typed_error(
    server: LoopbackLLMServer,
) -> None:
    """Its tools cannot be listed: ``MCPServerError`` before any model call is sent."""
    broken = MCPServerStdio(sys.executable, ["-c", "raise SystemExit(2)"], name="broken")
    async with loopback_client(server, MODEL, mcp_servers=[broken]) as client:
        with pytest.raises(MCPServerError, match="broken"):
            await client.generate(input="go")
    assert server.requests == []


async def test_concurrent_first_generations_both_see_the_tools(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    """The second generation waits for the listing the first started, not an empty list."""
    server.script(Text("one"), Text("two"))
    client = loopback_client(server, MODEL, mcp_servers=[stdio_server(call_log)])
    async with client, anyio.create_task_group() as group:
        group.start_soon(client.generate, "first")
        group.start_soon(client.generate, "second")
    assert len(server.requests) == 2
    assert all("echo" in offered_tools(request) for request in server.requests)


async def test_a_generation_tool_timeout_cancels_the_call_and_keeps_the_connection(
    server: LoopbackLLMServer, call_log: CallLog
) -> None:
    """``tool_timeout=`` cancels the MCP request; the next call runs on the same server."""
    server.script(
        ToolCalls([ToolCallSpec("slow", {"seconds": 30}, id="c1")]),
        ToolCalls([ToolCallSpec("pid", {}, id="c2")]),
        Text("ok"),
    )
    async with loopback_client(server, MODEL, mcp_servers=[stdio_server(call_log)]) as client:
        await client.generate(input="go", tool_timeout=0.5)
    assert json.loads(tool_results(server.requests[1])["c1"])["status"] == "timeout"
    (slow,) = call_log.calls()
    assert int(tool_results(server.requests[2])["c2"]) == slow["pid"]
