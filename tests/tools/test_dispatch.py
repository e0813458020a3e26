"""``dispatch_tool``: results, errors as results, threads, timeouts and context injection."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, ClassVar

import anyio
import pytest
from pydantic import BaseModel

from llm_factory_toolkit import BaseTool, ToolCall, ToolExecutionResult, ToolFactory, ToolRuntime

pytestmark = pytest.mark.anyio

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}


async def test_return_values_become_content_and_payload() -> None:
    class Point(BaseModel):
        x: int

    factory = ToolFactory()
    factory.register_tool(lambda: {"a": 1}, name="as_dict")
    factory.register_tool(lambda: "plain", name="as_str")
    factory.register_tool(lambda: ToolExecutionResult("c", payload=7), name="as_result")
    factory.register_tool(lambda: Point(x=2), name="as_model")
    factory.register_tool(lambda: [1, 2], name="as_list")

    assert await factory.dispatch_tool("as_dict", "{}") == ToolExecutionResult(
        '{"a": 1}', payload={"a": 1}
    )
    assert await factory.dispatch_tool("as_str", "") == ToolExecutionResult("plain", "plain")
    assert await factory.dispatch_tool("as_result", "{}") == ToolExecutionResult("c", payload=7)
    model_result = await factory.dispatch_tool("as_model", "{}")
    assert (model_result.content, model_result.payload) == ('{"x":2}', Point(x=2))
    assert (await factory.dispatch_tool("as_list", "{}")).content == "[1, 2]"


@pytest.mark.parametrize(
    ("name", "arguments", "status", "fragment"),
    [
        ("missing", "{}", "tool_not_found", "Tool 'missing' not found."),
        ("weather", "{city", "argument_decode_error", "Failed to decode JSON arguments"),
        ("weather", "[1, 2]", "argument_type_error", "must be a JSON object"),
        ("weather", '{"city": 5}', "argument_validation_error", "5 is not of type 'string'"),
        ("weather", "{}", "argument_validation_error", "'city' is a required property"),
        ("typed", '{"n": "x"}', "argument_validation_error", "n: Input should be a valid integer"),
        ("typed", '{"n": 1, "extra": 2}', "argument_validation_error", "extra: Extra inputs"),
        ("broken", "{}", "execution_error", "ValueError: bad value"),
    ],
)
async def test_every_problem_is_an_error_result(
    name: str, arguments: str, status: str, fragment: str
) -> None:
    def broken() -> str:
        raise ValueError("bad value")

    factory = ToolFactory()
    factory.register_tool(lambda city: city, name="weather", parameters=SCHEMA)
    factory.register_tool(broken)

    def typed(n: int) -> int:
        return n

    factory.register_tool(typed)
    result = await factory.dispatch_tool(name, arguments)

    assert result.error is not None and fragment in result.error
    assert json.loads(result.content) == {"error": result.error, "status": status}


async def test_sync_tools_run_in_a_worker_thread_async_ones_on_the_loop() -> None:
    loop_thread = threading.get_ident()
    factory = ToolFactory()

    def sync_tool() -> bool:
        return threading.get_ident() != loop_thread

    async def async_tool() -> bool:
        return threading.get_ident() == loop_thread

    factory.register_tool(sync_tool)
    factory.register_tool(async_tool)
    assert (await factory.dispatch_tool("sync_tool", "{}")).payload is True
    assert (await factory.dispatch_tool("async_tool", "{}")).payload is True


async def test_a_blocking_sync_tool_does_not_block_the_loop() -> None:
    """While a sync tool sleeps in its thread, the loop keeps running other work."""
    ticks = 0
    factory = ToolFactory()
    factory.register_tool(lambda: time.sleep(0.2) or "slept", name="sleepy")

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await anyio.sleep(0.01)

    async with anyio.create_task_group() as group:
        group.start_soon(tick)
        result = await factory.dispatch_tool("sleepy", "{}")
        group.cancel_scope.cancel()
    assert result.content == "slept" and ticks >= 5


async def test_context_is_injected_by_name_and_wins_over_the_model() -> None:
    """A model cannot spoof an injected value by sending an argument with its name."""
    seen: dict[str, Any] = {}
    factory = ToolFactory()

    def order(order_id: str, user_id: str, tool_call_depth: int, tool_session: Any) -> str:
        seen.update(order_id=order_id, user_id=user_id, depth=tool_call_depth, s=tool_session)
        return "ok"

    factory.register_tool(order, context_params=["user_id"])
    context = {"user_id": "u-real", "unrelated": "not passed"}
    await factory.dispatch_tool("order", '{"order_id": "o1", "user_id": "u-fake"}', context)
    assert seen == {"order_id": "o1", "user_id": "u-real", "depth": 0, "s": None}


async def test_kwargs_tools_and_base_tools_receive_the_whole_context() -> None:
    class Audit(BaseTool):
        NAME = "audit"
        DESCRIPTION = "Audit."
        PARAMETERS: ClassVar = {"type": "object", "properties": {"what": {"type": "string"}}}

        def execute(self, what: str, **kwargs: Any) -> dict[str, Any]:
            return {"what": what, "keys": sorted(kwargs)}

    factory = ToolFactory()
    factory.register_tool_class(Audit)
    result = await factory.dispatch_tool("audit", '{"what": "x"}', {"tenant": "t", "db": object()})
    assert result.payload == {
        "what": "x",
        "keys": ["db", "tenant", "tool_call_depth", "tool_runtime", "tool_session"],
    }


async def test_an_injected_value_satisfies_a_schema_that_shows_it() -> None:
    """A context parameter left in a derived schema is still filled when the model omits it."""
    factory = ToolFactory()
    factory.register_tool(
        lambda city, user_id: f"{user_id}@{city}",
        name="visit",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string"}, "user_id": {"type": "string"}},
            "required": ["city", "user_id"],
        },
    )
    result = await factory.dispatch_tool("visit", '{"city": "Rome"}', {"user_id": "u7"})
    assert result.content == "u7@Rome"


async def test_injected_values_are_redacted_from_error_messages() -> None:
    def leaky(key: str, api_key: str) -> str:
        raise PermissionError(f"key {api_key} rejected for {key}")

    factory = ToolFactory()
    factory.register_tool(leaky, context_params=["api_key"])
    result = await factory.dispatch_tool("leaky", '{"key": "k"}', {"api_key": "sk-123456"})
    assert result.error is not None and "sk-123456" not in result.content + result.error
    assert "key [redacted] rejected for k" in result.error


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_tool_past_its_timeout_becomes_a_timeout_result(kind: str) -> None:
    factory = ToolFactory()

    async def slow_async() -> str:
        await anyio.sleep(5)
        return "late"

    factory.register_tool(lambda: time.sleep(1) or "late", name="slow_sync")
    factory.register_tool(slow_async)
    started = time.perf_counter()
    call = ToolCall(id="t", name=f"slow_{kind}", arguments="", timeout=0.1)
    result = await factory.run_detached(call)
    assert json.loads(result.content)["status"] == "timeout"
    assert time.perf_counter() - started < 0.8


async def test_mock_mode_outside_a_generation() -> None:
    ran: list[str] = []
    factory = ToolFactory()

    def send(to: str) -> str:
        ran.append(to)
        return "sent"

    def fake_send(to: str, tool_call_depth: int) -> ToolExecutionResult:
        return ToolExecutionResult(f"fake to {to} at {tool_call_depth}")

    factory.register_tool(send)
    factory.register_tool(send, name="send_custom", mock_function=fake_send)
    stub = await factory.dispatch_tool("send", '{"to": "a"}', use_mock=True)
    custom = await factory.dispatch_tool("send_custom", '{"to": "b"}', use_mock=True)
    invalid = await factory.dispatch_tool("send", '{"too": "a"}', use_mock=True)

    assert ran == []
    assert (stub.content, stub.metadata) == (
        "Mocked execution for tool 'send'.",
        {"mock": True, "tool_name": "send"},
    )
    assert (custom.content, custom.metadata) == ("fake to b at 0", {"mock": True})
    assert invalid.error is not None and "to" in invalid.error


async def test_nested_calls_outside_a_generation_share_the_direct_path() -> None:
    factory = ToolFactory()

    async def outer(tool_runtime: ToolRuntime, secret: str) -> str:
        inner = await tool_runtime.call_tool("inner", arguments={"x": 1})
        return f"{tool_runtime.depth}/{inner.content}"

    def inner(x: int, secret: str, tool_call_depth: int) -> str:
        return f"{x}:{secret}:{tool_call_depth}"

    factory.register_tool(outer, context_params=["secret"])
    factory.register_tool(inner, context_params=["secret"])
    result = await factory.dispatch_tool("outer", "{}", {"secret": "s3"})
    mocked = await factory.dispatch_tool("outer", "{}", {"secret": "s3"}, use_mock=True)
    assert result.content == "0/1:s3:1"
    assert mocked.content == "Mocked execution for tool 'outer'."
    assert factory.get_tool_usage_counts() == {"outer": 1, "inner": 1}
