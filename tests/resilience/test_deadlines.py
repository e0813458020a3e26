"""Deadlines and timeouts: ``deadline=`` bounds the whole generation (attempts, backoffs and
tool rounds), every attempt gets a timeout by default, tools get a default timeout, and
``max_concurrent_generations`` bounds how many generations run at once."""

from __future__ import annotations

import anyio
import pytest

from llm_factory_toolkit import (
    DeadlineExceeded,
    LLMClient,
    ProviderTimeoutError,
    RetryPolicy,
    ServerError,
    ToolFactory,
)
from llm_factory_toolkit.middleware.deadline import DEFAULT_TIMEOUT_S
from llm_factory_toolkit.pipeline.context import DEFAULT_TOOL_TIMEOUT_S
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    RecordedRequest,
    ScriptedTransport,
    Stall,
    Text,
    ToolCalls,
    ToolCallSpec,
)
from tests.support import eventually, final_result, slow_lookup_factory

from .conftest import ClientFor

pytestmark = pytest.mark.anyio

STREAMED = pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])


@STREAMED
async def test_a_deadline_ends_a_stalled_generation(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    """The per-attempt timeout (30 s) would wait; the deadline (0.4 s) does not. Every
    attempt it leaves room for is cut off, and the provider sees the client leave."""
    client = await warmed_up(client_for(timeout=30.0), server, stream)
    server.script(*[Stall(5.0)] * 3)
    with anyio.fail_after(60), pytest.raises(ProviderTimeoutError) as caught:
        await final_result(client, stream, input="hi", deadline=1.0)
    if not stream:
        assert isinstance(caught.value, DeadlineExceeded) and len(server.requests) == 1
    await eventually(lambda: server.disconnects == len(server.requests))


async def warmed_up(client: LLMClient, server: LoopbackLLMServer, stream: bool) -> LLMClient:
    """``client`` after one answered call (streamed or not, as the test's), so no first-call
    import eats the deadline; the server's records are cleared."""
    server.script(Text("warm"))
    await final_result(client, stream, input="warm up")
    server.reset()
    return client


@STREAMED
async def test_a_deadline_includes_tool_rounds(
    client_for: ClientFor, server: LoopbackLLMServer, stream: bool
) -> None:
    finished: list[str] = []
    factory = slow_lookup_factory(finished)
    client = await warmed_up(client_for(tool_factory=factory), server, stream)
    server.script(ToolCalls([ToolCallSpec("slow_lookup", {"city": "Oslo"})]), Text("late"))
    with anyio.fail_after(60), pytest.raises(DeadlineExceeded) as caught:
        await final_result(client, stream, input="hi", deadline=1.0)
    assert finished == ["Oslo"] and len(server.requests) == 1
    # Streamed, the tool's own timeout was cut to the deadline: its error result is kept.
    roles = [m["role"] for m in caught.value.transcript]
    assert roles == ["user", "assistant", "tool"] if stream else ["user", "assistant"]


async def test_no_backoff_sleeps_past_the_deadline(server: LoopbackLLMServer) -> None:
    from llm_factory_toolkit.testing import Fail
    from tests.support import loopback_client

    server.script(Fail(503), Text("too late"))
    policy = RetryPolicy(max_attempts=2, initial_delay=600.0, max_delay=600.0, jitter=False)
    client = loopback_client(server, "openai/test-model", retry=policy)
    with anyio.fail_after(60), pytest.raises(DeadlineExceeded) as caught:
        await client.generate(input="hi", deadline=30.0, stream=False)
    # Raised by the retry decision (caused by the 503), not by the deadline's own scope.
    assert isinstance(caught.value.__cause__, ServerError) and len(server.requests) == 1


async def test_every_attempt_and_tool_gets_a_timeout_by_default() -> None:
    transport = ScriptedTransport(ToolCalls([ToolCallSpec("echo", {"text": "x"})]), Text("ok"))
    seen: list[float | None] = []
    factory = ToolFactory()

    def echo(text: str) -> str:
        return text

    factory.register_tool(echo, parameters={"type": "object", "properties": {"text": {}}})

    class ToolTimeouts:
        async def wrap_tool_call(self, call, call_next):  # type: ignore[no-untyped-def]
            seen.append(call.timeout)
            return await call_next(call)

    client = LLMClient(model="scripted/m", transport=transport, tool_factory=factory)
    client.add_middleware(ToolTimeouts())
    await client.generate(input="hi")
    assert [c.call.options["timeout"] for c in transport.calls] == [DEFAULT_TIMEOUT_S] * 2
    assert seen == [DEFAULT_TOOL_TIMEOUT_S]


async def test_concurrent_generations_are_bounded(server: LoopbackLLMServer) -> None:
    """Six generations started at once, two slots: never more than two requests in flight."""
    from tests.support import loopback_client

    active, peak = 0, 0

    async def tracked(city: str) -> str:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await anyio.sleep(0.05)
        active -= 1
        return city

    factory = ToolFactory()
    factory.register_tool(tracked, parameters={"type": "object", "properties": {"city": {}}})

    def answer(request: RecordedRequest) -> Text | ToolCalls:
        done = any(m["role"] == "tool" for m in (request.body or {})["messages"])
        return Text("ok") if done else ToolCalls([ToolCallSpec("tracked", {"city": "Oslo"})])

    server.responder = answer
    client = loopback_client(
        server, "openai/test-model", tool_factory=factory, max_concurrent_generations=2
    )
    async with anyio.create_task_group() as group:
        for _ in range(6):
            group.start_soon(lambda: client.generate(input="hi"))
    assert peak == 2 and len(server.requests) == 12


async def test_the_default_timeout_reaches_the_sdk(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    """No ``timeout=`` given: the stage's default bounds the attempt on every route (here
    shortened to 0.3 s), where the SDKs alone would wait ten minutes or more."""
    from llm_factory_toolkit.middleware import DeadlineMiddleware, default_middleware

    stack = [
        DeadlineMiddleware(default_timeout=0.3) if isinstance(s, DeadlineMiddleware) else s
        for s in default_middleware()
    ]
    server.script(Stall(5.0))
    client = client_for(stack=stack, retry=RetryPolicy(max_attempts=1))
    with anyio.fail_after(60), pytest.raises(ProviderTimeoutError):
        await client.generate(input="hi")
    assert len(server.requests) == 1
