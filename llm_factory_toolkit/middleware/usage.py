"""Usage counting: adds each model call's tokens and cost to the generation's total.

Counted per model call, so retries, re-asks and every tool-loop iteration are all included;
each count is also published as a ``UsageRecorded`` event. A cost the transport left unknown is
filled in from litellm's offline cost map (``transports.cost``).
"""

from __future__ import annotations

from ..pipeline.context import ModelCall, ModelHandler, ModelResponse
from ..pipeline.events import UsageRecorded
from ..transports.cost import with_cost


class UsageMiddleware:
    """Keeps ``ctx.usage`` as the sum over the generation's model calls."""

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
