"""Streams under any cancel scope: a stage holding a timeout across ``call_next`` plus a
consumer timing each chunk must leave both backends' cancel scopes intact."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, ProviderError
from llm_factory_toolkit.pipeline.context import ModelCall, ModelHandler, ModelResponse
from llm_factory_toolkit.testing import Fail, LoopbackLLMServer, Text
from llm_factory_toolkit.tools.models import StreamChunk
from tests.support import collect, eventually, loopback_client

pytestmark = pytest.mark.anyio

MODEL = "openai/test-model"


class TimeoutPerModelCall:
    """The obvious user stage: a deadline on every model call."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        with anyio.fail_after(60):
            return await call_next(call)


def timed_client(server: LoopbackLLMServer) -> LLMClient:
    client = loopback_client(server, MODEL)
    client.add_middleware(TimeoutPerModelCall())
    return client


async def timed_chunks(stream: object) -> list[StreamChunk]:
    """Every chunk, each read under its own timeout (long: the first one imports litellm)."""
    chunks: list[StreamChunk] = []
    iterator = stream.__aiter__()  # type: ignore[attr-defined]
    while True:
        with anyio.fail_after(30):
            try:
                chunk = await iterator.__anext__()
            except StopAsyncIteration:
                return chunks
        chunks.append(chunk)


async def test_client_stream_is_safe_under_stage_and_consumer_scopes(
    server: LoopbackLLMServer,
) -> None:
    server.script(Text("one two three four", chunk_size=4))
    async with timed_client(server).stream("hi") as stream:
        chunks = await timed_chunks(stream)
    assert "".join(c.content or "" for c in chunks) == "one two three four"
    assert chunks[-1].done and chunks[-1].result is not None
    assert chunks[-1].result.content == "one two three four"
    assert len(server.requests) == 1


async def test_generate_stream_refuses_a_stage_scope_instead_of_corrupting(
    server: LoopbackLLMServer,
) -> None:
    """Where the in-task stream cannot be safe, it says so and names ``client.stream``."""
    server.script(Text("one two three four", chunk_size=4))
    stream = await timed_client(server).generate("hi", stream=True)
    with pytest.raises(ConfigurationError, match=r"client\.stream\("):
        await timed_chunks(stream)
    with anyio.fail_after(5):  # the caller's scopes still nest correctly
        await anyio.lowlevel.checkpoint()


async def test_leaving_client_stream_early_cancels_the_run(server: LoopbackLLMServer) -> None:
    """The server sees the client leave mid-stream: the HTTP response was closed."""
    server.script(Text("a long answer " * 40, chunk_size=4, delay=0.05))
    async with loopback_client(server, MODEL).stream("hi") as stream:
        async for chunk in stream:
            assert chunk.content
            break
    await eventually(lambda: server.disconnects == 1)
    assert len(server.requests) == 1


async def test_client_stream_raises_the_runs_own_error(server: LoopbackLLMServer) -> None:
    """A provider failure reaches the reader as the typed error, not an exception group."""
    server.script(Fail(400, "bad request"))
    with pytest.raises(ProviderError):
        async with loopback_client(server, MODEL).stream("hi") as stream:
            await collect(stream)
    assert len(server.requests) == 1
