"""Tracing: OpenTelemetry spans that follow the GenAI semantic conventions.

One ``invoke_agent [<agent name>]`` span (INTERNAL) covers a generation; inside it, a
``chat <model>`` span (CLIENT) per model call and an ``execute_tool <tool>`` span (INTERNAL) per
tool call, in the order they ran (a tool runs after the model call that asked for it ends, so the
two are siblings; a nested tool call is the child of the tool that made it).

Good citizenship: spans go to the tracer provider passed in, else to the global one; the
library never installs a provider, never ends or edits the caller's current span (ours are its
children), and only the OpenTelemetry *API* is used. Until a provider exists (one passed in,
or a global one installed) the stage does nothing, and it imports nothing while the process
has not imported ``opentelemetry.trace``: the default stack stays as fast as without it.

A failure sets status ERROR and ``error.type`` and is re-raised; ``ToolCallDenied`` /
``SkipToolCall`` passing through a tool span are outcomes, not errors; a cancelled call (a
stream closed early) just ends its span. A tool's exception message is never recorded, since
it may quote injected values.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..exceptions import SkipToolCall, ToolCallDenied
from ..pipeline.redaction import redact, redact_result, redacted_traceback
from ..telemetry import semconv as sc
from ..telemetry.attributes import (
    Attributes,
    error_type,
    generation_attributes,
    model_call_attributes,
    model_name,
    output_type_attributes,
    response_attributes,
    tool_call_attributes,
    usage_attributes,
)
from ..telemetry.content import request_content, response_content, tool_arguments, tool_result
from ..telemetry.settings import capture_content_from_env

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer, TracerProvider

    from ..pipeline.context import (
        GenerationContext,
        GenerationHandler,
        ModelCall,
        ModelHandler,
        ModelResponse,
        ToolCall,
        ToolHandler,
    )
    from ..tools.models import GenerationResult, ToolExecutionResult

SCOPE = "llm_factory_toolkit"
"""The instrumentation scope name of every span and metric the toolkit records."""


class TracingMiddleware:
    """Records the generation, its model calls and its tool calls as nested spans."""

    def __init__(
        self,
        *,
        tracer_provider: TracerProvider | None = None,
        capture_content: bool | None = None,
        agent_name: str | None = None,
    ) -> None:
        self._provider = tracer_provider
        self._tracer: Tracer | None = None
        self.capture_content = (
            capture_content_from_env() if capture_content is None else capture_content
        )
        self.agent_name = agent_name

    def tracer(self) -> Tracer | None:
        """The tracer; None while no tracer provider exists (then there is nothing to record,
        and skipping the no-op spans changes nothing: the current context stays the same)."""
        if self._provider is None and not _global_provider_installed():
            return None
        if self._tracer is None:
            from opentelemetry import trace

            from .. import __version__

            self._tracer = trace.get_tracer(SCOPE, __version__, tracer_provider=self._provider)
        return self._tracer

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        tracer = self.tracer()
        if tracer is None:
            return await call_next(ctx)
        name = f"invoke_agent {self.agent_name}" if self.agent_name else "invoke_agent"
        span = _start(tracer, name, "INTERNAL", generation_attributes(ctx, self.agent_name))
        with _active(span, redacting=ctx.tool_context):
            result = await call_next(ctx)
            if span.is_recording():
                span.set_attributes(usage_attributes(result.usage))
            return result

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        tracer = self.tracer()
        if tracer is None:
            return await call_next(call)
        name = f"chat {model_name(call.model)}"
        span = _start(tracer, name, "CLIENT", model_call_attributes(call))
        with _active(span, redacting=call.ctx.tool_context):
            try:
                response = await call_next(call)
            finally:
                self._record_request(span, call)
            self._record_response(span, response)
            return response

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        tracer = self.tracer()
        if tracer is None:
            return await call_next(call)
        span = _start(tracer, f"execute_tool {call.name}", "INTERNAL", tool_call_attributes(call))
        if self.capture_content and span.is_recording():
            span.set_attributes(tool_arguments(call))
        with _active(span, outcomes=(ToolCallDenied, SkipToolCall), messages=False):
            try:
                result = await call_next(call)
            except ToolCallDenied:
                _set(span, {sc.TOOL_OUTCOME: "denied"})
                raise
            except SkipToolCall as skip:
                self._record_tool_result(span, call, skip.result, "skipped")
                raise
            self._record_tool_result(span, call, result, "error" if result.error else "success")
            return result

    def _record_request(self, span: Span, call: ModelCall) -> None:
        """What inner stages settled (output format, offered tools) and, opted in, content."""
        if span.is_recording():
            span.set_attributes(output_type_attributes(call))
            if self.capture_content:
                span.set_attributes(request_content(call))

    def _record_response(self, span: Span, response: ModelResponse) -> None:
        if span.is_recording():
            span.set_attributes(response_attributes(response))
            if self.capture_content:
                span.set_attributes(response_content(response))

    def _record_tool_result(
        self, span: Span, call: ToolCall, result: ToolExecutionResult, outcome: str
    ) -> None:
        if not span.is_recording():
            return
        attributes: Attributes = {sc.TOOL_OUTCOME: outcome}
        if result.metadata.get("mock"):
            attributes[sc.TOOL_MOCKED] = True
        if self.capture_content:
            attributes.update(tool_result(redact_result(result, call.tool_context)))
        span.set_attributes(attributes)
        if outcome == "error":
            _mark_error(span, "tool_error", None)


def _global_provider_installed() -> bool:
    """Whether the application installed a global tracer provider (never imports OTel)."""
    if "opentelemetry.trace" not in sys.modules:
        return False
    from opentelemetry import trace

    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)


def _start(tracer: Tracer, name: str, kind: str, attributes: Attributes) -> Span:
    """A span child of the current context, with the attributes samplers need at start."""
    from opentelemetry.trace import SpanKind

    return tracer.start_span(name, kind=SpanKind[kind], attributes=attributes)


@contextmanager
def _active(
    span: Span,
    *,
    outcomes: tuple[type[Exception], ...] = (),
    messages: bool = True,
    redacting: Mapping[str, Any] = MappingProxyType({}),
) -> Iterator[None]:
    """Make ``span`` current, mark it failed if an error (not an outcome) escapes, end it.

    The exception's message and stack trace are recorded redacted of ``redacting``'s values.
    """
    from opentelemetry import trace

    try:
        with trace.use_span(span, record_exception=False, set_status_on_exception=False):
            yield
    except Exception as exc:
        if not isinstance(exc, outcomes):
            _mark_error(span, error_type(exc), exc if messages else None, redacting)
        raise
    finally:
        span.end()


def _mark_error(
    span: Span,
    kind: str,
    exc: Exception | None,
    redacting: Mapping[str, Any] = MappingProxyType({}),
) -> None:
    """Status ERROR and ``error.type``; the exception itself only when it may be shown."""
    if not span.is_recording():
        return
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute(sc.ERROR_TYPE, kind)
    if exc is None:
        span.set_status(Status(StatusCode.ERROR, kind))
        return
    message = redact(str(exc), redacting)
    trace = redacted_traceback(exc, redacting)
    span.record_exception(
        exc, attributes={"exception.message": message, "exception.stacktrace": trace}
    )
    span.set_status(Status(StatusCode.ERROR, f"{kind}: {message}"))


def _set(span: Span, attributes: Attributes) -> None:
    if span.is_recording():
        span.set_attributes(attributes)
