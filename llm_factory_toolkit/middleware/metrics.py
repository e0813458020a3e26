"""Metrics: the GenAI client histograms, per model call, when a meter provider is configured.

``gen_ai.client.operation.duration`` (seconds, with ``error.type`` when the call failed) and
``gen_ai.client.token.usage`` (tokens, one record per ``gen_ai.token.type``: input, output),
with the conventions' attributes and bucket boundaries. Meters come from the provider passed
in, else from OpenTelemetry's global one. Like tracing, the stage does nothing and imports
nothing while the process has not imported ``opentelemetry.metrics``.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..telemetry import semconv as sc
from ..telemetry.attributes import (
    Attributes,
    error_type,
    model_name,
    provider_name,
    server_attributes,
)

if TYPE_CHECKING:
    from opentelemetry.metrics import Histogram, MeterProvider

    from ..core.calls import ModelCall, ModelHandler, ModelResponse

_TOKEN_BUCKETS = [4.0**n for n in range(14)]
"""1, 4, 16, ... 67108864, as the conventions advise."""
_DURATION_BUCKETS = [0.01 * 2**n for n in range(14)]
"""0.01, 0.02, 0.04, ... 81.92 seconds, as the conventions advise."""


@dataclass(frozen=True, slots=True)
class _Instruments:
    duration: Histogram
    tokens: Histogram


class MetricsMiddleware:
    """Records the duration and token usage of every model call."""

    def __init__(self, *, meter_provider: MeterProvider | None = None) -> None:
        self._provider = meter_provider
        self._instruments: _Instruments | None = None

    def instruments(self) -> _Instruments | None:
        """The histograms, or None while the process uses no OpenTelemetry metrics."""
        if self._instruments is None:
            if self._provider is None and "opentelemetry.metrics" not in sys.modules:
                return None
            self._instruments = _create_instruments(self._provider)
        return self._instruments

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        instruments = self.instruments()
        if instruments is None:
            return await call_next(call)
        attributes = _call_attributes(call)
        started = time.perf_counter()
        try:
            response = await call_next(call)
        except Exception as exc:
            failed = {**attributes, sc.ERROR_TYPE: error_type(exc)}
            instruments.duration.record(time.perf_counter() - started, failed)
            raise
        if response.response_model:
            attributes[sc.RESPONSE_MODEL] = response.response_model
        instruments.duration.record(time.perf_counter() - started, attributes)
        if response.usage is not None:
            usage = response.usage
            instruments.tokens.record(usage.input_tokens, {**attributes, sc.TOKEN_TYPE: "input"})
            instruments.tokens.record(usage.output_tokens, {**attributes, sc.TOKEN_TYPE: "output"})
        return response


def _create_instruments(provider: MeterProvider | None) -> _Instruments:
    from opentelemetry import metrics

    from .._version import __version__
    from .tracing import SCOPE

    meter = metrics.get_meter(SCOPE, __version__, meter_provider=provider)
    return _Instruments(
        duration=meter.create_histogram(
            sc.OPERATION_DURATION_METRIC,
            unit="s",
            description="GenAI operation duration",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        ),
        tokens=meter.create_histogram(
            sc.TOKEN_USAGE_METRIC,
            unit="{token}",
            description="Number of input and output tokens used",
            explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
        ),
    )


def _call_attributes(call: ModelCall) -> Attributes:
    return {
        sc.OPERATION_NAME: "chat",
        sc.PROVIDER_NAME: provider_name(call.model),
        sc.REQUEST_MODEL: model_name(call.model),
        **server_attributes(call.options),
    }
