"""Failures on the Responses route: mapped errors, broken answers, keys, cancellation."""

from __future__ import annotations

import anyio
import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient
from llm_factory_toolkit.exceptions import (
    AuthenticationError,
    BadRequestError,
    MalformedResponseError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServerError,
)
from llm_factory_toolkit.testing import Fail, LoopbackLLMServer, Malformed, Stall, Text, Truncated

from .conftest import MODEL, ClientFor

pytestmark = pytest.mark.anyio


async def _generate(client: LLMClient, stream: bool) -> str:
    if not stream:
        return str((await client.generate(input="hi")).content)
    chunks = [chunk async for chunk in await client.generate(input="hi", stream=True)]
    return "".join(chunk.content for chunk in chunks)


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (429, RateLimitError),
        (500, ServerError),
    ],
)
async def test_http_errors_are_mapped(
    server: LoopbackLLMServer,
    client_for: ClientFor,
    status: int,
    error: type[ProviderError],
    stream: bool,
) -> None:
    server.script(Fail(status, "scripted", retry_after=7))
    with pytest.raises(error) as caught:
        await _generate(client_for(), stream)
    assert caught.value.status_code == status
    assert (caught.value.provider, caught.value.model) == ("openai", MODEL)
    assert isinstance(caught.value.__cause__, Exception)
    if error is RateLimitError:
        assert caught.value.retry_after == 7  # type: ignore[attr-defined]


@pytest.mark.parametrize("stream", [False, True])
async def test_malformed_answer(
    server: LoopbackLLMServer, client_for: ClientFor, stream: bool
) -> None:
    server.script(Malformed("{not json"))
    with pytest.raises(MalformedResponseError):
        await _generate(client_for(), stream)


async def test_stream_cut_before_completion(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    """A stream that stops before ``response.completed`` is an error, not a short answer."""
    server.script(Truncated(Text("This answer is cut off somewhere."), after_events=6))
    with pytest.raises(MalformedResponseError):
        await _generate(client_for(), stream=True)


async def test_missing_key_names_the_variable(server: LoopbackLLMServer) -> None:
    client = LLMClient(model="gpt-4o-mini", api_base=server.openai_base_url)  # no key: fine
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        await client.generate(input="hi")
    assert server.requests == []


async def test_key_and_base_url_from_environment(
    server: LoopbackLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_BASE_URL", server.openai_base_url)
    server.script(Text("from env"))
    async with LLMClient(model="o4-mini") as client:
        result = await client.generate(input="hi")
    assert result.content == "from env"
    assert server.requests[0].headers["authorization"] == "Bearer env-key"


async def test_timeout_option(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    server.script(Stall(3.0))
    started = anyio.current_time()
    with pytest.raises(ProviderTimeoutError):
        await client_for(timeout=0.2).generate(input="hi")
    assert anyio.current_time() - started < 2


async def test_cancelling_a_call_closes_the_connection(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    server.script(Stall(5.0))
    started = anyio.current_time()
    with anyio.move_on_after(0.3) as scope:
        await client_for().generate(input="hi")
    assert scope.cancelled_caught and anyio.current_time() - started < 2
    await _wait_for_disconnect(server)


async def test_closing_a_stream_early_closes_the_connection(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    server.script(Text("one two three four five six seven", chunk_size=4, delay=0.1))
    stream = await client_for().generate(input="hi", stream=True)
    first = await stream.__anext__()
    await stream.aclose()
    assert first.content == "one "
    await _wait_for_disconnect(server)


async def _wait_for_disconnect(server: LoopbackLLMServer) -> None:
    """The server notices the hang-up on its own thread; poll for up to 3 seconds."""
    for _ in range(150):
        if server.disconnects:
            return
        await anyio.sleep(0.02)
    pytest.fail("the server never saw the client disconnect")
