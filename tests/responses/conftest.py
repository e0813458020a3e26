"""Fixtures for the Responses route: a client aimed at the loopback server, and a tool set."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer

MODEL = "openai/gpt-4o-mini"

ClientFor = Callable[..., LLMClient]


@pytest.fixture
async def client_for(server: LoopbackLLMServer) -> AsyncIterator[ClientFor]:
    """Builds ``LLMClient``s on the Responses route, talking to the loopback server.

    The clients are closed after the test, so no pooled connection outlives its event loop.
    """
    built: list[LLMClient] = []

    def build(model: str = MODEL, **options: Any) -> LLMClient:
        options.setdefault("max_retries", 0)
        base = (
            server.anthropic_base_url if model.startswith("anthropic/") else server.openai_base_url
        )
        built.append(LLMClient(model=model, api_key="test", api_base=base, **options))
        return built[-1]

    yield build
    for client in built:
        await client.aclose()


@pytest.fixture
def tools() -> ToolFactory:
    """``get_weather`` (strict schema) and ``get_time`` (optional argument: not strict)."""

    def get_weather(city: str) -> dict[str, object]:
        return {"city": city, "celsius": 21}

    def get_time(tz: str = "UTC") -> str:
        return f"12:00 {tz}"

    factory = ToolFactory()
    factory.register_tool(
        get_weather,
        description="Current weather for a city.",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    )
    factory.register_tool(
        get_time,
        description="The time in a timezone.",
        parameters={"type": "object", "properties": {"tz": {"type": "string"}}},
    )
    return factory
