"""Tracing end to end: the real litellm sends HTTP to the loopback server."""

from __future__ import annotations

import os
from contextlib import aclosing
from urllib.parse import urlsplit

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from llm_factory_toolkit import BadRequestError
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    UsageSpec,
)
from tests.support import loopback_client, weather_factory

from .conftest import Traces, children_of

pytestmark = pytest.mark.anyio

MODELS = {
    "openai/local-model": "openai",
    "anthropic/claude-test": "anthropic",
    "openai/gpt-4o-mini": "openai",
}
"""litellm to an OpenAI-compatible server, litellm to Anthropic, and the Responses route."""


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("model", list(MODELS))
async def test_a_tool_round_over_http_is_traced(
    server: LoopbackLLMServer, traces: Traces, model: str, stream: bool
) -> None:
    """Tree, provider, server, response id/model and usage come from the real exchange."""
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        Text("Sunny.", usage=UsageSpec(input_tokens=50, output_tokens=6, cached_input_tokens=20)),
    )
    client = loopback_client(
        server, model, tool_factory=weather_factory(), telemetry=traces.telemetry()
    )
    async with client:
        if stream:
            chunks = [c async for c in await client.generate(input="Paris?", stream=True)]
            assert "".join(c.content for c in chunks) == "Sunny."
        else:
            assert (await client.generate(input="Paris?")).content == "Sunny."
    assert len(server.requests) == 2
    root = traces.one("invoke_agent")
    name = model.partition("/")[2]
    assert children_of(traces.spans, root) == [
        f"chat {name}",
        "execute_tool get_weather",
        f"chat {name}",
    ]
    first, second = traces.named("chat")
    url = urlsplit(server.url)
    for span in (first, second):
        attributes = dict(span.attributes or {})
        assert span.kind is SpanKind.CLIENT
        assert attributes["gen_ai.provider.name"] == MODELS[model]
        assert attributes["gen_ai.request.model"] == name
        assert attributes["gen_ai.request.max_tokens"] == 256
        assert attributes["server.address"] == url.hostname
        assert attributes["server.port"] == url.port
        assert attributes["gen_ai.response.id"]
        assert attributes["gen_ai.response.model"]
    final = dict(second.attributes or {})
    assert final["gen_ai.response.finish_reasons"] == ("stop",)
    assert final["gen_ai.usage.input_tokens"] == 50
    assert final["gen_ai.usage.cache_read.input_tokens"] == 20
    assert final["gen_ai.usage.output_tokens"] == 6


async def test_an_http_error_marks_the_spans_and_is_raised(
    server: LoopbackLLMServer, traces: Traces
) -> None:
    """The provider's 400 is a ``BadRequestError``; both spans say so."""
    server.script(Fail(400, "bad request"))
    client = loopback_client(server, "openai/local-model", telemetry=traces.telemetry())
    with pytest.raises(BadRequestError):
        await client.generate(input="hi")
    for span in (traces.one("chat"), traces.one("invoke_agent")):
        assert span.status.status_code is StatusCode.ERROR
        assert (span.attributes or {})["error.type"] == "BadRequestError"


async def test_litellms_own_callbacks_and_tracing_stay_off(
    server: LoopbackLLMServer, traces: Traces
) -> None:
    """No litellm callback is registered by us and the only spans are ours."""
    from llm_factory_toolkit.transports.litellm_loader import load_litellm

    litellm = load_litellm()
    names = ("callbacks", "success_callback", "failure_callback", "_async_success_callback")
    before = {name: list(getattr(litellm, name)) for name in names}
    environment = {k: v for k, v in os.environ.items() if "OTEL" in k or "CALLBACK" in k}
    server.script(ToolCalls([ToolCallSpec("get_weather", {"city": "Rome"})]), Text("Warm."))
    client = loopback_client(
        server, "openai/local-model", tool_factory=weather_factory(), telemetry=traces.telemetry()
    )
    await client.generate(input="Rome?")
    assert {name: list(getattr(litellm, name)) for name in names} == before
    assert {k: v for k, v in os.environ.items() if "OTEL" in k or "CALLBACK" in k} == environment
    assert sorted(s.name.split(" ")[0] for s in traces.spans) == [
        "chat",
        "chat",
        "execute_tool",
        "invoke_agent",
    ]


@pytest.mark.parametrize("model", ["openai/local-model", "openai/gpt-4o-mini"])
async def test_a_stream_closed_early_over_http_ends_its_spans(
    server: LoopbackLLMServer, traces: Traces, model: str
) -> None:
    """Leaving a streamed answer after its first piece ends both spans, without error."""
    server.script(Text("a slow and rather long answer", chunk_size=2, delay=0.02))
    async with loopback_client(server, model, telemetry=traces.telemetry()) as client:
        stream = await client.generate(input="talk", stream=True)
        async with aclosing(stream):
            async for chunk in stream:
                assert chunk.content
                break
    for span in (traces.one("chat"), traces.one("invoke_agent")):
        assert span.end_time is not None
        assert span.status.status_code is StatusCode.UNSET
    assert "gen_ai.response.finish_reasons" not in (traces.one("chat").attributes or {})
