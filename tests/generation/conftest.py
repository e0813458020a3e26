"""Clients aimed at the loopback server over two wire formats, on two routes each.

``wire`` is ``"chat"`` (``openai/<name>`` against an OpenAI-compatible server: the Chat
Completions format) or ``"anthropic"`` (``anthropic/<name>``: Anthropic Messages). ``route`` is
``"native"`` (the openai and anthropic SDKs) or ``"litellm"``: every test runs on both.
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


@pytest.fixture(params=["native", "litellm"])
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client_for(server: LoopbackLLMServer, wire: str, route: str) -> ClientFor:
    """Builds clients for the ``wire`` and ``route`` under test; SDK-level retries are off,
    and no ``max_tokens`` is sent unless a test gives one."""

    def build(**options: Any) -> LLMClient:
        options.setdefault("max_tokens", None)
        options.setdefault("route", route)
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
