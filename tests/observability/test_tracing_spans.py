"""Span names, kinds, nesting and attributes of one generation (in-process transport)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from opentelemetry.context import Context
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind, StatusCode
from opentelemetry.util.types import Attributes

from llm_factory_toolkit import (
    LLMClient,
    RateLimitError,
    RetryPolicy,
    SkipToolCall,
    Telemetry,
    ToolCall,
    ToolCallDenied,
    ToolExecutionResult,
    ToolFactory,
)
from llm_factory_toolkit.testing import (
    Fail,
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    Usage,
)
from tests.support import weather_factory

from .conftest import Traces, children_of

pytestmark = pytest.mark.anyio

MODEL = "openai/gpt-4o-mini"


def weather_turns() -> ScriptedTransport:
    return ScriptedTransport(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"}, id="call_w")]),
        Text(
            "Sunny.",
            usage=Usage(
                input_tokens=30, output_tokens=7, cached_input_tokens=4, reasoning_tokens=2
            ),
        ),
    )


async def test_a_tool_using_generation_is_one_tree_of_three_span_kinds(traces: Traces) -> None:
    """invoke_agent is the root; its children are the model calls and the tool call, in order."""
    client = LLMClient(
        model=MODEL,
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )
    result = await client.generate(input="Weather in Paris?")
    assert result.content == "Sunny."
    root = traces.one("invoke_agent")
    assert root.parent is None and root.kind is SpanKind.INTERNAL
    assert children_of(traces.spans, root) == [
        "chat gpt-4o-mini",
        "execute_tool get_weather",
        "chat gpt-4o-mini",
    ]
    assert {s.kind for s in traces.named("chat")} == {SpanKind.CLIENT}
    assert traces.one("execute_tool").kind is SpanKind.INTERNAL
    assert len({s.context.trace_id for s in traces.spans if s.context}) == 1
    assert all(s.status.status_code is StatusCode.UNSET for s in traces.spans)


async def test_chat_span_carries_request_response_and_usage(traces: Traces) -> None:
    """The conventions' request parameters, response fields and token counts."""
    client = LLMClient(
        model=MODEL,
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
        top_p=0.5,
        seed=7,
        stop=["END"],
    )
    await client.generate(input="Weather?", temperature=0.2, max_output_tokens=99)
    first, second = (dict(s.attributes or {}) for s in traces.named("chat"))
    assert first["gen_ai.operation.name"] == "chat"
    assert first["gen_ai.provider.name"] == "openai"
    assert first["gen_ai.request.model"] == "gpt-4o-mini"
    assert first["gen_ai.request.temperature"] == 0.2
    assert first["gen_ai.request.max_tokens"] == 99
    assert first["gen_ai.request.top_p"] == 0.5
    assert first["gen_ai.request.seed"] == 7
    assert first["gen_ai.request.stop_sequences"] == ("END",)
    assert first["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert first["gen_ai.response.model"] == MODEL
    assert second["gen_ai.response.finish_reasons"] == ("stop",)
    assert second["gen_ai.usage.input_tokens"] == 30
    assert second["gen_ai.usage.cache_read.input_tokens"] == 4
    assert second["gen_ai.usage.output_tokens"] == 7
    assert second["gen_ai.usage.reasoning.output_tokens"] == 2
    assert "gen_ai.usage.cache_read.input_tokens" not in first
    assert "gen_ai.usage.reasoning.output_tokens" not in first


async def test_generation_span_totals_usage_and_cost(traces: Traces) -> None:
    """The invoke_agent span sums every model call, like ``result.usage``."""
    client = LLMClient(
        model=MODEL,
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )
    result = await client.generate(input="Weather?")
    attributes = dict(traces.one("invoke_agent").attributes or {})
    assert attributes["gen_ai.usage.input_tokens"] == result.usage.input_tokens == 40
    assert attributes["gen_ai.usage.output_tokens"] == result.usage.output_tokens == 12
    assert result.usage.cost_usd is not None
    assert attributes["llm_factory.usage.cost_usd"] == pytest.approx(result.usage.cost_usd)
    assert attributes["llm_factory.run_id"]


async def test_tool_span_names_the_call(traces: Traces) -> None:
    """Tool name, call id and type; with content capture off, no arguments or result."""
    client = LLMClient(
        model=MODEL,
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )
    await client.generate(input="Weather?")
    attributes = dict(traces.one("execute_tool").attributes or {})
    assert attributes == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "get_weather",
        "gen_ai.tool.call.id": "call_w",
        "gen_ai.tool.type": "function",
        "llm_factory.tool.outcome": "success",
    }


async def test_agent_name_names_the_generation_span(traces: Traces) -> None:
    """``invoke_agent <name>`` with ``gen_ai.agent.name``; unnamed, just ``invoke_agent``."""
    named = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(Text("a")),
        telemetry=traces.telemetry(agent_name="support-bot"),
    )
    await named.generate(input="hi")
    span = traces.one("invoke_agent")
    assert span.name == "invoke_agent support-bot"
    assert (span.attributes or {})["gen_ai.agent.name"] == "support-bot"
    traces.exporter.clear()
    unnamed = LLMClient(
        model=MODEL, transport=ScriptedTransport(Text("b")), telemetry=traces.telemetry()
    )
    await unnamed.generate(input="hi")
    span = traces.one("invoke_agent")
    assert span.name == "invoke_agent"
    assert "gen_ai.agent.name" not in (span.attributes or {})


class RecordingSampler(Sampler):
    """Samples everything and keeps the attributes each span had when it was started."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, Any]] = {}

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: Any = None,
    ) -> SamplingResult:
        self.seen[name] = dict(attributes or {})
        return SamplingResult(Decision.RECORD_AND_SAMPLE, attributes)

    def get_description(self) -> str:
        return "RecordingSampler"


async def test_samplers_see_the_required_attributes_at_span_start() -> None:
    """Operation, provider, model and server are known before the span starts."""
    sampler = RecordingSampler()
    provider = TracerProvider(sampler=sampler)
    provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    client = LLMClient(
        model="anthropic/claude-sonnet-4-5",
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=Telemetry(tracer_provider=provider),
        api_base="https://llm.internal.example:8443/v1",
    )
    await client.generate(input="Weather?")
    assert sampler.seen["chat claude-sonnet-4-5"] == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5",
        "gen_ai.request.stream": False,
        "server.address": "llm.internal.example",
        "server.port": 8443,
    }
    assert sampler.seen["invoke_agent"]["gen_ai.operation.name"] == "invoke_agent"
    assert sampler.seen["invoke_agent"]["gen_ai.provider.name"] == "anthropic"
    assert sampler.seen["execute_tool get_weather"]["gen_ai.tool.name"] == "get_weather"


async def test_provider_error_marks_chat_and_generation_spans(traces: Traces) -> None:
    """Status ERROR and ``error.type`` on the failed call and the generation; re-raised."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(Fail(429, "slow down")),
        retry=RetryPolicy(max_attempts=1),
        telemetry=traces.telemetry(),
    )
    with pytest.raises(RateLimitError):
        await client.generate(input="hi")
    for span in (traces.one("chat"), traces.one("invoke_agent")):
        assert span.status.status_code is StatusCode.ERROR
        assert (span.attributes or {})["error.type"] == "RateLimitError"
        assert [event.name for event in span.events] == ["exception"]


def lookup_factory() -> ToolFactory:
    def lookup(order_id: str) -> str:
        raise ValueError(f"order {order_id} belongs to secret-customer-991")

    factory = weather_factory()
    factory.register_tool(
        lookup, parameters={"type": "object", "properties": {"order_id": {"type": "string"}}}
    )
    return factory


def lookup_turns() -> ScriptedTransport:
    return ScriptedTransport(
        ToolCalls([ToolCallSpec("lookup", {"order_id": "A1"})]), Text("Sorry.")
    )


async def test_a_failing_tool_marks_only_its_span_and_hides_the_message(traces: Traces) -> None:
    """A tool that raised is an error result: its span is ERROR, the exception text absent."""
    client = LLMClient(
        model=MODEL,
        transport=lookup_turns(),
        tool_factory=lookup_factory(),
        telemetry=traces.telemetry(),
    )
    result = await client.generate(input="Where is A1?")
    assert result.content == "Sorry."
    tool = traces.one("execute_tool lookup")
    assert tool.status.status_code is StatusCode.ERROR
    assert tool.status.description == "tool_error"
    assert (tool.attributes or {})["error.type"] == "tool_error"
    assert (tool.attributes or {})["llm_factory.tool.outcome"] == "error"
    assert "secret-customer-991" not in repr([(s.attributes, s.events) for s in traces.spans])
    assert traces.one("invoke_agent").status.status_code is StatusCode.UNSET


async def test_an_exception_through_a_tool_span_is_recorded_by_type_only(traces: Traces) -> None:
    """An exception escaping the tool stages (here an after-hook) is ERROR with its type only."""
    client = LLMClient(
        model=MODEL,
        transport=weather_turns(),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )

    @client.hooks.after_tool_call
    def explode(call: ToolCall, result: ToolExecutionResult) -> None:
        raise RuntimeError("hook saw secret-customer-991")

    result = await client.generate(input="Weather?")
    assert result.content == "Sunny."
    tool = traces.one("execute_tool")
    assert tool.status.status_code is StatusCode.ERROR
    assert tool.status.description == "RuntimeError"
    assert (tool.attributes or {})["error.type"] == "RuntimeError"
    assert tool.events == ()
    assert "secret-customer-991" not in repr([(s.attributes, s.events) for s in traces.spans])


async def test_denied_and_skipped_tool_calls_are_outcomes_not_errors(traces: Traces) -> None:
    """A veto and a substituted result pass through the tool span without marking it."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(
            ToolCalls(
                [
                    ToolCallSpec("get_weather", {"city": "Paris"}, id="denied"),
                    ToolCallSpec("get_weather", {"city": "Rome"}, id="skipped"),
                ]
            ),
            Text("Done."),
        ),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(),
    )

    @client.hooks.before_tool_call
    def decide(call: ToolCall) -> None:
        if call.id == "denied":
            raise ToolCallDenied("not allowed")
        raise SkipToolCall(ToolExecutionResult(content="cached", metadata={"mock": True}))

    await client.generate(input="Weather?")
    outcomes = {
        (s.attributes or {})["gen_ai.tool.call.id"]: s for s in traces.named("execute_tool")
    }
    assert outcomes["denied"].attributes is not None and outcomes["skipped"].attributes
    assert outcomes["denied"].attributes["llm_factory.tool.outcome"] == "denied"
    assert outcomes["skipped"].attributes["llm_factory.tool.outcome"] == "skipped"
    assert outcomes["skipped"].attributes["llm_factory.tool.mocked"] is True
    for span in outcomes.values():
        assert span.status.status_code is StatusCode.UNSET
        assert "error.type" not in (span.attributes or {})


async def test_requested_output_format_is_recorded(traces: Traces) -> None:
    """A JSON response format gives ``gen_ai.output.type = json``; plain text gives none."""
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(Text('{"a": 1}'), Text("plain")),
        telemetry=traces.telemetry(),
    )
    await client.generate(input="json please", response_format={"type": "json_object"})
    await client.generate(input="text please")
    json_call, text_call = traces.named("chat")
    assert (json_call.attributes or {})["gen_ai.output.type"] == "json"
    assert "gen_ai.output.type" not in (text_call.attributes or {})
