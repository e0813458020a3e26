"""An MCP server's tools as ordinary registrations in a ``ToolFactory``.

Each tool the server lists becomes a registration with the listed name (prefixed on request,
with characters providers refuse replaced by ``_``), its description and its input schema.
The registered function is an ``MCPToolFunction``: the tool stages treat it like any other,
so hooks may deny it, mock mode answers for it (the server never sees the call), usage counts
count it and tracing gives it an ``execute_tool`` span, to which it adds the server's name.
It sends the model's arguments exactly as given: ``tool_execution_context`` values are never
offered to it, so they never reach a server. Tools join the catalog grouped by server.
"""

from __future__ import annotations

import re
import sys
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Any

import anyio

from ..pipeline.observed import error_result
from ..tools.models import ToolExecutionResult
from .connection import MCPServerError
from .results import to_tool_result

if TYPE_CHECKING:
    from ..tools.registration import ToolRegistration
    from ..tools.runtime import ToolRuntime
    from ..tools.tool_factory import ToolFactory
    from .servers import MCPServer

SERVER_ATTRIBUTE = "llm_factory.mcp.server"
"""The span attribute naming the MCP server that ran a tool."""

_REFUSED = re.compile(r"[^A-Za-z0-9_-]")


class MCPToolFunction:
    """Calls one tool of an MCP server with the model's arguments."""

    def __init__(self, server: MCPServer, tool: str) -> None:
        self.server = server
        self.tool = tool

    async def __call__(self, tool_runtime: ToolRuntime) -> ToolExecutionResult:
        _name_server_on_span(self.server.name)
        try:
            result = await self.server.call_tool(self.tool, tool_runtime.arguments)
        except MCPServerError as exc:
            failed = error_result(str(exc), status=exc.status)
            failed.metadata.update(mcp_server=self.server.name, mcp_tool=self.tool)
            return failed
        return to_tool_result(self.server.name, self.tool, result)


class MCPToolset:
    """The tools of ``server`` registered in ``factory``: listed on first use, listed again
    after the server says they changed."""

    def __init__(self, factory: ToolFactory, server: MCPServer, prefix: str | None) -> None:
        self.factory = factory
        self.server = server
        self.prefix = prefix
        self.names: list[str] = []
        self._stale = True
        self._listing: anyio.Event | None = None
        server.on_tools_changed(self._mark_stale)

    async def refresh_if_stale(self) -> None:
        """List the server's tools when never listed or changed since; raises ``MCPServerError``.

        Concurrent callers wait for one listing rather than run on an empty tool list.
        """
        while self._listing is not None:
            await self._listing.wait()
        if not self._stale:
            return
        self._listing, self._stale = anyio.Event(), False
        try:
            self._replace(await self.server.list_tools())
        except BaseException:
            self._stale = True
            raise
        finally:
            self._listing.set()
            self._listing = None

    def _mark_stale(self) -> None:
        self._stale = True

    def _replace(self, tools: list[Any]) -> None:
        for name in self.names:
            self.factory.registrations.pop(name, None)
        self.names = [self._register(tool).name for tool in tools]
        catalog = self.factory.get_catalog()
        refresh = getattr(catalog, "refresh", None)
        if refresh is not None:
            refresh()

    def _register(self, tool: Any) -> ToolRegistration:
        name = _REFUSED.sub("_", f"{self.prefix}_{tool.name}" if self.prefix else tool.name)
        return self.factory.register_tool(
            MCPToolFunction(self.server, tool.name),
            name=name[:64],
            description=tool.description
            or f"The {tool.name} tool of MCP server {self.server.name}.",
            parameters=tool.input_schema,
            group=self.server.name,
            tags=["mcp"],
        )


async def refresh_toolsets(factory: ToolFactory) -> None:
    """Bring every MCP server's tools in ``factory`` up to date."""
    for toolset in factory.mcp_toolsets:
        await toolset.refresh_if_stale()


async def open_servers(factory: ToolFactory) -> AsyncExitStack:
    """Hold a connection to each of the factory's servers not yet open, until the stack closes."""
    stack = AsyncExitStack()
    for server in {id(t.server): t.server for t in factory.mcp_toolsets}.values():
        if not server.is_open:
            await stack.enter_async_context(server)
    return stack


def _name_server_on_span(name: str) -> None:
    """Mark the current ``execute_tool`` span with the server (OpenTelemetry only if loaded)."""
    if "opentelemetry.trace" in sys.modules:
        from opentelemetry import trace

        span = trace.get_current_span()
        if span.is_recording():
            span.set_attribute(SERVER_ATTRIBUTE, name)
