"""Content capture is opt-in, and injected values never reach spans, span events or events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from opentelemetry.sdk.trace import ReadableSpan

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.telemetry import CAPTURE_CONTENT_ENV
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from tests.support import loopback_client, weather_factory

from .conftest import Traces, captured_logs, new_traces

pytestmark = pytest.mark.anyio

MODEL = "openai/gpt-4o-mini"
CONTENT_KEYS = {
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.system_instructions",
    "gen_ai.tool.definitions",
    "gen_ai.tool.call.arguments",
    "gen_ai.tool.call.result",
}
CONVERSATION = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Weather in Paris?"},
]


def weather_client(traces: Traces, **telemetry: Any) -> LLMClient:
    return LLMClient(
        model=MODEL,
        transport=ScriptedTransport(
            ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"}, id="call_1")]),
            Text("Sunny."),
        ),
        tool_factory=weather_factory(),
        telemetry=traces.telemetry(**telemetry),
    )


def recorded_keys(spans: Iterable[ReadableSpan]) -> set[str]:
    return {key for span in spans for key in (span.attributes or {})}


async def test_content_is_not_captured_by_default(
    traces: Traces, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without opting in, no message, definition, argument or result is recorded."""
    monkeypatch.delenv(CAPTURE_CONTENT_ENV, raising=False)
    await weather_client(traces).generate(input=CONVERSATION)
    assert len(traces.spans) == 4
    assert recorded_keys(traces.spans).isdisjoint(CONTENT_KEYS)


async def test_captured_content_follows_the_conventions(traces: Traces) -> None:
    """Messages as role/parts JSON, system instructions apart, tool arguments and result."""
    await weather_client(traces, capture_content=True).generate(input=CONVERSATION)
    first, second = (dict(s.attributes or {}) for s in traces.named("chat"))
    assert json.loads(first["gen_ai.system_instructions"]) == [
        {"type": "text", "content": "Be brief."}
    ]
    assert json.loads(first["gen_ai.input.messages"]) == [
        {"role": "user", "parts": [{"type": "text", "content": "Weather in Paris?"}]}
    ]
    assert json.loads(first["gen_ai.output.messages"]) == [
        {
            "role": "assistant",
            "parts": [
                {
                    "type": "tool_call",
                    "id": "call_1",
                    "name": "get_weather",
                    "arguments": {"city": "Paris"},
                }
            ],
            "finish_reason": "tool_calls",
        }
    ]
    definitions = json.loads(first["gen_ai.tool.definitions"])
    assert [d["function"]["name"] for d in definitions] == ["get_weather"]
    tool_reply = json.loads(second["gen_ai.input.messages"])[-1]
    assert tool_reply["role"] == "tool"
    assert tool_reply["parts"][0]["type"] == "tool_call_response"
    assert json.loads(tool_reply["parts"][0]["response"]) == {"city": "Paris", "celsius": 21}
    tool = dict(traces.one("execute_tool").attributes or {})
    assert json.loads(tool["gen_ai.tool.call.arguments"]) == {"city": "Paris"}
    assert json.loads(tool["gen_ai.tool.call.result"]) == {"city": "Paris", "celsius": 21}


async def test_the_standard_environment_switch_turns_capture_on(
    traces: Traces, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`` opts in; False wins over it."""
    monkeypatch.setenv(CAPTURE_CONTENT_ENV, "true")
    await weather_client(traces).generate(input=CONVERSATION)
    assert recorded_keys(traces.spans) >= CONTENT_KEYS
    traces.exporter.clear()
    await weather_client(traces, capture_content=False).generate(input=CONVERSATION)
    assert recorded_keys(traces.spans).isdisjoint(CONTENT_KEYS)


class Connection:
    """A live object handed to tools, as ``db_connection`` would be."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def __repr__(self) -> str:
        return f"Connection({self.dsn})"


def order_factory(received: list[dict[str, Any]]) -> ToolFactory:
    """Tools that take injected values, use them, and never echo them."""

    def place_order(item: str, user_id: str, api_token: str, db: Connection) -> dict[str, Any]:
        received.append({"user_id": user_id, "api_token": api_token, "db": db})
        return {"status": "placed", "item": item, "token_chars": len(api_token)}

    def bill(amount: int, user_id: str) -> str:
        raise PermissionError(f"card of {user_id} was declined for {amount}")

    factory = ToolFactory()
    for function in (place_order, bill):
        factory.register_tool(
            function,
            parameters={
                "type": "object",
                "properties": {"item": {"type": "string"}, "amount": {"type": "integer"}},
            },
        )
    return factory


def order_turns() -> list[Any]:
    return [
        ToolCalls(
            [
                ToolCallSpec("place_order", {"item": "book"}),
                ToolCallSpec("bill", {"amount": 12}),
            ]
        ),
        Text("Your order is placed."),
    ]


def spoken_forms(value: str) -> set[str]:
    """The ways a string can appear once recorded: as is, JSON-escaped, repr-escaped."""
    return {value, json.dumps(value)[1:-1], repr(value)[1:-1]}


def recorded_text(spans: Iterable[ReadableSpan], *others: object) -> str:
    """Everything a span or event carries, flattened into one searchable text."""
    parts: list[str] = []
    for span in spans:
        parts += [span.name, repr(dict(span.attributes or {})), repr(span.status.description)]
        parts += [f"{e.name} {dict(e.attributes or {})!r}" for e in span.events]
    parts += [repr(other) for other in others]
    return "\n".join(parts)


def assert_never_recorded(secrets: Iterable[str], text: str) -> None:
    for secret in secrets:
        for form in spoken_forms(secret):
            assert form not in text, f"injected value {secret!r} was recorded"


secret = st.text(min_size=4, max_size=24).map(lambda text: f"inj-{text}")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    user_id=secret,
    api_token=secret,
    dsn=secret,
    stream=st.booleans(),
)
async def test_injected_values_never_appear_even_with_content_capture(
    user_id: str, api_token: str, dsn: str, stream: bool
) -> None:
    """Random context values reach the tools, yet no span, span event, bus event or log
    line carries them, although every piece of content is captured."""
    traces, received = new_traces(), []
    client = LLMClient(
        model=MODEL,
        transport=ScriptedTransport(*order_turns()),
        tool_factory=order_factory(received),
        telemetry=traces.telemetry(capture_content=True),
    )
    context = {"user_id": user_id, "api_token": api_token, "db": Connection(dsn)}
    with capture_events(client.events) as events, captured_logs() as logs:
        if stream:
            outcome = await client.generate(
                input="Buy a book", tool_execution_context=context, stream=True
            )
            chunks = [chunk async for chunk in outcome]
            assert chunks[-1].done
        else:
            await client.generate(input="Buy a book", tool_execution_context=context)
    assert received == [{"user_id": user_id, "api_token": api_token, "db": context["db"]}]
    assert CONTENT_KEYS - {"gen_ai.system_instructions"} <= recorded_keys(traces.spans)
    text = recorded_text(traces.spans, list(events), logs)
    assert_never_recorded([user_id, api_token, dsn, repr(context["db"])], text)


async def test_injected_values_stay_out_of_spans_and_requests_over_http(
    server: LoopbackLLMServer, traces: Traces
) -> None:
    """The same promise through litellm and the loopback server, request bodies included."""
    received: list[dict[str, Any]] = []
    server.script(*order_turns())
    client = loopback_client(
        server,
        "openai/local-model",
        tool_factory=order_factory(received),
        telemetry=traces.telemetry(capture_content=True),
    )
    context = {"user_id": "inj-user-4711", "api_token": "inj-token-xyz", "db": Connection("pg")}
    with capture_events(client.events) as events, captured_logs() as logs:
        await client.generate(input="Buy a book", tool_execution_context=context)
    assert received[0]["user_id"] == "inj-user-4711"
    bodies = [request.raw_body.decode() for request in server.requests]
    text = recorded_text(traces.spans, list(events), logs, bodies)
    assert "place_order" in text and "book" in text
    assert_never_recorded(["inj-user-4711", "inj-token-xyz", "Connection(pg)"], text)
