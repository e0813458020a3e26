"""Fallback models: within a route and across routes, with the transcript, tools and
``response_format`` carried over; ``result.model`` names the model that answered."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from llm_factory_toolkit import BadRequestError, RetryPolicy, ServerError
from llm_factory_toolkit.events import FallbackUsed, UsageRecorded
from llm_factory_toolkit.testing import (
    Fail,
    JSONReply,
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from tests.support import final_result, offered_tools, weather_factory

from .conftest import ROUTES, ClientFor

pytestmark = pytest.mark.anyio


class Reading(BaseModel):
    celsius: int


STREAMED = pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
TWO = RetryPolicy(max_attempts=2, initial_delay=0.0)


@pytest.mark.parametrize("route", ["chat"])
@STREAMED
async def test_the_next_model_answers_once_the_first_exhausts_its_retries(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    server.script(Fail(503), Fail(503), Text("from the backup"))
    client = client_for(retry=TWO, fallback_models=["openai/backup-model"])
    with capture_events(client.events) as log:
        result = await final_result(client, stream, input="hi")
    assert result.content == "from the backup" and result.model == "openai/backup-model"
    models = [r.body and r.body["model"] for r in server.requests]
    assert models == ["test-model", "test-model", "backup-model"]
    (used,) = log.of(FallbackUsed)
    assert (used.from_model, used.to_model, used.error_type) == (
        "openai/test-model",
        "openai/backup-model",
        "ServerError",
    )


@pytest.mark.parametrize("route", ["anthropic"])
@STREAMED
async def test_a_fallback_crosses_routes_with_the_transcript_tools_and_format(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    """An overloaded Anthropic model (litellm) hands the tool turn's follow-up to an OpenAI
    model on the Responses API, which gets the same transcript, tools and output schema."""
    backup = {"model": ROUTES["responses"], "api_base": server.openai_base_url, "api_key": "k"}
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]),
        Fail(529, error_type="overloaded_error"),
        JSONReply({"celsius": 21}),
    )
    client = client_for(
        retry=RetryPolicy(max_attempts=1), fallback_models=[backup], tool_factory=weather_factory()
    )
    result = await final_result(client, stream, input="Oslo?", response_format=Reading)
    assert result.content == Reading(celsius=21) and result.model == ROUTES["responses"]
    first, failed, answered = server.requests
    assert (first.api, failed.api, answered.api) == ("messages", "messages", "responses")
    assert answered.headers["authorization"] == "Bearer k"
    assert "get_weather" in offered_tools(answered)
    assert answered.body is not None
    assert "celsius" in answered.body["text"]["format"]["schema"]["properties"]
    kinds = [item.get("type") for item in answered.body["input"]]
    assert kinds[-2:] == ["function_call", "function_call_output"]


async def test_a_bad_request_is_not_passed_on(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Fail(400), Text("never asked"))
    with pytest.raises(BadRequestError):
        await client_for(fallback_models=["openai/backup-model"]).generate(input="hi")
    assert len(server.requests) == 1


@pytest.mark.parametrize("route", ["chat"])
async def test_every_model_failing_raises_the_last_failure(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Fail(500), Fail(502), Fail(503))
    client = client_for(retry=RetryPolicy(max_attempts=1), fallback_models=["openai/b", "openai/c"])
    with pytest.raises(ServerError) as caught:
        await client.generate(input="hi")
    assert caught.value.status_code == 503 and caught.value.model == "openai/c"
    assert [r.body and r.body["model"] for r in server.requests] == ["test-model", "b", "c"]


@pytest.mark.parametrize("route", ["responses"])
async def test_usage_is_priced_per_model_used(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    """The first attempt answers a tool call on gpt-4o-mini; the follow-up fails there and
    gpt-4o answers it: each usage record is priced as the model that made it (per call)."""
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]), Fail(500), Text("done")
    )
    client = client_for(
        retry=RetryPolicy(max_attempts=1),
        fallback_models=["openai/gpt-4o"],
        tool_factory=weather_factory(),
    )
    with capture_events(client.events) as log:
        result = await client.generate(input="hi", fallback_models=["openai/gpt-4o"])
    records = log.of(UsageRecorded)
    assert [r.model for r in records] == ["openai/gpt-4o-mini", "openai/gpt-4o"]
    costs = [r.usage.cost_usd for r in records]
    assert all(costs) and costs[0] != costs[1]  # same tokens, different prices
    assert result.usage.cost_usd == pytest.approx(sum(c for c in costs if c))
    assert result.model == "openai/gpt-4o"
