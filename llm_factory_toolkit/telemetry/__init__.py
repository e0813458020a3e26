"""Observability shared by the tracing, logging and metrics stages.

``settings`` holds ``Telemetry`` (the user-facing switches), ``semconv`` the OpenTelemetry
GenAI names, ``attributes`` and ``content`` turn pipeline values into span attributes.
Nothing here imports OpenTelemetry at module level.
"""

from __future__ import annotations

from .settings import CAPTURE_CONTENT_ENV, Telemetry, capture_content_from_env

__all__ = ["CAPTURE_CONTENT_ENV", "Telemetry", "capture_content_from_env"]
