"""Provider failures become the toolkit's ``ProviderError`` tree, never raw SDK exceptions.

Each failure is produced by the loopback server and met by the real SDK (litellm on both
wires, streamed and not; the openai SDK for the mapping the Responses route shares), so each
branch of ``transports.errors`` is proven against the exceptions those SDKs really raise.
"""

from __future__ import annotations

import socket

import openai
import pytest

from llm_factory_toolkit import (
    AuthenticationError,
    BadRequestError,
    LLMClient,
    MalformedResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServerError,
    ToolFactory,
)
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    Malformed,
    Stall,
    Text,
    ToolCalls,
    ToolCallSpec,
    Truncated,
)
from llm_factory_toolkit.testing.script import Turn
from llm_factory_toolkit.transports.errors import ProviderErrors, provider_error_from
from tests.support import final_result

from .conftest import MODELS, ClientFor

pytestmark = pytest.mark.anyio

Case = tuple[str, Turn, type[ProviderError], int | None]
"""An id, the scripted turn, the error it must become, and that error's status code."""

FAILURES: list[Case] = [
    ("401", Fail(401, "bad key"), AuthenticationError, 401),
    ("403", Fail(403, "forbidden"), AuthenticationError, 403),
    ("429", Fail(429, "slow down", retry_after=7), RateLimitError, 429),
    ("400", Fail(400, "bad request"), BadRequestError, 400),
    ("404", Fail(404, "no such model"), BadRequestError, 404),
    ("500", Fail(500), ServerError, 500),
    ("503", Fail(503), ServerError, 503),
    ("529", Fail(529, error_type="overloaded_error"), ServerError, 529),
    ("timeout", Stall(5.0), ProviderTimeoutError, None),
    ("not_json", Malformed(), MalformedResponseError, None),
    (
        "html_page",
        Malformed("<html>gateway</html>", content_type="text/html"),
        MalformedResponseError,
        None,
    ),
    ("missing_fields", Malformed("{}"), MalformedResponseError, None),
    (
        "truncated",
        Truncated(Text("a long answer that is cut off " * 4), after_events=3),
        MalformedResponseError,
        None,
    ),
]


STREAMED = pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])


def each_failure(cases: list[Case]) -> pytest.MarkDecorator:
    """Parametrizes ``turn``, ``kind`` and ``status`` by the cases, named by their ids."""
    return pytest.mark.parametrize(
        ("turn", "kind", "status"), [case[1:] for case in cases], ids=[case[0] for case in cases]
    )


def timeout_for(turn: Turn) -> float:
    """Short only where the timeout is the failure under test, so a busy machine is no flake."""
    return 0.3 if isinstance(turn, Stall) else 30.0


@STREAMED
@each_failure(FAILURES)
async def test_litellm_failures_are_mapped(
    client_for: ClientFor,
    server: LoopbackLLMServer,
    wire: str,
    stream: bool,
    turn: Turn,
    kind: type[ProviderError],
    status: int | None,
) -> None:
    server.script(turn)
    with pytest.raises(ProviderError) as caught:
        await final_result(client_for(timeout=timeout_for(turn)), stream, input="hi")
    error = caught.value
    assert type(error) is kind, f"{type(error).__name__}: {error}"
    assert error.status_code == status
    assert len(server.requests) == 1
    if isinstance(error, RateLimitError):
        assert error.retry_after == 7.0
    if error.__cause__ is not None:  # a stream that was no answer is found by the toolkit
        assert error.provider == ("anthropic" if wire == "anthropic" else "openai")
        assert error.model == MODELS[wire] and MODELS[wire] in str(error)
        assert not isinstance(error.__cause__, ProviderError)
    else:
        assert kind is MalformedResponseError and stream


async def test_connection_refused(wire: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}" + ("" if wire == "anthropic" else "/v1")
    client = LLMClient(model=MODELS[wire], api_key="test", api_base=base, max_retries=0)
    with pytest.raises(ProviderConnectionError) as caught:
        await client.generate(input="hi")
    assert caught.value.status_code is None and caught.value.__cause__ is not None


@STREAMED
async def test_a_failure_after_tool_turns_keeps_the_transcript(
    client_for: ClientFor, server: LoopbackLLMServer, weather: ToolFactory, stream: bool
) -> None:
    server.script(ToolCalls([ToolCallSpec("get_weather", {"city": "Rome"})]), Fail(503))
    with pytest.raises(ServerError) as caught:
        await final_result(client_for(tool_factory=weather), stream, input="hi")
    roles = [message["role"] for message in caught.value.transcript]
    assert roles == ["user", "assistant", "tool"]
    assert '"celsius": 25' in caught.value.transcript[-1]["content"]


@pytest.mark.parametrize("name", ["num_retries", "max_retries"])
async def test_retry_counts_retry_on_both_wires(
    client_for: ClientFor, server: LoopbackLLMServer, name: str
) -> None:
    """``num_retries=N`` (or ``max_retries=N``) means N retries on every wire, litellm's
    Anthropic one included (litellm alone never retried it): a 503, then the answer."""
    server.script(Fail(503, retry_after=0), Text("recovered"))
    result = await client_for(**{"max_retries": None, name: 1}).generate(input="hi")
    assert result.content == "recovered" and len(server.requests) == 2


# -- the same mapping through the openai SDK (the Responses route's SDK) --------------------

SDK_FAILURES = [case for case in FAILURES if case[0] not in ("html_page", "missing_fields")]


@STREAMED
@each_failure(SDK_FAILURES)
async def test_openai_sdk_failures_are_mapped(
    server: LoopbackLLMServer,
    stream: bool,
    turn: Turn,
    kind: type[ProviderError],
    status: int | None,
) -> None:
    server.script(turn)
    async with openai.AsyncOpenAI(
        base_url=server.openai_base_url,
        api_key="test",
        max_retries=0,
        timeout=timeout_for(turn),
    ) as sdk:
        with (
            pytest.raises(ProviderError) as caught,
            ProviderErrors(provider="openai", model="gpt-x"),
        ):
            reply = await sdk.chat.completions.create(
                model="gpt-x", messages=[{"role": "user", "content": "hi"}], stream=stream
            )
            if stream:
                async for _ in reply:
                    pass
    assert type(caught.value) is kind and caught.value.status_code == status
    cause = caught.value.__cause__
    assert cause is not None and not isinstance(cause, ProviderError)


async def test_openai_sdk_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with openai.AsyncOpenAI(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="t", max_retries=0
    ) as sdk:
        with pytest.raises(ProviderConnectionError), ProviderErrors(provider="openai", model="m"):
            await sdk.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}]
            )


# -- Retry-After forms ----------------------------------------------------------------------


class Throttled(Exception):
    """An SDK-like error carrying a status and response headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("throttled")
        self.status_code = 429
        self.headers = headers


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"Retry-After": "3"}, 3.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_forms(headers: dict[str, str], seconds: float | None) -> None:
    error = provider_error_from(Throttled(headers), provider="p", model="m")
    assert isinstance(error, RateLimitError) and error.retry_after == seconds


def test_retry_after_as_a_future_http_date() -> None:
    from email.utils import formatdate
    from time import time

    error = provider_error_from(
        Throttled({"retry-after": formatdate(time() + 60, usegmt=True)}), provider="p", model="m"
    )
    assert isinstance(error, RateLimitError) and error.retry_after is not None
    assert 55 <= error.retry_after <= 61
