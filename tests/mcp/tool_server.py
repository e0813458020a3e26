"""An MCP server for the tests, written with the SDK; stdio by default, or streamable HTTP.

Every call it receives is appended, as a JSON line, to the file named by ``MCP_CALL_LOG``
(when set), so a test proves from the server's side which calls arrived.
"""

from __future__ import annotations

import base64
import json
import os
import sys

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import (
    CallToolResult,
    EmbeddedResource,
    ImageContent,
    TextContent,
    TextResourceContents,
)
from pydantic import BaseModel

server = MCPServer("test-tools")
PIXEL = base64.b64encode(b"\x89PNG fake").decode()


def record(tool: str, arguments: dict[str, object]) -> None:
    path = os.environ.get("MCP_CALL_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"tool": tool, "arguments": arguments, "pid": os.getpid()}) + "\n")


class Sum(BaseModel):
    total: int


@server.tool()
def echo(text: str) -> str:
    """Echo the text back."""
    record("echo", {"text": text})
    return text


@server.tool()
def add(a: int, b: int) -> Sum:
    """Add two integers."""
    record("add", {"a": a, "b": b})
    return Sum(total=a + b)


@server.tool()
def picture() -> list[object]:
    """A caption, an image and an embedded resource."""
    record("picture", {})
    return [
        TextContent(type="text", text="a pixel"),
        ImageContent(type="image", data=PIXEL, mime_type="image/png"),
        EmbeddedResource(
            type="resource",
            resource=TextResourceContents(
                uri="memo://note", text="the note", mime_type="text/plain"
            ),
        ),
    ]


@server.tool()
def refuse(reason: str) -> CallToolResult:
    """Answer with an error result."""
    record("refuse", {"reason": reason})
    return CallToolResult(content=[TextContent(type="text", text=reason)], is_error=True)


@server.tool()
async def slow(seconds: float) -> str:
    """Sleep, then answer."""
    record("slow", {"seconds": seconds})
    await anyio.sleep(seconds)
    return "woke"


@server.tool()
def crash() -> str:
    """Exit the process at once."""
    record("crash", {})
    os._exit(3)


@server.tool()
async def grow(ctx: Context) -> str:
    """Register a new tool, ``later``, and tell the client its list changed."""
    record("grow", {})

    def later() -> str:
        """A tool that exists only after grow ran."""
        return "late"

    server.add_tool(later)
    await ctx.session.send_tool_list_changed()
    return "grown"


@server.tool()
def pid() -> int:
    """This process's id."""
    return os.getpid()


def serve_http() -> None:
    """Streamable HTTP on an ephemeral 127.0.0.1 port, printed as the first line of stdout."""
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)  # connections queue from now on, before uvicorn starts accepting
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(server.streamable_http_app(), log_level="warning")
    anyio.run(uvicorn.Server(config).serve, [sock])


if __name__ == "__main__":
    if sys.argv[1:] == ["http"]:
        serve_http()
    else:
        server.run("stdio")
