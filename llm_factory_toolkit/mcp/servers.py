"""MCP servers the toolkit connects to: a command over stdio, or a URL over streamable HTTP.

A server opens on first use. Inside ``async with server:`` (or ``async with client:`` for an
``LLMClient`` given the server) one connection lives until the block ends, shared by every
generation and call; a crashed or timed-out connection is dropped and the next use opens a
new one. Outside such a block, each use opens and closes its own connection: correct on any
task and backend, but a stdio server then starts per call (measured: a Python server takes
about 0.8 s to start, a call on a held connection about 2 ms; ``benchmarks/bench_mcp.py``).

The SDK loads on first use, so ``import llm_factory_toolkit`` never imports ``mcp``. Sessions
use the initialize handshake, which every server speaks and which carries
``notifications/tools/list_changed`` on the session itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

import anyio

from ..exceptions import ConfigurationError
from .connection import Connection, MCPServerError, describe

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

T = TypeVar("T")
Operation = Callable[[Any], Awaitable[T]]
_CONNECTION_CLOSED = -32000
_LIST_PAGES = 100


class MCPServer:
    """The common part of every MCP server: its connection, calls, timeouts and listeners.

    Args:
        name: Names the server in tool metadata, traces and the catalog group.
        timeout: Seconds one request may take; past it the model gets a timeout error and
            the connection is replaced. None waits as long as the server takes.
        connect_timeout: Seconds to start the server and open the session.
    """

    def __init__(
        self, name: str, *, timeout: float | None = 60.0, connect_timeout: float | None = 30.0
    ) -> None:
        self.name = name
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self._group: TaskGroup | None = None
        self._connection: Connection | None = None
        self._listeners: list[Callable[[], None]] = []

    def on_tools_changed(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` when the server says its tool list changed."""
        self._listeners.append(listener)

    @property
    def is_open(self) -> bool:
        """Whether ``async with server:`` (or a client's) holds its connection now."""
        return self._group is not None

    async def list_tools(self) -> list[Any]:
        """Every tool the server lists (the SDK's ``Tool`` objects), across pages."""
        return await self._use(_all_tools)

    async def call_tool(self, name: str, arguments: Mapping[str, Any]) -> Any:
        """Call tool ``name``; the SDK's ``CallToolResult``. Raises ``MCPServerError``."""
        return await self._use(lambda client: client.call_tool(name, dict(arguments)))

    async def __aenter__(self) -> Self:
        if self._group is not None:
            raise ConfigurationError(f"MCP server '{self.name}' is already open")
        group = anyio.create_task_group()
        await group.__aenter__()
        self._group = group
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the held connection and wait until the server has stopped."""
        group, self._group = self._group, None
        if self._connection is not None:
            self._connection.stop()
            self._connection = None
        if group is not None:
            await group.__aexit__(None, None, None)

    def _target(self) -> Any:
        """What the SDK's ``Client`` connects to."""
        raise NotImplementedError

    @contextlib.asynccontextmanager
    async def _open_client(self) -> AsyncIterator[Any]:
        client_class = _sdk().Client
        target = self._target()
        async with contextlib.AsyncExitStack() as stack:
            if isinstance(target, contextlib.AbstractAsyncContextManager):
                target = await stack.enter_async_context(target)
            client = client_class(
                target, mode="legacy", cache=None, message_handler=self._on_message
            )
            yield await stack.enter_async_context(client)

    async def _on_message(self, message: Any) -> None:
        if getattr(message, "method", None) == "notifications/tools/list_changed":
            for listener in self._listeners:
                listener()

    async def _use(self, operation: Operation[T]) -> T:
        if self._group is None:
            return await self._bounded(lambda: self._once(operation), self._once_limit())
        connection = self._live(self._group)
        try:
            client = await self._bounded(connection.client, self.connect_timeout)
            return await self._bounded(lambda: operation(client), self.timeout)
        except MCPServerError as exc:
            if exc.status != "mcp_protocol_error":
                connection.stop()
            raise

    def _live(self, group: TaskGroup) -> Connection:
        """The held connection, or a new one started in the server's task group."""
        if self._connection is None or not self._connection.usable:
            self._connection = Connection(self.name, self._open_client)
            group.start_soon(self._connection.hold, name=f"mcp server {self.name}")
        return self._connection

    async def _once(self, operation: Operation[T]) -> T:
        """A connection for this use alone, closed before returning."""
        async with self._open_client() as client:
            return await operation(client)

    def _once_limit(self) -> float | None:
        """A connection of one use is opened and used under a single deadline."""
        if self.connect_timeout is None or self.timeout is None:
            return None
        return self.connect_timeout + self.timeout

    async def _bounded(self, attempt: Callable[[], Awaitable[T]], limit: float | None) -> T:
        """``attempt()`` within ``limit`` seconds; its failures as ``MCPServerError``."""
        with anyio.move_on_after(limit):
            try:
                return await attempt()
            except MCPServerError:
                raise
            except Exception as exc:
                closed = getattr(exc, "code", _CONNECTION_CLOSED) == _CONNECTION_CLOSED
                status = "mcp_server_unavailable" if closed else "mcp_protocol_error"
                raise self._error(exc, status) from exc
        raise MCPServerError(
            f"MCP server '{self.name}' did not answer within {limit} seconds",
            status="timeout",
        )

    def _error(self, exc: BaseException, status: str) -> MCPServerError:
        return MCPServerError(f"MCP server '{self.name}' failed: {describe(exc)}", status=status)


class MCPServerStdio(MCPServer):
    """A server run as a child process, spoken to over its stdin and stdout.

    ``env`` adds to a small safe inherited environment (``PATH``, ``HOME``, ...); the child
    ends when the connection closes.
    """

    def __init__(
        self,
        command: str,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        *,
        name: str | None = None,
        timeout: float | None = 60.0,
        connect_timeout: float | None = 30.0,
    ) -> None:
        server_name = name or Path(args[-1] if args else command).stem
        super().__init__(server_name, timeout=timeout, connect_timeout=connect_timeout)
        self.command = command
        self.args = list(args)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd

    def _target(self) -> Any:
        parameters = _sdk().StdioServerParameters
        return parameters(command=self.command, args=self.args, env=self.env, cwd=self.cwd)


class MCPServerHTTP(MCPServer):
    """A server at a streamable HTTP endpoint (``http://host:port/mcp``); ``headers`` go
    with every request (authorization, for instance)."""

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str] | None = None,
        *,
        name: str | None = None,
        timeout: float | None = 60.0,
        connect_timeout: float | None = 30.0,
    ) -> None:
        server_name = name or urlsplit(url).netloc.replace(":", "_")
        super().__init__(server_name, timeout=timeout, connect_timeout=connect_timeout)
        self.url = url
        self.headers = dict(headers or {})

    def _target(self) -> Any:
        return _http_transport(self.url, self.headers)


@contextlib.asynccontextmanager
async def _http_transport(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    """The SDK's streamable HTTP transport, on an HTTP client that sends ``headers``."""
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    timeout = httpx2.Timeout(30.0, read=300.0)
    async with httpx2.AsyncClient(headers=headers, timeout=timeout) as http:
        yield streamable_http_client(url, http_client=http)


async def _all_tools(client: Any) -> list[Any]:
    tools: list[Any] = []
    cursor: str | None = None
    for _ in range(_LIST_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            break
    return tools


def _sdk() -> Any:
    """The ``mcp`` SDK, or a ``ConfigurationError`` that says how to install it."""
    try:
        import mcp
    except ImportError as exc:
        raise ConfigurationError(
            "MCP servers need the mcp extra: pip install 'llm_factory_toolkit[mcp]'"
        ) from exc
    return mcp
