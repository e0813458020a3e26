"""Sync tools that time out keep their thread-limiter token until their thread really ends,
so hung tools cannot multiply threads."""

from __future__ import annotations

import json
import threading

import anyio.to_thread
import pytest

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from tests.support import eventually, loopback_client, tool_results

pytestmark = pytest.mark.anyio


async def test_timed_out_sync_tools_hold_their_thread_until_it_ends(
    server: LoopbackLLMServer,
) -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = 2
    release = threading.Event()
    started: list[str] = []

    def hang(n: int) -> str:
        started.append(threading.current_thread().name)
        release.wait(10)
        return "late"

    factory = ToolFactory()
    factory.register_tool(hang)
    calls = [ToolCallSpec("hang", {"n": n}, id=f"c{n}") for n in range(6)]
    server.script(ToolCalls(calls), Text("gave up"))
    client = loopback_client(server, "openai/test-model", tool_factory=factory)
    result = await client.generate(input="go", tool_timeout=0.2, max_concurrent_tools=6)
    assert result.content == "gave up"
    answers = tool_results(server.requests[1])
    assert {json.loads(answer)["status"] for answer in answers.values()} == {"timeout"}
    assert len(started) == 2  # the other four never got a thread
    assert limiter.borrowed_tokens == 2
    release.set()
    await eventually(lambda: limiter.borrowed_tokens == 0)
