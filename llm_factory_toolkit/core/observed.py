"""The fixed bookends of every step: emit its events and turn tool signals into results.

``ToolCallDenied`` and ``SkipToolCall`` raised anywhere in the tool stages end here: a denial
becomes an error result the model can read, a skip becomes its substitute result.
Any other exception from a tool stage is reported to the model too, never raised, because
one broken tool must not end the generation. Cancellation always propagates.
"""

from __future__ import annotations

import json
import time
from typing import TypedDict

from ..exceptions import LLMToolkitError, SkipToolCall, ToolCallDenied
from . import events as ev
from .calls import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from .results import GenerationResult, ToolExecutionResult


async def generation(ctx: GenerationContext, handler: GenerationHandler) -> GenerationResult:
    """Run ``handler`` between ``GenerationStarted`` and ``GenerationFinished``/``Failed``."""
    request, started = ctx.request, time.perf_counter()
    await ctx.bus.emit(
        ev.GenerationStarted(
            run_id=ctx.run_id,
            model=request.model,
            stream=request.stream,
            message_count=len(request.messages),
        )
    )
    try:
        result = await handler(ctx)
    except Exception as exc:
        if isinstance(exc, LLMToolkitError) and not exc.transcript:
            exc.transcript = list(ctx.messages)  # the caller can resume or persist the turns
        await ctx.bus.emit(
            ev.GenerationFailed(
                run_id=ctx.run_id,
                model=request.model,
                error_type=type(exc).__name__,
                message=str(exc),
            )
        )
        raise
    await ctx.bus.emit(
        ev.GenerationFinished(
            run_id=ctx.run_id,
            model=request.model,
            finish_reason=result.finish_reason,
            iterations=result.iterations,
            usage=result.usage,
            duration_s=time.perf_counter() - started,
        )
    )
    return result


async def model_call(call: ModelCall, handler: ModelHandler) -> ModelResponse:
    """Run ``handler`` between ``ModelCallStarted`` and ``ModelCallFinished``/``Failed``."""
    ctx, started = call.ctx, time.perf_counter()
    await ctx.bus.emit(
        ev.ModelCallStarted(
            run_id=ctx.run_id,
            iteration=ctx.iteration,
            model=call.model,
            stream=call.stream,
            tool_count=len(call.tools or ()),
        )
    )
    try:
        response = await handler(call)
    except Exception as exc:
        await ctx.bus.emit(
            ev.ModelCallFailed(
                run_id=ctx.run_id,
                iteration=ctx.iteration,
                model=call.model,
                error_type=type(exc).__name__,
                message=str(exc),
            )
        )
        raise
    await ctx.bus.emit(
        ev.ModelCallFinished(
            run_id=ctx.run_id,
            iteration=ctx.iteration,
            model=call.model,
            provider=response.provider,
            finish_reason=response.finish_reason,
            tool_call_count=len(response.tool_calls),
            duration_s=time.perf_counter() - started,
            response_id=response.response_id,
        )
    )
    return response


async def tool_call(call: ToolCall, handler: ToolHandler) -> ToolExecutionResult:
    """Run ``handler`` and report the outcome; denials, skips and failures become results."""
    ids = _tool_ids(call)
    await _emit(call, ev.ToolCallStarted(**ids))
    started = time.perf_counter()
    try:
        result = await handler(call)
    except ToolCallDenied as denial:
        await _emit(call, ev.ToolCallRejected(**ids, reason=denial.reason))
        return denied_result(call.name, denial.reason)
    except SkipToolCall as skip:
        result = skip.result
    except Exception as exc:
        result = error_result(f"Tool '{call.name}' failed: {type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    if result.error is not None:
        await _emit(call, ev.ToolCallFailed(**ids, error=result.error, duration_s=elapsed))
    else:
        mocked = bool(result.metadata.get("mock"))
        await _emit(call, ev.ToolCallFinished(**ids, duration_s=elapsed, mocked=mocked))
    return result


def error_result(message: str, status: str = "error") -> ToolExecutionResult:
    """A result that tells the model what went wrong, as JSON ``{"error", "status"}``."""
    return ToolExecutionResult(
        content=json.dumps({"error": message, "status": status}), error=message
    )


def denied_result(tool_name: str, reason: str) -> ToolExecutionResult:
    """The result the model reads when a hook vetoed the call."""
    result = error_result(f"Tool call '{tool_name}' was denied: {reason}", status="denied")
    result.metadata["denied"] = True
    return result


class _ToolIds(TypedDict):
    run_id: str
    iteration: int
    tool_call_id: str
    tool_name: str
    depth: int


def _tool_ids(call: ToolCall) -> _ToolIds:
    run_id = call.ctx.run_id if call.ctx is not None else ""
    return {
        "run_id": run_id,
        "iteration": call.iteration,
        "tool_call_id": call.id,
        "tool_name": call.name,
        "depth": call.depth,
    }


async def _emit(call: ToolCall, event: ev.Event) -> None:
    if call.ctx is not None:
        await call.ctx.bus.emit(event)
