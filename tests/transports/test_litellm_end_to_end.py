"""The provider boundary, for real: litellm sends HTTP to the loopback server.

Covers an Anthropic model and an OpenAI-compatible local model (``api_base``), plain and
streamed, with a tool round, on asyncio and trio (litellm runs on the toolkit's loop thread).
"""

from __future__ import annotations

import threading

import anyio
import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient
from llm_factory_toolkit.testing import LoopbackLLMServer, Stall, Text, ToolCalls, ToolCallSpec
from tests.support import eventually, final_result, loopback_client, weather_factory

pytestmark = pytest.mark.anyio

MODELS = ["anthropic/claude-test", "openai/local-model"]


@pytest.mark.parametrize("model", MODELS)
async def test_text_generation(server: LoopbackLLMServer, model: str) -> None:
    """One plain turn: the reply, its usage, and the request the provider received."""
    server.script(Text("Bonjour!"))
    result = await loopback_client(server, model).generate(
        input=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]
    )
    assert result.content == "Bonjour!"
    assert result.usage.input_tokens == 10 and result.usage.output_tokens == 5
    (request,) = server.requests
    assert request.api == ("messages" if model.startswith("anthropic/") else "chat")
    assert "Hello" in str(request.body)


@pytest.mark.parametrize("model", MODELS)
async def test_streaming_text(server: LoopbackLLMServer, model: str) -> None:
    """A streamed turn arrives in several chunks that add up to the answer."""
    server.script(Text("Streaming works fine.", chunk_size=5))
    stream = await loopback_client(server, model).generate(input="Hi", stream=True)
    chunks = [chunk async for chunk in stream]
    assert "".join(c.content for c in chunks) == "Streaming works fine."
    assert len(chunks) >= 4
    assert chunks[-1].done and chunks[-1].usage is not None
    assert server.requests[0].stream


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
async def test_a_tool_round_trip(server: LoopbackLLMServer, model: str, stream: bool) -> None:
    """The model asks for a tool, the tool runs, its result goes back in the next request."""
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})], content="Let me check."),
        Text("21 degrees in Paris."),
    )
    client = loopback_client(server, model, tool_factory=weather_factory())
    result = await final_result(client, stream, input="Weather?")
    assert result.content == "21 degrees in Paris."
    assert result.payloads[0]["payload"] == {"city": "Paris", "celsius": 21}
    assert len(server.requests) == 2
    follow_up = str(server.requests[1].body)
    assert "celsius" in follow_up and "21" in follow_up
    assert "get_weather" in str(server.requests[0].body["tools"])


async def test_missing_key_names_the_environment_variable() -> None:
    """With no key anywhere, the call fails before any request, naming what to set."""
    client = LLMClient(model="anthropic/claude-test")
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        await client.generate(input="hi")


async def test_construction_needs_no_key_and_no_network() -> None:
    """Making a client never reaches the network nor asks for a key."""
    client = LLMClient(model="anthropic/claude-sonnet-4")
    assert client.model == "anthropic/claude-sonnet-4"


@pytest.mark.parametrize("model", MODELS)
async def test_cancellation_aborts_the_http_request(server: LoopbackLLMServer, model: str) -> None:
    """Cancelling the caller stops waiting at once and the server sees the disconnect."""
    server.script(Stall(5.0))
    client = loopback_client(server, model)
    threads_before = threading.active_count()
    with anyio.move_on_after(0.3):
        await client.generate(input="hi")
    # Not answered for 5 s: a disconnect proves the request was aborted, not waited out.
    await eventually(lambda: server.disconnects >= 1)
    assert threading.active_count() <= threads_before + 1  # at most the litellm loop thread
