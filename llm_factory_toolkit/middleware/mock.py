"""Mock mode: answer tool calls with the tool's mock instead of running it.

With ``generate(..., mock_tools=True)`` every tool call (nested ones too: the flag travels on
``ToolCall.mock``) is answered by the tool's ``mock_execute`` / ``mock_function``, else by the
stub "Mocked execution for tool '<name>'." The real function never runs. The answer is raised
as ``SkipToolCall``, so the stages inside this one (usage counting, the tool) are skipped and
observers see a finished call with ``mocked=True``. Placed inside the hooks stage, so an
authorization hook still vetoes a call in mock mode.
"""

from __future__ import annotations

from ..core.calls import ToolCall, ToolHandler
from ..core.results import ToolExecutionResult
from ..tools.dispatch import substitute_mock


class MockToolsMiddleware:
    """Substitutes the mock for calls made in mock mode; passes the others on."""

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        if call.mock:
            await substitute_mock(call.ctx.tool_factory if call.ctx is not None else None, call)
        return await call_next(call)
