"""The litellm loop-thread bridge across process and loop lifetimes: fork, a caller loop that
closes mid-call, a result finished as its caller was cancelled, restart after ``close()``,
and ``aclose()`` closing litellm's pooled connections."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time

import anyio
import anyio.from_thread
import anyio.lowlevel
import anyio.to_thread
import pytest

from llm_factory_toolkit.testing import LoopbackLLMServer, Stall, Text
from llm_factory_toolkit.transports.litellm_bridge import LoopThread, shared_loop_thread
from tests.support import eventually, loopback_client

MODEL = "openai/test-model"


@pytest.mark.anyio
async def test_a_forked_child_starts_its_own_loop_thread(
    server: LoopbackLLMServer, anyio_backend: str
) -> None:
    """After ``os.fork()`` the child's first litellm call works (it used to hang forever)."""
    client = loopback_client(server, MODEL)
    server.script(Text("parent"), Text("child"))
    assert (await client.generate("hi")).content == "parent"

    def child() -> int:
        async def generate() -> object:
            with anyio.fail_after(30):
                return (await client.generate("hi")).content

        return 0 if anyio.run(generate, backend=anyio_backend) == "child" else 3

    def fork_and_wait() -> int:
        pid = os.fork()
        if pid == 0:  # the child: never return into pytest
            code = 2
            try:
                signal.set_wakeup_fd(-1)  # the parent's trio run set it; this run sets its own
                code = child()
            finally:
                os._exit(code)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    assert await anyio.to_thread.run_sync(fork_and_wait) == 0
    assert len(server.requests) == 2


def test_a_closed_caller_loop_cancels_the_request_quietly(
    server: LoopbackLLMServer, caplog: pytest.LogCaptureFixture
) -> None:
    """asyncio only: a trio run cannot end with a call in flight, an asyncio loop can."""
    client = loopback_client(server, MODEL)
    server.script(Text("warm"), Stall(60, then=Text("late")))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.generate("warm up"))
    task = loop.create_task(client.generate("hi"))

    async def until_sent() -> None:
        for _ in range(2000):
            if len(server.requests) == 2:
                return
            await asyncio.sleep(0.005)

    loop.run_until_complete(until_sent())
    loop.close()
    with caplog.at_level(logging.DEBUG):
        for _ in range(600):
            if server.disconnects:
                break
            time.sleep(0.005)
    assert server.disconnects == 1
    assert "Event loop is closed" not in caplog.text
    assert not task.done()  # the caller's task never resumed: its loop is gone


class Resource:
    def __init__(self) -> None:
        self.closed = threading.Event()

    async def aclose(self) -> None:
        self.closed.set()


async def _close(resource: Resource) -> None:
    await resource.aclose()


@pytest.mark.anyio
async def test_a_result_finished_as_its_caller_is_cancelled_is_released() -> None:
    """The call ends just after its caller was cancelled: the result (a stream, say) is
    closed on the loop thread instead of being dropped open."""
    bridge = LoopThread(name="race")
    token = anyio.lowlevel.current_token()
    resource = Resource()

    async def finish_as_the_caller_is_cancelled(scope: anyio.CancelScope) -> Resource:
        anyio.from_thread.run_sync(scope.cancel, token=token)
        return resource

    try:
        with anyio.CancelScope() as scope:
            await bridge.run(finish_as_the_caller_is_cancelled, scope, release=_close)
        assert scope.cancelled_caught
        await eventually(resource.closed.is_set)
    finally:
        bridge.close()


@pytest.mark.anyio
async def test_the_next_call_after_close_starts_a_fresh_loop_thread(
    server: LoopbackLLMServer,
) -> None:
    client = loopback_client(server, MODEL)
    server.script(Text("one"), Text("two"))
    assert (await client.generate("hi")).content == "one"
    first = shared_loop_thread()
    first.close()
    assert (await client.generate("hi")).content == "two"
    assert shared_loop_thread() is not first and first.closed


@pytest.mark.anyio
@pytest.mark.parametrize("model", [MODEL, "anthropic/claude-test"])
async def test_aclose_closes_litellms_pooled_connections(
    server: LoopbackLLMServer, model: str
) -> None:
    client = loopback_client(server, model)
    for n in range(5):
        server.script(Text(f"answer {n}"))
        await client.generate("hi")
        async for _ in await client.generate("hi", stream=True):
            pass
    assert len(server.requests) == 10
    assert server.open_connections >= 1
    await client.aclose()
    await eventually(lambda: server.open_connections == 0)
    server.script(Text("after"))
    assert (await client.generate("hi")).content == "after"  # litellm opens new ones
