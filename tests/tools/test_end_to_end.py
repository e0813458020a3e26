"""The tool loop end to end: real litellm sends HTTP to the loopback server, on both backends.

Each test scripts the model's turns, lets the toolkit run the tools, and checks what the
tools received, what went back to the model in the next request body, and what the caller
got (result, transcript, payloads, events).
"""

from __future__ import annotations

import json
import time
from typing import Any

import anyio
import pytest

from llm_factory_toolkit import ToolCallDenied, ToolExecutionResult, ToolFactory, ToolRuntime
from llm_factory_toolkit.core import events as ev
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from tests.support import loopback_client, offered_tools, tool_results

from .helpers import MODELS, status_of

pytestmark = [pytest.mark.anyio, pytest.mark.parametrize("model", MODELS)]


def calculator() -> ToolFactory:
    factory = ToolFactory()

    def add(a: int, b: int) -> dict[str, int]:
        """Adds two integers."""
        return {"sum": a + b}

    factory.register_tool(add)
    return factory


async def test_a_multi_iteration_tool_loop(server: LoopbackLLMServer, model: str) -> None:
    """Two tool rounds, then an answer: each result reaches the model in the next request."""
    server.script(
        ToolCalls([ToolCallSpec("add", {"a": 1, "b": 2}, id="call_a")]),
        ToolCalls([ToolCallSpec("add", {"a": 3, "b": 4}, id="call_b")]),
        Text("1+2 is 3 and 3+4 is 7."),
    )
    result = await loopback_client(server, model, tool_factory=calculator()).generate(
        input="Add things."
    )

    assert result.content == "1+2 is 3 and 3+4 is 7."
    assert result.iterations == 3 and result.finish_reason == "stop"
    assert len(server.requests) == 3
    assert tool_results(server.requests[1]) == {"call_a": '{"sum": 3}'}
    assert tool_results(server.requests[2]) == {"call_a": '{"sum": 3}', "call_b": '{"sum": 7}'}
    assert offered_tools(server.requests[0])["add"]["required"] == ["a", "b"]
    assert [p["payload"] for p in result.payloads] == [{"sum": 3}, {"sum": 7}]
    roles = [message["role"] for message in result.tool_messages]
    assert roles == ["assistant", "tool", "assistant", "tool"]


async def test_parallel_calls_run_concurrently_and_keep_call_order(
    server: LoopbackLLMServer, model: str
) -> None:
    """Two calls in one turn wait for each other: they can only finish if they run together."""
    arrived = {"left": anyio.Event(), "right": anyio.Event()}
    factory = ToolFactory()

    async def meet(side: str) -> str:
        arrived[side].set()
        other = "right" if side == "left" else "left"
        with anyio.fail_after(5):
            await arrived[other].wait()
        return f"{side} met {other}"

    factory.register_tool(meet)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("meet", {"side": "right"}, id="call_1"),
                ToolCallSpec("meet", {"side": "left"}, id="call_2"),
            ]
        ),
        Text("They met."),
    )
    result = await loopback_client(server, model, tool_factory=factory).generate(input="Meet.")

    tool_messages = [m for m in result.tool_messages if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in tool_messages] == ["call_1", "call_2"]
    assert [m["content"] for m in tool_messages] == ["right met left", "left met right"]
    assert list(tool_results(server.requests[1])) == ["call_1", "call_2"]


async def test_concurrency_is_bounded_by_max_concurrent_tools(
    server: LoopbackLLMServer, model: str
) -> None:
    """Five calls with ``max_concurrent_tools=2`` never have more than two running."""
    running, peak = 0, 0
    factory = ToolFactory()

    async def work(n: int) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await anyio.sleep(0.02)
        running -= 1
        return n

    factory.register_tool(work)
    server.script(
        ToolCalls([ToolCallSpec("work", {"n": n}, id=f"call_{n}") for n in range(5)]),
        Text("Done."),
    )
    client = loopback_client(server, model, tool_factory=factory)
    result = await client.generate(input="Work.", max_concurrent_tools=2)

    assert peak == 2
    assert [p["payload"] for p in result.payloads] == [0, 1, 2, 3, 4]


async def test_nested_calls_run_through_the_stages(server: LoopbackLLMServer, model: str) -> None:
    """A tool calls others via ``tool_runtime``: context flows down, events and counts see them."""
    factory = ToolFactory()

    def lookup(key: str, tenant: str) -> str:
        return f"{tenant}:{key}"

    async def report(
        keys: list[str], tool_runtime: ToolRuntime, tool_call_depth: int
    ) -> dict[str, Any]:
        first = await tool_runtime.call_tool("lookup", arguments={"key": keys[0]})
        rest = await tool_runtime.call_tools(
            [{"name": "lookup", "arguments": {"key": key}} for key in keys[1:]], parallel=True
        )
        return {"depth": tool_call_depth, "values": [first.content, *(r.content for r in rest)]}

    factory.register_tool(lookup, context_params=["tenant"])
    factory.register_tool(report)
    server.script(
        ToolCalls([ToolCallSpec("report", {"keys": ["a", "b", "c"]}, id="call_r")]), Text("ok")
    )
    client = loopback_client(server, model, tool_factory=factory)
    with capture_events(client.events) as log:
        result = await client.generate(input="Report.", tool_execution_context={"tenant": "acme"})

    assert result.payloads[0]["payload"] == {"depth": 0, "values": ["acme:a", "acme:b", "acme:c"]}
    nested = [e for e in log.of(ev.ToolCallFinished) if e.depth == 1]
    assert sorted(e.tool_call_id for e in nested) == ["call_r.1", "call_r.2", "call_r.3"]
    assert factory.get_tool_usage_counts() == {"lookup": 3, "report": 1}
    assert "tenant" not in json.dumps(offered_tools(server.requests[0]))


async def test_mock_mode_never_runs_the_real_tools(server: LoopbackLLMServer, model: str) -> None:
    """``mock_tools=True``: mock_function, bound mock_execute, stub; nested calls mocked too."""
    ran: list[str] = []
    factory = ToolFactory()

    class Mailer:
        def send(self, to: str) -> str:
            ran.append("send")
            return "sent"

        def mock_execute(self, to: str) -> str:
            return f"would send to {to}"

    def charge(amount: int) -> str:
        ran.append("charge")
        return "charged"

    async def plan(tool_runtime: ToolRuntime) -> str:
        ran.append("plan")
        return "planned"

    async def fake_plan(tool_runtime: ToolRuntime) -> str:
        inner = await tool_runtime.call_tool("charge", arguments={"amount": 1})
        return f"fake plan, inner: {inner.content}"

    factory.register_tool(Mailer().send, name="send_email")
    factory.register_tool(charge)
    factory.register_tool(plan, mock_function=fake_plan)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("send_email", {"to": "bob"}, id="call_s"),
                ToolCallSpec("charge", {"amount": 5}, id="call_c"),
                ToolCallSpec("plan", {}, id="call_p"),
            ]
        ),
        Text("All mocked."),
    )
    client = loopback_client(server, model, tool_factory=factory)
    with capture_events(client.events) as log:
        await client.generate(input="Go.", mock_tools=True)

    assert ran == []
    assert tool_results(server.requests[1]) == {
        "call_s": "would send to bob",
        "call_c": "Mocked execution for tool 'charge'.",
        "call_p": "fake plan, inner: Mocked execution for tool 'charge'.",
    }
    finished = log.of(ev.ToolCallFinished)
    assert len(finished) == 4 and all(event.mocked for event in finished)


async def test_a_before_hook_denies_and_an_after_hook_transforms(
    server: LoopbackLLMServer, model: str
) -> None:
    """Authorization: the denied tool never runs, the model reads why, observers see it."""
    ran: list[str] = []
    factory = ToolFactory()

    def delete_account(user: str) -> str:
        ran.append(user)
        return "deleted"

    def whoami() -> str:
        return "alice"

    factory.register_tool(delete_account)
    factory.register_tool(whoami)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("delete_account", {"user": "bob"}, id="call_d"),
                ToolCallSpec("whoami", {}, id="call_w"),
            ]
        ),
        Text("Not allowed."),
    )
    client = loopback_client(server, model, tool_factory=factory)

    @client.hooks.before_tool_call
    def only_admins(call: Any) -> None:
        if call.name == "delete_account" and call.tool_context.get("role") != "admin":
            raise ToolCallDenied("admins only")

    @client.hooks.after_tool_call
    def shout(call: Any, result: ToolExecutionResult) -> ToolExecutionResult | None:
        return (
            ToolExecutionResult(content=result.content.upper()) if call.name == "whoami" else None
        )

    with capture_events(client.events) as log:
        await client.generate(input="Delete bob.", tool_execution_context={"role": "user"})

    assert ran == []
    results = tool_results(server.requests[1])
    assert status_of(results["call_d"]) == "denied" and "admins only" in results["call_d"]
    assert results["call_w"] == "ALICE"
    (denied,) = log.of(ev.ToolCallRejected)
    assert (denied.tool_name, denied.reason) == ("delete_account", "admins only")


async def test_each_bad_input_becomes_an_error_result_and_the_loop_goes_on(
    server: LoopbackLLMServer, model: str
) -> None:
    """Unknown tool, bad JSON, schema mismatch, a raising tool, a slow tool: all reported."""
    factory = ToolFactory()

    def typed(count: int) -> int:
        return count

    def broken() -> str:
        raise RuntimeError("disk on fire")

    async def slow() -> str:
        await anyio.sleep(5)
        return "late"

    for function in (typed, broken, slow):
        factory.register_tool(function)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("no_such_tool", {}, id="call_unknown"),
                ToolCallSpec("typed", '{"count": 1', id="call_json"),
                ToolCallSpec("typed", {"count": "many"}, id="call_schema"),
                ToolCallSpec("broken", {}, id="call_raise"),
                ToolCallSpec("slow", {}, id="call_slow"),
            ]
        ),
        Text("Recovered."),
    )
    client = loopback_client(server, model, tool_factory=factory)
    with capture_events(client.events) as log, anyio.fail_after(4):
        result = await client.generate(input="Try.", tool_timeout=0.2)

    assert result.content == "Recovered."
    statuses = {key: status_of(value) for key, value in tool_results(server.requests[1]).items()}
    assert statuses["call_unknown"] == "tool_not_found"
    assert statuses["call_json"] in {"argument_decode_error", "argument_type_error"}
    assert statuses["call_schema"] == "argument_validation_error"
    assert statuses["call_raise"] == "execution_error"
    assert statuses["call_slow"] == "timeout"
    failed = {event.tool_call_id for event in log.of(ev.ToolCallFailed)}
    assert failed == set(statuses)


async def test_reaching_max_tool_iterations_is_reported_with_the_transcript(
    server: LoopbackLLMServer, model: str
) -> None:
    """The model keeps asking; after two rounds the result says so and keeps every message."""
    server.script(
        ToolCalls([ToolCallSpec("add", {"a": 1, "b": 1}, id="call_1")]),
        ToolCalls([ToolCallSpec("add", {"a": 2, "b": 2}, id="call_2")]),
        Text("never reached"),
    )
    result = await loopback_client(server, model, tool_factory=calculator()).generate(
        input="Loop.", max_tool_iterations=2
    )

    assert result.finish_reason == "max_tool_iterations"
    assert len(server.requests) == 2
    assert [m["content"] for m in result.messages if m["role"] == "tool"] == [
        '{"sum": 2}',
        '{"sum": 4}',
    ]


async def test_use_tools_filters_and_tool_messages_persist_a_conversation(
    server: LoopbackLLMServer, model: str
) -> None:
    """Only the named tools are offered; the tool messages make a valid history next turn."""
    factory = calculator()
    factory.register_tool(lambda: "secret", name="hidden")
    server.script(
        ToolCalls([ToolCallSpec("add", {"a": 2, "b": 5}, id="call_x")]),
        Text("7."),
        Text("Still 7."),
    )
    client = loopback_client(server, model, tool_factory=factory)
    history: list[dict[str, Any]] = [{"role": "user", "content": "2+5?"}]
    result = await client.generate(input=history, use_tools=["add"])
    assert list(offered_tools(server.requests[0])) == ["add"]

    history.extend(result.tool_messages)
    history.append({"role": "assistant", "content": result.content or ""})
    history.append({"role": "user", "content": "Sure?"})
    follow_up = await client.generate(input=history)

    assert follow_up.content == "Still 7."
    assert tool_results(server.requests[2]) == {"call_x": '{"sum": 7}'}
    assert set(offered_tools(server.requests[2])) == {"add", "hidden"}


async def test_tools_behave_the_same_when_streaming(server: LoopbackLLMServer, model: str) -> None:
    """Streamed: a sync tool in its thread, a slow one timed out, both results sent back."""
    factory = ToolFactory()

    def blocking(x: int) -> int:
        time.sleep(0.05)
        return x * 2

    async def slow() -> str:
        await anyio.sleep(5)
        return "late"

    factory.register_tool(blocking)
    factory.register_tool(slow)
    server.script(
        ToolCalls(
            [
                ToolCallSpec("blocking", {"x": 21}, id="call_b"),
                ToolCallSpec("slow", {}, id="call_s"),
            ]
        ),
        Text("Forty-two, and one timed out.", chunk_size=6),
    )
    client = loopback_client(server, model, tool_factory=factory)
    with anyio.fail_after(4):
        stream = await client.generate(input="Go.", stream=True, tool_timeout=0.3)
        chunks = [chunk async for chunk in stream]

    assert "".join(chunk.content for chunk in chunks) == "Forty-two, and one timed out."
    final = chunks[-1].result
    assert final is not None and final.payloads[0]["payload"] == 42
    results = tool_results(server.requests[1])
    assert results["call_b"] == "42" and status_of(results["call_s"]) == "timeout"
