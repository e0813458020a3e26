"""A ``ToolFactory`` as an MCP server, so any MCP client can use the same tools.

``tools/list`` answers with the factory's definitions; ``tools/call`` runs a tool the way
``ToolFactory.dispatch_tool`` does (injection of ``tool_execution_context``, mock mode, usage
counts) with the hooks of a ``HookRegistry`` around it: pass ``hooks=client.hooks`` to apply
an ``LLMClient``'s authorization to MCP clients too. A denial, an unknown tool or a failing
tool is an ``isError`` result; the result's ``content`` is the text the model would read.

``serve`` speaks stdio on either backend. Streamable HTTP runs uvicorn, which needs asyncio;
on trio, mount ``streamable_http_app(factory)`` in an ASGI server that runs on trio.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import sniffio

from ..exceptions import UnsupportedFeatureError
from ..pipeline import observed
from ..pipeline.context import ToolCall
from ..pipeline.hooks import HookRegistry
from ..tools.models import ToolExecutionResult
from .servers import _sdk

if TYPE_CHECKING:
    from ..tools.tool_factory import ToolFactory

_call_ids = itertools.count(1)


def build_server(
    factory: ToolFactory,
    *,
    name: str = "llm-factory-toolkit",
    hooks: HookRegistry | None = None,
    tool_execution_context: Mapping[str, Any] | None = None,
    use_mock: bool = False,
) -> Any:
    """The SDK's low-level ``Server`` answering with ``factory``'s tools.

    ``tool_execution_context`` is injected into every call (the MCP client never sees it);
    ``use_mock`` answers every call with the tools' mocks.
    """
    types = _sdk().types
    context = MappingProxyType(dict(tool_execution_context or {}))
    registry = hooks or HookRegistry()

    async def list_tools(_ctx: Any, _params: Any) -> Any:
        return types.ListToolsResult(
            tools=[_tool(types, r) for r in factory.registrations.values()]
        )

    async def call_tool(_ctx: Any, params: Any) -> Any:
        call = ToolCall(
            id=f"mcp_{next(_call_ids)}",
            name=params.name,
            arguments=json.dumps(params.arguments or {}),
            tool_context=context,
            mock=use_mock,
        )
        result = await run_hooked(factory, registry, call)
        return _mcp_result(types, result)

    server_class = _sdk().server.lowlevel.Server
    return server_class(name, on_list_tools=list_tools, on_call_tool=call_tool)


async def run_hooked(
    factory: ToolFactory, hooks: HookRegistry, call: ToolCall
) -> ToolExecutionResult:
    """``call`` through the before hooks, the factory and the after hooks; never raises."""

    async def hooked(call: ToolCall) -> ToolExecutionResult:
        await hooks.run_before_tool(call)
        result = await factory.run_detached(call)
        return await hooks.run_after_tool(call, result)

    return await observed.tool_call(call, hooked)


def streamable_http_app(factory: ToolFactory, *, path: str = "/mcp", **options: Any) -> Any:
    """A Starlette app serving ``factory`` over streamable HTTP at ``path``.

    ``options`` go to ``build_server``.
    """
    return build_server(factory, **options).streamable_http_app(streamable_http_path=path)


async def serve(
    factory: ToolFactory,
    transport: Literal["stdio", "streamable-http"] = "stdio",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    path: str = "/mcp",
    **options: Any,
) -> None:
    """Serve ``factory``'s tools until cancelled or, on stdio, until the client leaves.

    ``options`` go to ``build_server`` (``name``, ``hooks``, ``tool_execution_context``,
    ``use_mock``).
    """
    if transport == "stdio":
        server = build_server(factory, **options)
        async with _sdk().stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
        return
    if sniffio.current_async_library() != "asyncio":
        raise UnsupportedFeatureError(
            "serve(transport='streamable-http') runs uvicorn, which needs asyncio; on trio, "
            "mount streamable_http_app(factory) in a trio ASGI server"
        )
    import uvicorn

    app = streamable_http_app(factory, path=path, **options)
    await uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning")).serve()


def _tool(types: Any, registration: Any) -> Any:
    return types.Tool(
        name=registration.name,
        description=registration.description,
        input_schema=registration.parameters,
    )


def _mcp_result(types: Any, result: ToolExecutionResult) -> Any:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=result.content)],
        is_error=result.error is not None,
    )
