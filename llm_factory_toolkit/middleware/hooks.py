"""The hook stage: runs the client's before/after hooks around model and tool calls.

This is where authorization lives: a before-tool hook that raises ``ToolCallDenied`` stops
the call before any inner stage (mock substitution, the tool itself) runs.
"""

from __future__ import annotations

from ..core.calls import ModelCall, ModelHandler, ModelResponse, ToolCall, ToolHandler
from ..core.results import ToolExecutionResult


class HooksMiddleware:
    """Runs ``ctx.hooks`` in their defined order; skips all work when none are registered."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        hooks = call.ctx.hooks
        if hooks.has("before_model_call"):
            await hooks.run_before_model(call)
        response = await call_next(call)
        if hooks.has("after_model_call"):
            response = await hooks.run_after_model(call, response)
        return response

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        if call.ctx is None:
            return await call_next(call)
        hooks = call.ctx.hooks
        if hooks.has("before_tool_call"):
            await hooks.run_before_tool(call)
        result = await call_next(call)
        if hooks.has("after_tool_call"):
            result = await hooks.run_after_tool(call, result)
        return result
