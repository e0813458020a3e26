"""MCP: the tools of MCP servers as toolkit tools, and a ``ToolFactory`` as an MCP server.

Client side: ``MCPServerStdio`` (a command) and ``MCPServerHTTP`` (a streamable HTTP URL),
given to ``LLMClient(..., mcp_servers=[...])`` or ``ToolFactory.register_mcp_server``. Their
tools become ordinary registrations, run through the same tool stages as Python tools.
Server side: ``serve(factory)`` answers MCP clients with the factory's tools, its hooks
applied. Built on the official ``mcp`` SDK (the ``mcp`` extra), which is anyio-based, so
both sides run on asyncio and trio; the SDK loads on first use.
"""

from __future__ import annotations

from .connection import MCPServerError
from .results import MCPMedia, MCPToolOutput
from .servers import MCPServer, MCPServerHTTP, MCPServerStdio
from .serving import build_server, serve, streamable_http_app
from .toolset import SERVER_ATTRIBUTE, MCPToolFunction, MCPToolset

__all__ = [
    "SERVER_ATTRIBUTE",
    "MCPMedia",
    "MCPServer",
    "MCPServerError",
    "MCPServerHTTP",
    "MCPServerStdio",
    "MCPToolFunction",
    "MCPToolOutput",
    "MCPToolset",
    "build_server",
    "serve",
    "streamable_http_app",
]
