"""Usage limits: stop a generation that would spend more than its ``UsageLimits`` allow.

Sits inside the retry and fallback stages and just outside usage counting, so it sees every
attempt: the request bound is checked before each one is sent, the token and cost bounds after
each response is counted. Crossing one raises ``UsageLimitExceeded`` with the usage so far and
the transcript.

A tool call over ``max_tool_calls`` is not run: the model's request gets an error result (a
tool stage cannot end the generation: the tool round reports every failure as a result), and
the generation stops with ``UsageLimitExceeded`` before its next model call, or as it ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..exceptions import UsageLimitExceeded
from ..pipeline.context import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from ..pipeline.observed import error_result
from ..tools.models import GenerationResult, ToolExecutionResult

_KEY = "usage_limits"


@dataclass(slots=True)
class _Spent:
    requests: int = 0
    tool_calls: int = 0
    refused: UsageLimitExceeded | None = None


class UsageLimitsMiddleware:
    """Enforces ``generate(usage_limits=...)`` (or the client's ``usage_limits=``)."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        if ctx.request.usage_limits is None:
            return await call_next(ctx)
        spent = _spent(ctx)  # a structured-output re-ask runs this again: keep counting
        result = await call_next(ctx)
        _raise_refusal(spent)
        return result

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        ctx, limits = call.ctx, call.ctx.request.usage_limits
        if limits is None:
            return await call_next(call)
        spent = _spent(ctx)
        _raise_refusal(spent)
        limits.check_request(spent.requests, ctx.usage)
        spent.requests += 1
        response = await call_next(call)
        limits.check_usage(ctx.usage)
        return response

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        ctx = call.ctx
        limits = ctx.request.usage_limits if ctx is not None else None
        if ctx is None or limits is None:
            return await call_next(call)
        spent = _spent(ctx)
        try:
            limits.check_tool_call(spent.tool_calls, ctx.usage)
        except UsageLimitExceeded as refusal:
            spent.refused = spent.refused or refusal
            return error_result(str(refusal), status="usage_limit")
        spent.tool_calls += 1
        return await call_next(call)


def _spent(ctx: GenerationContext) -> _Spent:
    spent = ctx.state.get(_KEY)
    if not isinstance(spent, _Spent):
        spent = ctx.state[_KEY] = _Spent()
    return spent


def _raise_refusal(spent: _Spent) -> None:
    if spent.refused is not None:
        raise spent.refused
