"""``Telemetry``: how the default stack traces, measures and logs.

The defaults need no configuration: spans go to OpenTelemetry's global tracer provider and
metrics to its global meter provider, whichever the application installed (the library never
installs one), and nothing at all is done while the process uses no OpenTelemetry.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
"""The environment switch OpenTelemetry's GenAI instrumentations share for content capture."""

_CAPTURE_VALUES = {"true", "1", "span_only", "span_and_event"}


def capture_content_from_env() -> bool:
    """Whether ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` turns capture on."""
    return os.environ.get(CAPTURE_CONTENT_ENV, "").strip().lower() in _CAPTURE_VALUES


@dataclass(frozen=True, slots=True, kw_only=True)
class Telemetry:
    """Settings of the tracing, logging and metrics stages (``LLMClient(telemetry=...)``).

    Args:
        tracer_provider: Where spans go; None means OpenTelemetry's global provider.
        meter_provider: Where metrics go; None means OpenTelemetry's global provider.
        capture_content: Record messages, tool definitions, tool arguments and results on
            spans. Off unless set here or by ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``.
            Values injected from ``tool_execution_context`` are never recorded.
        agent_name: ``gen_ai.agent.name``; the generation span is ``invoke_agent <agent_name>``.
    """

    tracer_provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None
    capture_content: bool | None = None
    agent_name: str | None = None
