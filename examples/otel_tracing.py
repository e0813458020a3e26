"""OpenTelemetry tracing of one tool-using generation, offline.

The shipped loopback server plays the model on 127.0.0.1 and litellm sends it real HTTP. The
application installs a global tracer provider, as it would for any exporter (OTLP, Jaeger,
...): the toolkit finds it, never installs one itself, and nests its spans under the caller's
current span. Each span is printed by a console exporter as it ends, then the whole trace as a
tree. Content capture is on here, to show that the tool's injected ``user_id`` stays out of it.

    pip install "llm-factory-toolkit[otel]"
    python examples/otel_tracing.py
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import anyio
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_factory_toolkit import LLMClient, Telemetry, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec, UsageSpec

KEY_ATTRIBUTES = (
    "gen_ai.operation.name",
    "gen_ai.provider.name",
    "gen_ai.request.model",
    "gen_ai.response.model",
    "gen_ai.response.finish_reasons",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.tool.name",
    "gen_ai.tool.call.id",
    "gen_ai.tool.call.arguments",
    "server.address",
    "server.port",
)


def get_weather(city: str, user_id: str) -> dict[str, object]:
    """The weather; ``user_id`` is injected from the server side, never seen by the model."""
    return {"city": city, "celsius": 21, "sky": "sunny"}


def one_line(span: ReadableSpan) -> str:
    """The console exporter's output: one JSON line per finished span."""
    context, parent = span.context, span.parent
    return (
        json.dumps(
            {
                "name": span.name,
                "kind": span.kind.name,
                "span_id": f"{context.span_id:016x}" if context else None,
                "parent_id": f"{parent.span_id:016x}" if parent else None,
                "status": span.status.status_code.name,
                "attributes": dict(span.attributes or {}),
            }
        )
        + "\n"
    )


def print_tree(spans: Sequence[ReadableSpan]) -> None:
    """The trace as an indented tree, children in the order they started."""

    def show(span: ReadableSpan, depth: int) -> None:
        attributes = span.attributes or {}
        keys = {k: attributes[k] for k in KEY_ATTRIBUTES if k in attributes}
        print(f"{'    ' * depth}{span.name} [{span.kind.name}] {keys}")
        children = [s for s in spans if s.parent and s.parent.span_id == span.context.span_id]
        for child in sorted(children, key=lambda s: s.start_time or 0):
            show(child, depth + 1)

    for root in (s for s in spans if s.parent is None):
        show(root, 0)


def install_tracing() -> InMemorySpanExporter:
    """What an application does at start-up; the in-memory copy is only for the tree."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(formatter=one_line)))
    kept = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(kept))
    trace.set_tracer_provider(provider)
    return kept


async def main() -> None:
    kept = install_tracing()
    factory = ToolFactory()
    factory.register_tool(
        get_weather,
        description="Current weather for a city.",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    with LoopbackLLMServer() as server:
        server.script(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Tokyo"})]),
            Text("It is sunny in Tokyo, 21°C.", usage=UsageSpec(input_tokens=58, output_tokens=11)),
        )
        client = LLMClient(
            model="openai/demo-model",
            api_key="test",
            api_base=server.openai_base_url,
            tool_factory=factory,
            telemetry=Telemetry(capture_content=True, agent_name="weather-assistant"),
        )
        tracer = trace.get_tracer("example-app")
        async with client:  # closes its HTTP connections at the end
            with tracer.start_as_current_span("handle_request"):
                result = await client.generate(
                    input="What's the weather in Tokyo?",
                    tool_execution_context={"user_id": "user-8841"},
                )
    print(f"\nanswer: {result.content}\n\ntrace:")
    print_tree(kept.get_finished_spans())


if __name__ == "__main__":
    anyio.run(main)
