"""Logging: one structured event per step of a generation, through structlog.

Each generation, model call and tool call ends with one event: ``generation.finished``,
``model_call.finished``, ``tool_call.finished`` (or ``.denied`` / ``.skipped``), or a
``.failed`` one. Each carries the context that ties it to its run: ``run_id``, ``model``,
``iteration``, and ``tool_name`` / ``tool_call_id`` for tools, with durations, token counts
and cost. Steps that went as planned are DEBUG; failures are WARNING (a model call that the
retry stage will send again: DEBUG). Logs never carry content (messages, tool arguments or
results, a tool's exception message): unlike span content, they have no opt-in. A failure's
message is redacted of injected values.


Quiet by default: events go through ``llm_factory_toolkit.log`` (see there).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..exceptions import SkipToolCall, ToolCallDenied
from ..log import library_logger
from ..pipeline.redaction import redact
from ..resilience.retrying import will_be_retried
from ..telemetry.attributes import error_type

if TYPE_CHECKING:
    from ..pipeline.context import (
        GenerationContext,
        GenerationHandler,
        ModelCall,
        ModelHandler,
        ModelResponse,
        ToolCall,
        ToolHandler,
    )
    from ..tools.models import GenerationResult, ToolExecutionResult, Usage


class LoggingMiddleware:
    """Logs the end of every generation, model call and tool call."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        step = _Step("generation", run_id=ctx.run_id, model=ctx.request.model)
        try:
            result = await call_next(ctx)
        except Exception as exc:
            step.failed(error_type=error_type(exc), error=redact(str(exc), ctx.tool_context))
            raise
        step.done(
            "finished",
            iterations=result.iterations,
            finish_reason=result.finish_reason,
            **usage_fields(result.usage),
        )
        return result

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        ctx = call.ctx
        step = _Step("model_call", run_id=ctx.run_id, model=call.model, iteration=ctx.iteration)
        try:
            response = await call_next(call)
        except Exception as exc:
            step.failed(
                error_type=error_type(exc),
                error=redact(str(exc), ctx.tool_context),
                retried=will_be_retried(exc),
            )
            raise
        usage = usage_fields(response.usage) if response.usage is not None else {}
        step.done(
            "finished",
            provider=response.provider,
            finish_reason=response.finish_reason,
            tool_calls=len(response.tool_calls),
            response_id=response.response_id,
            **usage,
        )
        return response

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        step = _Step("tool_call", **_tool_fields(call))
        try:
            result = await call_next(call)
        except ToolCallDenied:
            step.done("denied")
            raise
        except SkipToolCall:
            step.done("skipped")
            raise
        except Exception as exc:
            step.failed(error_type=error_type(exc))
            raise
        if result.error is not None:
            step.failed(error_type="tool_error")
        else:
            step.done("finished", mocked=bool(result.metadata.get("mock")))
        return result


class _Step:
    """One step being timed; ends with exactly one event."""

    __slots__ = ("fields", "kind", "started")

    def __init__(self, kind: str, **fields: Any) -> None:
        self.kind = kind
        self.fields = fields
        self.started = time.perf_counter()

    def done(self, outcome: str, **details: Any) -> None:
        self._emit("debug", outcome, details)

    def failed(self, retried: bool = False, **details: Any) -> None:
        """A failure is a WARNING, unless a retry follows (then routine: DEBUG)."""
        if retried:
            details["will_retry"] = True
        self._emit("debug" if retried else "warning", "failed", details)

    def _emit(self, level: str, outcome: str, details: dict[str, Any]) -> None:
        logger = library_logger(level)
        if logger is not None:
            duration = round(time.perf_counter() - self.started, 6)
            log = getattr(logger, level)
            log(f"{self.kind}.{outcome}", **self.fields, duration_s=duration, **details)


def _tool_fields(call: ToolCall) -> dict[str, Any]:
    ctx = call.ctx
    return {
        "run_id": ctx.run_id if ctx is not None else None,
        "model": ctx.request.model if ctx is not None else None,
        "iteration": call.iteration,
        "tool_name": call.name,
        "tool_call_id": call.id,
        "depth": call.depth,
    }


def usage_fields(usage: Usage) -> dict[str, Any]:
    """Token counts and cost as log fields."""
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cached_input_tokens": usage.cached_input_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
        "cost_usd": usage.cost_usd,
    }
