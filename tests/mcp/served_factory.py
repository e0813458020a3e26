"""A ToolFactory served over MCP by ``serve()``, for the tests: stdio by default, or
streamable HTTP (``http``: the port, once listening, is the first line of stdout).

``whoami`` reads ``user_id`` from the served context; a hook denies ``forbidden``.
"""

from __future__ import annotations

import functools
import socket
import sys

import anyio

from llm_factory_toolkit import ToolCallDenied, ToolFactory
from llm_factory_toolkit.mcp import serve
from llm_factory_toolkit.pipeline import HookRegistry
from llm_factory_toolkit.pipeline.context import ToolCall


def whoami(user_id: str) -> str:
    """Who the server says is calling."""
    return f"user {user_id}"


def add(a: int, b: int) -> dict[str, int]:
    """Add two integers."""
    return {"sum": a + b}


def forbidden() -> str:
    """Never allowed."""
    return "should not run"


def factory() -> ToolFactory:
    tools = ToolFactory()
    tools.register_tool(whoami, context_params=["user_id"])
    tools.register_tool(add)
    tools.register_tool(forbidden)
    return tools


def hooks() -> HookRegistry:
    registry = HookRegistry()

    @registry.before_tool_call
    def deny_forbidden(call: ToolCall) -> None:
        if call.name == "forbidden":
            raise ToolCallDenied("not for MCP clients")

    return registry


OPTIONS = {"hooks": hooks(), "tool_execution_context": {"user_id": "u-7"}}


async def serve_http() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with anyio.create_task_group() as group:
        group.start_soon(
            functools.partial(serve, factory(), "streamable-http", port=port, **OPTIONS)
        )
        for _ in range(200):
            try:
                await (await anyio.connect_tcp("127.0.0.1", port)).aclose()
                break
            except OSError:
                await anyio.sleep(0.05)
        print(port, flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["http"]:
        anyio.run(serve_http)
    else:
        anyio.run(functools.partial(serve, factory(), **OPTIONS))
