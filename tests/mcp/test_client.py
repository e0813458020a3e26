"""MCP servers' tools through a ToolFactory, on both backends and both transports: listing,
calling, result mapping, context isolation, crashes, timeouts, list_changed and cleanup.
What a server received is read from its own call log."""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest

from llm_factory_toolkit import InMemoryToolCatalog, ToolFactory
from llm_factory_toolkit.mcp import (
    MCPServer,
    MCPServerError,
    MCPServerHTTP,
    MCPServerStdio,
    MCPToolOutput,
)

from .conftest import CallLog, process_alive, stdio_server

pytestmark = pytest.mark.anyio


def status(content: str) -> str:
    return str(json.loads(content)["status"])


@asynccontextmanager
async def listed(
    server: MCPServer, prefix: str | None = None, factory: ToolFactory | None = None
) -> AsyncIterator[ToolFactory]:
    """A factory offering ``server``'s tools, listed, the server held open."""
    factory = factory or ToolFactory()
    toolset = factory.register_mcp_server(server, prefix=prefix)
    async with server:
        await toolset.refresh_if_stale()
        yield factory


async def test_tools_are_listed_with_their_schemas_and_called(
    make_server: Any, call_log: CallLog
) -> None:
    """Names get the prefix, schemas come from the server, the call reaches the server."""
    server = make_server()
    async with listed(server, prefix="t") as factory:
        result = await factory.dispatch_tool("t_add", '{"a": 1, "b": 2}')
    assert factory.available_tool_names[:3] == ["t_echo", "t_add", "t_picture"]
    assert factory.registrations["t_add"].parameters["required"] == ["a", "b"]
    assert factory.registrations["t_add"].group == "tool_server"
    assert json.loads(result.content) == {"total": 3}
    assert isinstance(result.payload, MCPToolOutput) and result.payload.structured == {"total": 3}
    (call,) = call_log.calls()
    assert (call["tool"], call["arguments"]) == ("add", {"a": 1, "b": 2})


async def test_context_values_never_reach_the_server(make_server: Any, call_log: CallLog) -> None:
    """A context entry named like a tool argument does not replace the model's value."""
    server = make_server()
    async with listed(server) as factory:
        context = {"a": 99, "secret": "s3cr3t-value"}
        await factory.dispatch_tool("add", '{"a": 1, "b": 2}', tool_execution_context=context)
    (call,) = call_log.calls()
    assert call["arguments"] == {"a": 1, "b": 2}
    assert "s3cr3t" not in call_log.path.read_text()


async def test_images_resources_and_error_results_map_onto_tool_results(
    make_server: Any,
) -> None:
    """Text and resource text for the model, media decoded in the payload, isError an error."""
    server = make_server()
    async with listed(server) as factory:
        picture = await factory.dispatch_tool("picture", "{}")
        refused = await factory.dispatch_tool("refuse", '{"reason": "not today"}')
    assert picture.content == "a pixel\n[image image/png]\nthe note"
    image, resource = picture.payload.media
    assert (image.kind, image.data) == ("image", b"\x89PNG fake")
    assert (resource.uri, resource.text) == ("memo://note", "the note")
    assert refused.error == "not today" and status(refused.content) == "mcp_tool_error"


async def test_a_crashed_server_is_a_typed_error_and_the_next_call_reconnects(
    call_log: CallLog,
) -> None:
    """The crash reaches the model as an error result; the next call runs in a new process."""
    server = stdio_server(call_log)
    async with listed(server) as factory:
        before = int((await factory.dispatch_tool("pid", "{}")).content)
        crashed = await factory.dispatch_tool("crash", "{}")
        after = int((await factory.dispatch_tool("pid", "{}")).content)
        echoed = await factory.dispatch_tool("echo", '{"text": "back"}')
    assert status(crashed.content) == "mcp_server_unavailable"
    assert "tool_server" in (crashed.error or "")
    assert after != before and not process_alive(before)
    assert echoed.content == "back"
    assert call_log.tools() == ["crash", "echo"]
    assert {c["pid"] for c in call_log.calls()} == {before, after}


async def test_a_crashed_http_server_is_a_typed_error(http_url: str) -> None:
    """Over HTTP too the model reads a typed error; later calls fail the same way."""
    server = MCPServerHTTP(http_url)
    async with listed(server) as factory:
        crashed = await factory.dispatch_tool("crash", "{}")
        again = await factory.dispatch_tool("echo", '{"text": "x"}')
    assert status(crashed.content) == "mcp_server_unavailable"
    assert status(again.content) == "mcp_server_unavailable"


async def test_a_slow_server_times_out_and_the_connection_is_replaced(
    make_server: Any, call_log: CallLog
) -> None:
    """Past the server's timeout the model reads ``timeout``; the next call still works."""
    server = make_server(timeout=1.0)
    async with listed(server) as factory:
        slow = await factory.dispatch_tool("slow", '{"seconds": 30}')
        echoed = await factory.dispatch_tool("echo", '{"text": "still here"}')
    assert status(slow.content) == "timeout"
    assert echoed.content == "still here"
    assert call_log.tools() == ["slow", "echo"]


async def test_tools_are_listed_again_after_list_changed(make_server: Any) -> None:
    """A tool the server adds, announced with notifications/tools/list_changed, is callable."""
    server = make_server()
    async with listed(server) as factory:
        assert "later" not in factory.registrations
        await factory.dispatch_tool("grow", "{}")
        await factory.mcp_toolsets[0].refresh_if_stale()
        later = await factory.dispatch_tool("later", "{}")
    assert later.content == "late"


async def test_tools_join_the_catalog_grouped_by_server(make_server: Any) -> None:
    server = make_server()
    factory = ToolFactory()
    catalog = InMemoryToolCatalog(factory)
    factory.set_catalog(catalog)
    async with listed(server, prefix="srv", factory=factory):
        pass
    assert catalog.list_groups() == ["tool_server"]
    assert "srv_add" in catalog.group_members("tool_server")
    assert catalog.search("add integers")[0].name == "srv_add"


async def test_no_child_process_is_left_behind(call_log: CallLog) -> None:
    """Held by ``async with`` or opened per use, the server process ends with its connection."""
    server = stdio_server(call_log)
    async with listed(server) as factory:
        held = int((await factory.dispatch_tool("pid", "{}")).content)
        assert process_alive(held)
    once = int((await factory.dispatch_tool("pid", "{}")).content)
    assert held != once
    assert not process_alive(held) and not process_alive(once)


async def test_a_server_that_cannot_start_is_a_typed_error() -> None:
    server = MCPServerStdio(sys.executable, ["-c", "import sys; sys.exit(2)"], name="broken")
    factory = ToolFactory()
    toolset = factory.register_mcp_server(server)
    with pytest.raises(MCPServerError, match="broken"):
        async with server:
            await toolset.refresh_if_stale()
    with pytest.raises(MCPServerError, match="broken"):
        await toolset.refresh_if_stale()


async def test_concurrent_calls_from_other_tasks_share_one_connection(
    make_server: Any, call_log: CallLog
) -> None:
    """Calls started together from sibling tasks open one connection and share it."""
    server = make_server()
    results: list[str] = []

    async def slow_call() -> None:
        result = await server.call_tool("slow", {"seconds": 0.5})
        results.append(result.content[0].text)

    async with server, anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(slow_call)
    assert results == ["woke"] * 3
    assert call_log.tools() == ["slow"] * 3
    assert len({call["pid"] for call in call_log.calls()}) == 1


async def test_a_server_that_never_answers_the_handshake_times_out() -> None:
    """Starting and connecting are bounded too, held or per use."""
    mute = MCPServerStdio(
        sys.executable, ["-c", "import time; time.sleep(60)"], timeout=0.5, connect_timeout=1.0
    )
    toolset = ToolFactory().register_mcp_server(mute)
    with pytest.raises(MCPServerError) as per_use:
        await toolset.refresh_if_stale()
    async with mute:
        with pytest.raises(MCPServerError) as held:
            await toolset.refresh_if_stale()
    assert per_use.value.status == held.value.status == "timeout"
