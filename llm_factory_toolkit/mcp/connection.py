"""One live session with an MCP server, held open by a host task.

The SDK's transports (``stdio_client``, ``streamable_http_client``) open anyio task groups and
cancel scopes that must be exited by the task that entered them. A session kept across
generations therefore cannot be entered by whichever call uses it first: a host task owns it,
from open to close, in a task group that outlives every generation (the one ``async with
server:`` or ``async with client:`` opens). Calls from other tasks share the session: the
SDK's requests are plain message exchanges, safe from any task on the same event loop. The
host never raises into its group: a failure to connect, or a server that dies, is recorded
and reported to the next caller, so a bad server cannot cancel the user's ``async with`` body.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio

from ..exceptions import ToolError

OpenClient = Callable[[], AbstractAsyncContextManager[Any]]


class MCPServerError(ToolError):
    """An MCP server could not be started or reached, crashed, or did not answer in time.

    ``status`` is what the model reads: ``mcp_server_unavailable``, ``timeout``, or
    ``mcp_protocol_error`` (the server answered, but refused the request).
    """

    def __init__(self, message: str, *, status: str = "mcp_server_unavailable") -> None:
        super().__init__(message)
        self.status = status


class Connection:
    """A session opened by ``hold`` (the host task) and shared until ``stop``."""

    def __init__(self, name: str, open_client: OpenClient) -> None:
        self._name = name
        self._open = open_client
        self._client: Any = None
        self._failure: BaseException | None = None
        self._ready = anyio.Event()
        self._stopped = anyio.Event()
        self._scope = anyio.CancelScope()

    @property
    def usable(self) -> bool:
        """False once stopped or ended: the next call opens a new connection."""
        return not self._stopped.is_set() and (self._client is not None or not self._ready.is_set())

    async def hold(self) -> None:
        """The host task: open the session, publish it, keep it until ``stop``, close it."""
        try:
            with self._scope:
                async with self._open() as client:
                    self._client = client
                    self._ready.set()
                    await self._stopped.wait()
        except Exception as exc:
            self._failure = exc
        finally:
            self._client = None
            self._stopped.set()
            self._ready.set()

    async def client(self) -> Any:
        """The open SDK client; raises ``MCPServerError`` when it could not be opened."""
        await self._ready.wait()
        if self._client is None:
            raise MCPServerError(
                f"MCP server '{self._name}' is not available: {describe(self._failure)}"
            ) from self._failure
        return self._client

    def stop(self) -> None:
        """Ask the host to close the session (the child process ends with it); a connection
        still being opened is abandoned at once."""
        self._stopped.set()
        if not self._ready.is_set():
            self._scope.cancel()


def describe(exc: BaseException | None) -> str:
    """The innermost message of ``exc``, unwrapping the exception groups task groups raise."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if exc is None:
        return "connection closed"
    return f"{type(exc).__name__}: {exc}"
