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
from tests.support import loopback_client, weather_factory

MODELS = {"chat": "openai/test-model", "anthropic": "anthropic/claude-test"}

ClientFor = Callable[..., LLMClient]


@pytest.fixture(params=sorted(MODELS))
def wire(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client_for(server: LoopbackLLMServer, wire: str) -> ClientFor:
    """Builds clients for the ``wire`` under test; SDK-level retries are off, and no
    ``max_tokens`` is sent unless a test gives one."""

    def build(**options: Any) -> LLMClient:
        options.setdefault("max_tokens", None)
        return loopback_client(server, MODELS[wire], **options)

    return build


@pytest.fixture
def weather() -> ToolFactory:
    """One tool, ``get_weather(city)``, that answers from a fixed table."""
    return weather_factory({"Paris": 21, "Rome": 25}, default=15)


def sent_messages(body: dict[str, Any] | None) -> str:
    """The request body as text, for 'did the provider receive X' checks across wires."""
    assert body is not None
    return str(body.get("messages"))
