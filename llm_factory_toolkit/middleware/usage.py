"""Usage counting: adds each model call's tokens and cost to the generation's total.

Counted per model call, so retries, re-asks and every tool-loop iteration are all included;
each count is also published as a ``UsageRecorded`` event. A cost the transport left unknown is
filled in from litellm's offline cost map (``transports.cost``).

Tool calls are counted per tool in the factory's usage counters (``get_tool_usage_counts()``):
every call that reaches this stage, nested ones included. Calls a hook denied or mock mode
answered stop outside it and are not counted: the tool did not run.
"""

from __future__ import annotations

from ..core.calls import ModelCall, ModelHandler, ModelResponse, ToolCall, ToolHandler
from ..core.events import UsageRecorded
from ..core.results import ToolExecutionResult
from ..transports.cost import with_cost


class UsageMiddleware:
    """Keeps ``ctx.usage`` as the sum over the generation's model calls; counts tool uses."""

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        factory = call.ctx.tool_factory if call.ctx is not None else None
        if factory is not None:
            factory.increment_tool_usage(call.name)
        return await call_next(call)

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        response = await with_cost(await call_next(call), call.model)
        if response.usage is not None:
            ctx = call.ctx
            ctx.usage = ctx.usage + response.usage
            await ctx.bus.emit(
                UsageRecorded(
                    run_id=ctx.run_id,
                    iteration=ctx.iteration,
                    model=call.model,
                    usage=response.usage,
                )
            )
        return response
