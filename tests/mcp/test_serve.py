"""``serve()`` and ``build_server()`` driven by the SDK's own client, on both backends:
in process, over stdio and over streamable HTTP. The factory's hooks apply, its context is
injected and never asked of the client, and the client sees failures as ``isError``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import mcp
import pytest

from llm_factory_toolkit import ToolFactory, UnsupportedFeatureError
from llm_factory_toolkit.mcp import build_server, serve

from . import served_factory

ROOT = Path(__file__).parents[2]
pytestmark = pytest.mark.anyio


async def check_served_tools(client: Any) -> None:
    """What every served factory must answer, whatever the transport."""
    listed = await client.list_tools()
    assert [tool.name for tool in listed.tools] == ["whoami", "add", "forbidden"]
    assert "user_id" not in listed.tools[0].input_schema.get("properties", {})
    whoami = await client.call_tool("whoami", {"user_id": "spoofed"})
    assert whoami.content[0].text == "user u-7" and not whoami.is_error
    added = await client.call_tool("add", {"a": 2, "b": 5})
    assert added.content[0].text == '{"sum": 7}'
    denied = await client.call_tool("forbidden", {})
    assert denied.is_error and "not for MCP clients" in denied.content[0].text
    unknown = await client.call_tool("missing", {})
    assert unknown.is_error and "not found" in unknown.content[0].text


async def test_the_sdk_client_uses_a_served_factory_in_process() -> None:
    """Hooks, injected context, usage counts; the denied tool never runs."""
    factory = served_factory.factory()
    server = build_server(factory, **served_factory.OPTIONS)
    async with mcp.Client(server) as client:
        await check_served_tools(client)
    counts = factory.get_tool_usage_counts()
    assert counts == {"whoami": 1, "add": 1, "forbidden": 0}


async def test_mock_mode_answers_for_every_served_tool() -> None:
    factory = ToolFactory()
    ran: list[int] = []
    factory.register_tool(lambda a: ran.append(a) or a, name="keep")
    async with mcp.Client(build_server(factory, use_mock=True)) as client:
        result = await client.call_tool("keep", {"a": 1})
    assert "Mocked" in result.content[0].text and ran == []


async def test_the_sdk_client_uses_a_factory_served_over_stdio() -> None:
    parameters = mcp.StdioServerParameters(
        command=sys.executable, args=["-m", "tests.mcp.served_factory"], cwd=ROOT
    )
    async with mcp.Client(parameters) as client:
        await check_served_tools(client)


@pytest.fixture
def served_url() -> Iterator[str]:
    with subprocess.Popen(
        [sys.executable, "-m", "tests.mcp.served_factory", "http"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            yield f"http://127.0.0.1:{int(process.stdout.readline())}/mcp"
        finally:
            process.terminate()
            process.wait(timeout=10)


async def test_the_sdk_client_uses_a_factory_served_over_streamable_http(served_url: str) -> None:
    async with mcp.Client(served_url) as client:
        await check_served_tools(client)


def test_streamable_http_on_trio_says_to_mount_the_app() -> None:
    async def attempt() -> None:
        await serve(ToolFactory(), "streamable-http")

    with pytest.raises(UnsupportedFeatureError, match="streamable_http_app"):
        anyio.run(attempt, backend="trio")
