"""Clients aimed at the loopback server over both wire formats litellm speaks here.

``wire`` is ``"chat"`` (litellm ``openai/<name>`` against an OpenAI-compatible server: the
Chat Completions format) or ``"anthropic"`` (litellm ``anthropic/<name>``: Anthropic Messages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer

MODELS = {"chat": "openai/test-model", "anthropic": "anthropic/claude-test"}

ClientFor = Callable[..., LLMClient]


@pytest.fixture(params=sorted(MODELS))
def wire(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client_for(server: LoopbackLLMServer, wire: str) -> ClientFor:
    """Builds clients for the ``wire`` under test; SDK-level retries are off."""

    def build(**options: Any) -> LLMClient:
        base = server.anthropic_base_url if wire == "anthropic" else server.openai_base_url
        options.setdefault("max_retries", 0)
        return LLMClient(model=MODELS[wire], api_key="test", api_base=base, **options)

    return build


@pytest.fixture
def weather() -> ToolFactory:
    """One tool, ``get_weather(city)``, that answers from a fixed table."""

    def get_weather(city: str) -> dict[str, Any]:
        return {"city": city, "celsius": {"Paris": 21, "Rome": 25}.get(city, 15)}

    factory = ToolFactory()
    factory.register_tool(
        get_weather,
        description="Current weather for a city.",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    )
    return factory


def sent_messages(body: dict[str, Any] | None) -> str:
    """The request body as text, for 'did the provider receive X' checks across wires."""
    assert body is not None
    return str(body.get("messages"))
