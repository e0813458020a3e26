"""``UsageLimits``: each bound stops the generation with ``UsageLimitExceeded`` (the usage
so far and the transcript on it); retries, fallbacks and tool calls all count."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import ConfigurationError, RetryPolicy, UsageLimitExceeded, UsageLimits
from llm_factory_toolkit.testing import Fail, LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from tests.support import final_result, weather_factory

from .conftest import ClientFor

pytestmark = pytest.mark.anyio

STREAMED = pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
TOOL_TURN = ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})])


@STREAMED
async def test_retries_count_as_requests(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    server.script(Fail(500), Fail(500), Text("third"))
    client = client_for(usage_limits=UsageLimits(max_requests=2))
    with pytest.raises(UsageLimitExceeded) as caught:
        await final_result(client, stream, input="hi")
    assert caught.value.limit == "max_requests" and len(server.requests) == 2
    assert [m["role"] for m in caught.value.transcript] == ["user"]


@pytest.mark.parametrize("route", ["chat"])
async def test_fallbacks_count_as_requests(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Fail(503), Fail(503), Text("backup"))
    client = client_for(
        retry=RetryPolicy(max_attempts=2, initial_delay=0.0),
        fallback_models=["openai/backup"],
        usage_limits=UsageLimits(max_requests=2),
    )
    with pytest.raises(UsageLimitExceeded):
        await client.generate(input="hi")
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("limits", "name", "requests"),
    [
        (UsageLimits(max_input_tokens=15), "max_input_tokens", 2),
        (UsageLimits(max_output_tokens=4), "max_output_tokens", 1),
        (UsageLimits(max_total_tokens=20), "max_total_tokens", 2),
    ],
    ids=["input", "output", "total"],
)
@STREAMED
async def test_token_bounds_are_checked_after_each_response(
    client_for: ClientFor,
    server: LoopbackLLMServer,
    stream: bool,
    limits: UsageLimits,
    name: str,
    requests: int,
) -> None:
    """Each answer reports 10 input and 5 output tokens: the bound that the running total
    crosses stops the generation right after that response, before the tool runs again."""
    server.script(TOOL_TURN, TOOL_TURN, Text("done"))
    client = client_for(tool_factory=weather_factory(), usage_limits=limits)
    with pytest.raises(UsageLimitExceeded) as caught:
        await final_result(client, stream, input="hi")
    assert caught.value.limit == name and len(server.requests) == requests
    assert caught.value.usage.calls == requests


@pytest.mark.parametrize("route", ["responses"])
async def test_cost_bound(client_for: ClientFor, server: LoopbackLLMServer) -> None:
    server.script(TOOL_TURN, Text("done"))
    client = client_for(tool_factory=weather_factory())
    with pytest.raises(UsageLimitExceeded) as caught:
        await client.generate(input="hi", usage_limits=UsageLimits(max_cost_usd=0.0))
    assert caught.value.limit == "max_cost_usd" and len(server.requests) == 1
    assert caught.value.usage.cost_usd and caught.value.usage.cost_usd > 0


@STREAMED
async def test_a_tool_call_over_the_bound_is_not_run(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    cities: list[str] = []
    two = ToolCalls(
        [
            ToolCallSpec("get_weather", {"city": "Oslo"}),
            ToolCallSpec("get_weather", {"city": "Rome"}),
        ]
    )
    server.script(two, Text("never asked"))
    client = client_for(tool_factory=weather_factory(calls=cities))
    with pytest.raises(UsageLimitExceeded) as caught:
        await final_result(client, stream, input="hi", usage_limits=UsageLimits(max_tool_calls=1))
    assert caught.value.limit == "max_tool_calls" and len(server.requests) == 1
    assert len(cities) == 1  # the two run concurrently: either may take the one call allowed
    roles = [m["role"] for m in caught.value.transcript]
    assert roles == ["user", "assistant", "tool", "tool"]
    refused = [m for m in caught.value.transcript[2:] if "usage limit" in m["content"]]
    assert len(refused) == 1


async def test_nested_tool_calls_count(client_for: ClientFor, server: LoopbackLLMServer) -> None:
    """A tool that calls another tool through its runtime spends two tool calls."""
    from llm_factory_toolkit import ToolRuntime

    factory = weather_factory()

    async def outer(city: str, tool_runtime: ToolRuntime) -> str:
        inner = await tool_runtime.call_tool("get_weather", {"city": city})
        return inner.content

    factory.register_tool(
        outer,
        description="Weather, asked through another tool.",
        parameters={"type": "object", "properties": {"city": {"type": "string"}}},
    )
    server.script(ToolCalls([ToolCallSpec("outer", {"city": "Oslo"})]), Text("never asked"))
    client = client_for(tool_factory=factory, usage_limits=UsageLimits(max_tool_calls=1))
    with pytest.raises(UsageLimitExceeded) as caught:
        await client.generate(input="hi")
    assert caught.value.limit == "max_tool_calls" and len(server.requests) == 1


def test_negative_bounds_are_rejected() -> None:
    with pytest.raises(ConfigurationError):
        UsageLimits(max_requests=-1)


@pytest.mark.parametrize("route", ["chat"])
async def test_structured_output_re_asks_count(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    from pydantic import BaseModel

    class Reading(BaseModel):
        celsius: int

    server.script(Text("not json"), Text('{"celsius": 3}'))
    client = client_for(usage_limits=UsageLimits(max_requests=1))
    with pytest.raises(UsageLimitExceeded) as caught:
        await client.generate(input="hi", response_format=Reading)
    assert caught.value.limit == "max_requests" and len(server.requests) == 1
