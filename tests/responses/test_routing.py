"""Which route a model takes, and how a user overrides it."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import LLMClient
from llm_factory_toolkit.middleware import ProviderRoutingMiddleware, default_middleware
from llm_factory_toolkit.testing import LoopbackLLMServer, ScriptedTransport, Text
from llm_factory_toolkit.transports.litellm_transport import LiteLLMTransport
from llm_factory_toolkit.transports.openai_responses import (
    OpenAIResponsesTransport,
    is_openai_model,
)
from tests.support import loopback_client

from .conftest import ClientFor


@pytest.mark.parametrize(
    ("model", "openai"),
    [
        ("gpt-4o-mini", True),
        ("openai/gpt-4o-mini", True),
        ("openai/gpt-5", True),
        ("o1-preview", True),
        ("openai/o3-mini", True),
        ("o4-mini", True),
        ("o3", True),
        ("chatgpt-4o-latest", True),
        ("openai/local-model", False),
        ("openai/llama3", False),
        ("anthropic/claude-sonnet-4", False),
        ("azure/gpt-4o", False),
        ("openrouter/openai/gpt-4o", False),
        ("ollama/gpt-oss", False),
        ("o3x-model", False),
    ],
)
def test_is_openai_model(model: str, openai: bool) -> None:
    assert is_openai_model(model) is openai


def test_standard_routes() -> None:
    routing = ProviderRoutingMiddleware()
    assert isinstance(routing.choose("openai/gpt-4o"), OpenAIResponsesTransport)
    assert isinstance(routing.choose("gemini/gemini-2.5-flash"), LiteLLMTransport)
    assert isinstance(ProviderRoutingMiddleware(routes=()).choose("gpt-4o"), LiteLLMTransport)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("model", "api"), [("openai/gpt-4o-mini", "responses"), ("openai/local-model", "chat")]
)
async def test_api_base_follows_the_route(
    server: LoopbackLLMServer, client_for: ClientFor, model: str, api: str
) -> None:
    """``api_base`` serves both routes; a local model name stays on litellm's Chat API."""
    server.script(Text("ok"))
    assert (await client_for(model).generate(input="hi")).content == "ok"
    assert server.requests[0].api == api


@pytest.mark.anyio
async def test_given_transport_carries_openai_models_too() -> None:
    transport = ScriptedTransport(Text("scripted"))
    result = await LLMClient(model="gpt-4o", transport=transport).generate(input="hi")
    assert result.content == "scripted" and transport.calls[0].model == "gpt-4o"


@pytest.mark.anyio
async def test_user_routes_replace_the_standard_ones(server: LoopbackLLMServer) -> None:
    """A stack with ``routes=()`` sends even OpenAI's models through litellm."""
    server.script(Text("via litellm"))
    stack = default_middleware(routing=ProviderRoutingMiddleware(routes=()))
    client = loopback_client(server, "openai/gpt-4o-mini", stack=stack)
    assert (await client.generate(input="hi")).content == "via litellm"
    assert server.requests[0].api == "chat"
