"""GenAI client metrics: duration and token-usage histograms per model call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader

from llm_factory_toolkit import LLMClient, RateLimitError, RetryPolicy, Telemetry
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    Usage,
)
from tests.support import loopback_client, weather_factory

pytestmark = pytest.mark.anyio


@dataclass
class Metrics:
    """A private meter provider read in memory."""

    provider: MeterProvider
    reader: InMemoryMetricReader

    def telemetry(self) -> Telemetry:
        return Telemetry(meter_provider=self.provider)


@pytest.fixture
def metrics() -> Iterator[Metrics]:
    found = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[found])
    yield Metrics(provider, found)
    provider.shutdown()


def points(metrics: Metrics, name: str) -> list[HistogramDataPoint]:
    data = metrics.reader.get_metrics_data()
    found: list[HistogramDataPoint] = []
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    found.extend(metric.data.data_points)  # type: ignore[arg-type]
    return found


def by_token_type(metrics: Metrics) -> dict[Any, HistogramDataPoint]:
    return {
        (p.attributes or {})["gen_ai.token.type"]: p
        for p in points(metrics, "gen_ai.client.token.usage")
    }


async def test_each_model_call_records_duration_and_tokens(metrics: Metrics) -> None:
    """Two model calls: two durations, and input/output token sums with the conventions' keys."""
    client = LLMClient(
        model="anthropic/claude-sonnet-4-5",
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]),
            Text("Cold.", usage=Usage(input_tokens=40, output_tokens=3)),
        ),
        tool_factory=weather_factory(),
        telemetry=metrics.telemetry(),
    )
    await client.generate(input="Oslo?")
    (duration,) = points(metrics, "gen_ai.client.operation.duration")
    assert duration.count == 2 and duration.sum > 0
    assert duration.explicit_bounds[:3] == (0.01, 0.02, 0.04)
    assert dict(duration.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.response.model": "anthropic/claude-sonnet-4-5",
    }
    tokens = by_token_type(metrics)
    assert (tokens["input"].count, tokens["input"].sum) == (2, 50)
    assert (tokens["output"].count, tokens["output"].sum) == (2, 8)
    assert tokens["input"].explicit_bounds[:4] == (1, 4, 16, 64)


async def test_a_failed_call_records_its_duration_with_the_error_type(
    metrics: Metrics,
) -> None:
    """The duration of a failed call carries ``error.type``; no tokens are recorded."""
    client = LLMClient(
        model="openai/gpt-4o",
        transport=ScriptedTransport(Fail(429)),
        retry=RetryPolicy(max_attempts=1),
        telemetry=metrics.telemetry(),
    )
    with pytest.raises(RateLimitError):
        await client.generate(input="hi")
    (duration,) = points(metrics, "gen_ai.client.operation.duration")
    assert (duration.attributes or {})["error.type"] == "RateLimitError"
    assert points(metrics, "gen_ai.client.token.usage") == []


async def test_metrics_over_http_name_the_server(
    server: LoopbackLLMServer, metrics: Metrics
) -> None:
    """Through litellm and the loopback server: server address and port, real token counts."""
    server.script(Text("Hi.", usage=Usage(input_tokens=12, output_tokens=2)))
    client = loopback_client(server, "openai/local-model", telemetry=metrics.telemetry())
    await client.generate(input="hello")
    (duration,) = points(metrics, "gen_ai.client.operation.duration")
    host, port = server.url.removeprefix("http://").split(":")
    assert (duration.attributes or {})["server.address"] == host
    assert (duration.attributes or {})["server.port"] == int(port)
    tokens = by_token_type(metrics)
    assert (tokens["input"].sum, tokens["output"].sum) == (12, 2)
