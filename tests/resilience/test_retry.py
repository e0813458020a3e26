"""The retry stage on real HTTP: SDK retries are off, one policy decides, streams are retried
only before their first delta, and cancelling during a backoff ends the generation at once."""

from __future__ import annotations

import anyio
import pytest

from llm_factory_toolkit import MalformedResponseError, RetryPolicy, ServerError
from llm_factory_toolkit.events import ModelCallRetrying
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    Reset,
    Text,
    Truncated,
    capture_events,
)
from tests.support import collect, final_result, loopback_client

from .conftest import ROUTES, ClientFor

pytestmark = pytest.mark.anyio

LONG = Text("alpha beta gamma delta epsilon zeta eta theta " * 3, chunk_size=3)


async def test_the_sdks_do_not_retry_on_their_own(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    """With retrying off and no SDK option given, a 500 is sent once: before, the openai SDK
    (Responses, and litellm's ``openai/<local>``) resent it twice by default."""
    server.script(Fail(500), Fail(500), Fail(500))
    with pytest.raises(ServerError):
        await client_for(retry=RetryPolicy(max_attempts=1), max_retries=None).generate(input="hi")
    assert len(server.requests) == 1


async def test_num_retries_means_that_many_retries_on_every_route(
    client_for: ClientFor, server: LoopbackLLMServer, sleeps: list[float]
) -> None:
    server.script(Fail(503), Fail(503), Text("third time"))
    client = client_for(retry=None, num_retries=2, max_retries=None)
    result = await client.generate(input="hi")
    assert result.content == "third time" and len(server.requests) == 3
    assert len(sleeps) == 2


async def test_each_retry_is_announced_with_the_wait_chosen(
    client_for: ClientFor, server: LoopbackLLMServer, sleeps: list[float]
) -> None:
    server.script(Fail(429, retry_after=4), Fail(502), Text("ok"))
    policy = RetryPolicy(max_attempts=3, initial_delay=1.0, multiplier=3.0, jitter=False)
    client = client_for(retry=policy)
    with capture_events(client.events) as log:
        await client.generate(input="hi")
    retries = log.of(ModelCallRetrying)
    assert [(e.attempt, e.delay_s, e.error_type) for e in retries] == [
        (1, 4.0, "RateLimitError"),
        (2, 3.0, "ServerError"),
    ]
    assert sleeps == [4.0, 3.0]


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
async def test_a_transient_failure_then_an_answer(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    server.script(Reset(), Fail(500), Text("recovered"))
    result = await final_result(client_for(), stream, input="hi")
    assert result.content == "recovered" and len(server.requests) == 3
    assert [r.body and r.body.get("stream", False) for r in server.requests] == [stream] * 3


async def test_a_stream_is_retried_while_nothing_reached_the_consumer(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Truncated(LONG, after_events=1, ends_cleanly=True), Text("whole answer"))
    chunks = await collect(await client_for().generate(input="hi", stream=True))
    assert "".join(chunk.content for chunk in chunks) == "whole answer"
    assert len(server.requests) == 2


async def test_a_stream_is_not_retried_after_its_first_delta(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Reset(LONG, after_events=12), Text("never sent"))
    seen = ""
    with pytest.raises(MalformedResponseError) as caught:
        async for chunk in await client_for().generate(input="hi", stream=True):
            seen += chunk.content
    assert len(server.requests) == 1 and server.pending == 1
    assert seen and caught.value.partial_text == seen
    assert [m["role"] for m in caught.value.transcript] == ["user"]


async def test_cancelling_during_a_backoff_returns_at_once(
    server: LoopbackLLMServer, route: str
) -> None:
    """A ten-minute backoff: the retry event cancels the caller's scope, and the generation
    ends with one request sent (the hang guard would fail the test if the sleep went on)."""
    server.script(Fail(503), Text("too late"))
    policy = RetryPolicy(max_attempts=2, initial_delay=600.0, max_delay=600.0, jitter=False)
    client = loopback_client(server, ROUTES[route], retry=policy)
    with anyio.fail_after(120), anyio.CancelScope() as scope:
        client.events.subscribe(ModelCallRetrying, lambda _: scope.cancel())
        await client.generate(input="hi")
    await client.aclose()
    assert scope.cancelled_caught and len(server.requests) == 1


@pytest.mark.parametrize("route", ["chat"])
async def test_each_attempt_is_its_own_chat_span(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    from tests.observability.conftest import new_traces

    traces = new_traces()
    server.script(Fail(503), Reset(), Text("ok"))
    await client_for(telemetry=traces.telemetry()).generate(input="hi")
    chats = traces.named("chat ")
    errors = [(span.attributes or {}).get("error.type") for span in chats]
    assert errors == ["ServerError", "ProviderConnectionError", None]
    (generation,) = [s for s in traces.spans if s not in chats]
    assert all(span.parent and span.parent.span_id == generation.context.span_id for span in chats)
    traces.provider.shutdown()
