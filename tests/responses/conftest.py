"""Fixtures for the Responses route: a client aimed at the loopback server, and a tool set.

OpenAI's models are sent with ``route="responses"``, the others with ``route="litellm"``, the
route these tests compare the Responses API with.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer
from llm_factory_toolkit.transports.openai_responses import is_openai_model
from tests.support import loopback_client, weather_factory

MODEL = "openai/gpt-4o-mini"

WEB_CALL = {
    "type": "web_search_call",
    "id": "ws_1",
    "status": "completed",
    "action": {"type": "search", "query": "launch checklist"},
}
"""A hosted web search, as a Responses answer lists it."""

FILE_CALL = {
    "type": "file_search_call",
    "id": "fs_1",
    "status": "completed",
    "queries": ["launch checklist"],
    "results": [{"file_id": "file_1", "filename": "plan.md", "score": 0.9, "text": "Step 1"}],
}
"""A hosted file search with its results, as a Responses answer lists it."""

ClientFor = Callable[..., LLMClient]


@pytest.fixture
async def client_for(server: LoopbackLLMServer) -> AsyncIterator[ClientFor]:
    """Builds ``LLMClient``s on the Responses route, talking to the loopback server; no
    ``max_tokens`` is sent unless a test gives one.

    The clients are closed after the test, so no pooled connection outlives its event loop.
    """
    built: list[LLMClient] = []

    def build(model: str = MODEL, **options: Any) -> LLMClient:
        options.setdefault("max_tokens", None)
        # With an api_base, OpenAI's models would go to Chat Completions: ask for Responses.
        options.setdefault("route", "responses" if is_openai_model(model) else "litellm")
        built.append(loopback_client(server, model, **options))
        return built[-1]

    yield build
    for client in built:
        await client.aclose()


@pytest.fixture
def tools() -> ToolFactory:
    """``get_weather`` (strict schema) and ``get_time`` (optional argument: not strict)."""

    def get_time(tz: str = "UTC") -> str:
        return f"12:00 {tz}"

    factory = weather_factory(strict=True)
    factory.register_tool(
        get_time,
        description="The time in a timezone.",
        parameters={"type": "object", "properties": {"tz": {"type": "string"}}},
    )
    return factory
