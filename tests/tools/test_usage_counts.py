"""Tool usage counters: a copy on read, atomic read-and-reset, registered names kept at 0."""

from __future__ import annotations

import threading

import pytest

from llm_factory_toolkit import LLMClient, ToolCall, ToolCallDenied, ToolFactory
from llm_factory_toolkit.testing import ScriptedTransport, Text, ToolCalls, ToolCallSpec


def factory_with(*names: str) -> ToolFactory:
    factory = ToolFactory()
    for name in names:
        factory.register_tool(lambda: "ok", name=name)
    return factory


def test_counts_start_at_zero_and_reads_are_copies() -> None:
    factory = factory_with("a", "b")
    factory.increment_tool_usage("a")
    factory.increment_tool_usage("a")
    factory.increment_tool_usage("never_registered")
    counts = factory.get_tool_usage_counts()
    counts["a"] = 100
    assert factory.get_tool_usage_counts() == {"a": 2, "b": 0}


def test_get_and_reset_returns_the_counts_and_keeps_the_names() -> None:
    factory = factory_with("a", "b")
    factory.increment_tool_usage("b")
    assert factory.get_and_reset_tool_usage_counts() == {"a": 0, "b": 1}
    assert factory.get_tool_usage_counts() == {"a": 0, "b": 0}
    factory.increment_tool_usage("a")
    factory.reset_tool_usage_counts()
    assert factory.get_tool_usage_counts() == {"a": 0, "b": 0}


def test_get_and_reset_loses_no_increment_under_contention() -> None:
    """Threads increment while another drains: the drained sums equal the increments."""
    factory = factory_with("t")
    drained: list[int] = []
    done = threading.Event()

    def increment() -> None:
        for _ in range(20_000):
            factory.increment_tool_usage("t")

    def drain() -> None:
        while not done.is_set():
            drained.append(factory.get_and_reset_tool_usage_counts()["t"])

    workers = [threading.Thread(target=increment) for _ in range(4)]
    drainer = threading.Thread(target=drain)
    drainer.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    drainer.join()
    assert sum(drained) + factory.get_tool_usage_counts()["t"] == 80_000


@pytest.mark.anyio
async def test_a_generation_counts_calls_that_ran_but_not_denied_or_mocked_ones() -> None:
    factory = factory_with("a", "b")

    def client() -> LLMClient:
        calls = [ToolCallSpec("a", {}), ToolCallSpec("b", {}), ToolCallSpec("a", {})]
        transport = ScriptedTransport(ToolCalls(calls), Text("ok"))
        return LLMClient(model="openai/x", transport=transport, tool_factory=factory)

    await client().generate(input="Go.")
    assert factory.get_and_reset_tool_usage_counts() == {"a": 2, "b": 1}

    guarded = client()

    @guarded.hooks.before_tool_call
    def deny_b(call: ToolCall) -> None:
        if call.name == "b":
            raise ToolCallDenied("no b")

    await guarded.generate(input="Go.")
    assert factory.get_and_reset_tool_usage_counts() == {"a": 2, "b": 0}

    await client().generate(input="Go.", mock_tools=True)
    assert factory.get_tool_usage_counts() == {"a": 0, "b": 0}
