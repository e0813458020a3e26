"""Options are a known list: a misspelt one is refused before any request, on every route;
provider parameters in the list, and anything under ``extra_body``, still reach the body."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, RetryPolicy
from llm_factory_toolkit.testing import LoopbackLLMServer, Text
from tests.support import loopback_client

pytestmark = pytest.mark.anyio

ROUTES = {
    "chat": ("openai/test-model", "chat", "litellm"),
    "anthropic": ("anthropic/claude-test", "messages", "litellm"),
    "responses": ("openai/gpt-4o-mini", "responses", "responses"),
    "native-chat": ("openai/test-model", "chat", "native"),
    "native-anthropic": ("anthropic/claude-test", "messages", "native"),
}
"""Route name: (model, the wire its request arrives on, the ``route=`` that pins it)."""
SECRET = {"api_token": "s3cret"}


@pytest.fixture(params=sorted(ROUTES))
def route(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def client(server: LoopbackLLMServer, route: str) -> AsyncIterator[LLMClient]:
    model, _, forced = ROUTES[route]
    async with loopback_client(server, model, max_tokens=None, route=forced) as built:
        yield built


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.generate("hi", tool_execution_contxt=SECRET),
        lambda c: c.generate("hi", stream=True, tool_execution_contxt=SECRET),
        lambda c: c.generate_tool_intent("hi", tool_execution_contxt=SECRET),
        lambda c: c.stream("hi", tool_execution_contxt=SECRET),
    ],
    ids=["generate", "stream", "tool_intent", "stream_block"],
)
async def test_a_misspelt_option_is_refused_before_any_request(
    client: LLMClient, server: LoopbackLLMServer, call: Callable[[LLMClient], Any]
) -> None:
    server.script(Text("never sent"))
    with pytest.raises(TypeError, match="did you mean 'tool_execution_context'"):
        await call(client)
    assert server.requests == []


def test_a_misspelt_client_option_is_refused_when_the_client_is_built() -> None:
    with pytest.raises(TypeError, match=r"LLMClient\(\) .* 'api_bse'; did you mean 'api_base'"):
        LLMClient(api_bse="http://127.0.0.1:1")  # type: ignore[call-arg]


async def test_an_option_unlike_any_points_to_extra_body(client: LLMClient) -> None:
    with pytest.raises(TypeError, match=r"'zzz' \(extra_body= forwards any\)"):
        await client.generate("hi", zzz=1)  # type: ignore[call-overload]


PROVIDER_PARAMETERS: dict[str, dict[str, Any]] = {
    "chat": {"top_p": 0.5, "seed": 7, "parallel_tool_calls": False, "stop": ["END"]},
    "anthropic": {"top_p": 0.5},
    "responses": {"top_p": 0.5, "user": "u-1", "parallel_tool_calls": False},
    "native-chat": {"top_p": 0.5, "seed": 7, "user": "u-1", "stop": ["END"]},
    "native-anthropic": {"top_p": 0.5},
}
"""Documented parameters each wire accepts (Anthropic Messages has no seed or user; the native
Chat route sends ``parallel_tool_calls`` only with tools, as the API requires)."""


async def test_provider_parameters_and_extra_body_reach_the_body(
    client: LLMClient, server: LoopbackLLMServer, route: str
) -> None:
    server.script(Text("ok"))
    parameters = PROVIDER_PARAMETERS[route]
    await client.generate("hi", extra_body={"custom_flag": True}, **parameters)
    (request,) = server.requests
    assert request.api == ROUTES[route][1]
    body = request.body or {}
    assert {name: body.get(name) for name in parameters} == parameters
    # litellm's Anthropic Messages route does not forward extra_body (a litellm limitation)
    assert body.get("custom_flag") is (None if route == "anthropic" else True)


def test_the_spec_client_keywords_and_litellm_parameters_are_accepted() -> None:
    client = LLMClient(timeout=300.0, num_retries=3, temperature=0.2, drop_params=True)
    assert client.provider_options == {"timeout": 300.0, "temperature": 0.2, "drop_params": True}
    # num_retries never reaches an SDK: it is the client's retry policy
    assert client.request_defaults["retry"] == RetryPolicy(max_attempts=4)
