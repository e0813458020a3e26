"""Clients on the three routes a model call can take to the loopback server.

``route`` is ``"anthropic"`` (litellm on the Anthropic Messages wire), ``"chat"`` (litellm on an
OpenAI-compatible server: ``openai/<local>`` with ``api_base``) or ``"responses"`` (OpenAI's own
model names: the Responses API through the openai SDK). Backoff waits are recorded, not slept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, RetryPolicy
from llm_factory_toolkit.middleware import RetryMiddleware
from llm_factory_toolkit.testing import LoopbackLLMServer
from tests.support import loopback_client

ROUTES = {
    "anthropic": "anthropic/claude-test",
    "chat": "openai/test-model",
    "responses": "openai/gpt-4o-mini",
}

FAST = RetryPolicy(max_attempts=3, initial_delay=0.0, jitter=False)
"""Three attempts, no backoff of its own: only a provider's ``Retry-After`` adds a wait."""

ClientFor = Callable[..., LLMClient]


@pytest.fixture(params=sorted(ROUTES))
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff waits the retry stage asked for, in order."""
    return []


@pytest.fixture
async def client_for(
    server: LoopbackLLMServer, route: str, sleeps: list[float]
) -> AsyncIterator[ClientFor]:
    """Builds clients on ``route`` with the ``FAST`` policy (unless told otherwise) whose
    retry stage records its waits in ``sleeps`` instead of sleeping; closed after the test."""
    built: list[LLMClient] = []

    def build(model: str | None = None, **options: Any) -> LLMClient:
        options.setdefault("retry", FAST)
        client = loopback_client(server, model or ROUTES[route], **options)
        record_sleeps(client, sleeps)
        built.append(client)
        return client

    yield build
    for client in built:
        await client.aclose()


def record_sleeps(client: LLMClient, sleeps: list[float]) -> None:
    """Make the client's retry stage note each wait in ``sleeps`` and return at once."""

    async def note(seconds: float) -> None:
        sleeps.append(seconds)

    for member in client.middleware:
        if isinstance(member, RetryMiddleware):
            member.sleep = note
