"""The fixed bookends of every step: emit its events and turn tool signals into results.

``ToolCallDenied`` and ``SkipToolCall`` raised anywhere in the tool stages end here: a denial
becomes an error result the model can read, a skip becomes its substitute result.
Any other exception from a tool stage is reported to the model too, never raised, because
one broken tool must not end the generation; only the run's own cancellation and
``KeyboardInterrupt`` / ``SystemExit`` propagate. Every step that starts ends with exactly one
terminal event, cancelled steps included (``*Cancelled``), so observers' bookkeeping balances.
Text a tool produced is redacted (``redaction``) before any event carries it.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import TypedDict

import anyio

from ..exceptions import SkipToolCall, ToolCallDenied
from ..tools.models import GenerationResult, ToolExecutionResult
from . import events as ev
from .cancellation import is_own_cancellation
from .context import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from .redaction import redact, redact_result


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
    except BaseException as exc:
        await _emit_shielded(ctx, _generation_ended(ctx, exc))
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
    except BaseException as exc:
        await _emit_shielded(ctx, _model_call_ended(call, exc))
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
        await _emit(call, ev.ToolCallDenied(**ids, reason=denial.reason))
        return denied_result(call.name, denial.reason)
    except SkipToolCall as skip:
        result = skip.result
    except BaseException as exc:
        if is_own_cancellation(exc) or isinstance(exc, KeyboardInterrupt | SystemExit):
            if call.ctx is not None:
                ended = _tool_call_ended(ids, exc, time.perf_counter() - started)
                await _emit_shielded(call.ctx, ended)
            raise
        result = error_result(f"Tool '{call.name}' failed: {type(exc).__name__}: {exc}")
    if call.depth == 0:  # for the model; a nested result goes back to its tool
        result = redact_result(result, call.tool_context)
    elapsed = time.perf_counter() - started
    if result.error is not None:
        error = redact(result.error, call.tool_context)
        await _emit(call, ev.ToolCallFailed(**ids, error=error, duration_s=elapsed))
    else:
        mocked = bool(result.metadata.get("mock"))
        await _emit(call, ev.ToolCallFinished(**ids, duration_s=elapsed, mocked=mocked))
    return result


async def _emit_shielded(ctx: GenerationContext, event: ev.Event) -> None:
    """Emit even while the run is being cancelled. Build ``event`` before: inside the shield,
    the run no longer looks cancelled."""
    with anyio.CancelScope(shield=True):
        await ctx.bus.emit(event)


def _generation_ended(ctx: GenerationContext, exc: BaseException) -> ev.Event:
    """``GenerationCancelled``, or ``GenerationFailed`` with the transcript put on ``exc``."""
    model = ctx.request.model
    if is_own_cancellation(exc):
        return ev.GenerationCancelled(run_id=ctx.run_id, model=model)
    if not getattr(exc, "transcript", None):
        with contextlib.suppress(AttributeError):  # the caller can resume or persist the turns
            exc.transcript = list(ctx.messages)  # type: ignore[attr-defined]
    message = redact(str(exc), ctx.tool_context)
    error = type(exc).__name__
    return ev.GenerationFailed(run_id=ctx.run_id, model=model, error_type=error, message=message)


def _model_call_ended(call: ModelCall, exc: BaseException) -> ev.Event:
    ctx = call.ctx
    if is_own_cancellation(exc):
        return ev.ModelCallCancelled(run_id=ctx.run_id, iteration=ctx.iteration, model=call.model)
    return ev.ModelCallFailed(
        run_id=ctx.run_id,
        iteration=ctx.iteration,
        model=call.model,
        error_type=type(exc).__name__,
        message=redact(str(exc), ctx.tool_context),
    )


def _tool_call_ended(ids: _ToolIds, exc: BaseException, elapsed: float) -> ev.Event:
    if is_own_cancellation(exc):
        return ev.ToolCallCancelled(**ids)
    return ev.ToolCallFailed(**ids, error=type(exc).__name__, duration_s=elapsed)


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
