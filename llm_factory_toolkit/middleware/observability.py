"""The observability stages a ``Telemetry`` configures: tracing, logging, metrics.

They are built here, above the pipeline, so that ``telemetry`` (settings and attribute
helpers, below the pipeline) never imports the stages that use it.
"""

from __future__ import annotations

from ..pipeline.stack import Middleware
from ..telemetry.settings import Telemetry
from .logging import LoggingMiddleware
from .metrics import MetricsMiddleware
from .tracing import TracingMiddleware


def observability_middleware(telemetry: Telemetry | None = None) -> list[Middleware]:
    """The observability stages, outermost first: tracing, logging, metrics."""
    settings = telemetry or Telemetry()
    return [
        TracingMiddleware(
            tracer_provider=settings.tracer_provider,
            capture_content=settings.capture_content,
            agent_name=settings.agent_name,
        ),
        LoggingMiddleware(),
        MetricsMiddleware(meter_provider=settings.meter_provider),
    ]
