"""The stage that keeps MCP tools current: before each model call, the factory's MCP servers
list their tools if they never did or said the list changed (a flag check otherwise). It sits
outside the tool-visibility stage, so the model is offered the tools as they are now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..pipeline.context import ModelCall, ModelHandler, ModelResponse
from .toolset import refresh_toolsets

if TYPE_CHECKING:
    from ..tools.tool_factory import ToolFactory


class MCPToolsMiddleware:
    """Lists MCP tools on first use and after ``notifications/tools/list_changed``.

    ``factory`` holds the MCP servers (the client's); by default, the run's factory.
    """

    def __init__(self, factory: ToolFactory | None = None) -> None:
        self._factory = factory

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        factory = self._factory or call.ctx.tool_factory
        if factory is not None:
            await refresh_toolsets(factory)
        return await call_next(call)
