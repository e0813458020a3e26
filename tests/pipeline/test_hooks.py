"""Hooks: defined order, veto by exception, replacement of results."""

from __future__ import annotations

import json

import pytest

from llm_factory_toolkit import (
    LLMClient,
    ModelCall,
    ModelResponse,
    SkipToolCall,
    ToolCall,
    ToolCallDenied,
    ToolExecutionResult,
    ToolFactory,
)
from llm_factory_toolkit.events import ToolCallFinished, ToolCallRejected
from llm_factory_toolkit.testing import (
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)

pytestmark = pytest.mark.anyio


def make_client(*turns: object) -> tuple[LLMClient, ScriptedTransport, list[str]]:
    ran: list[str] = []

    def delete_file(path: str) -> str:
        ran.append(path)
        return f"deleted {path}"

    factory = ToolFactory()
    factory.register_tool(
        delete_file,
        parameters={"type": "object", "properties": {"path": {"type": "string"}}},
    )
    transport = ScriptedTransport(*turns)  # type: ignore[arg-type]
    return LLMClient(model="scripted/m", tool_factory=factory, transport=transport), transport, ran


def delete_call(path: str) -> ToolCalls:
    return ToolCalls([ToolCallSpec("delete_file", {"path": path})])


async def test_before_tool_hook_denies_the_call() -> None:
    """A denial stops the tool, tells the model why, and emits a ToolCallRejected event."""
    client, transport, ran = make_client(delete_call("/etc/passwd"), Text("I cannot."))

    @client.hooks.before_tool_call
    def forbid_system_paths(call: ToolCall) -> None:
        if json.loads(call.arguments)["path"].startswith("/etc"):
            raise ToolCallDenied("system files are off limits")

    with capture_events(client.events) as events:
        result = await client.generate(input="delete it")
    assert ran == []
    tool_message = result.tool_messages[-1]
    assert "system files are off limits" in tool_message["content"]
    assert json.loads(tool_message["content"])["status"] == "denied"
    assert transport.calls[1].messages[-1] == tool_message
    denied = events.of(ToolCallRejected)
    assert [(e.tool_name, e.reason) for e in denied] == [
        ("delete_file", "system files are off limits")
    ]
    assert events.of(ToolCallFinished) == []


async def test_hooks_run_first_ones_first_then_in_registration_order() -> None:
    """first=True hooks run before the others; the rest keep registration order."""
    client, _, _ = make_client(delete_call("/tmp/a"), Text("done"))
    order: list[str] = []
    client.hooks.before_tool_call(lambda call: order.append("audit"))
    client.hooks.before_tool_call(lambda call: order.append("authorize"), first=True)
    client.hooks.before_tool_call(lambda call: order.append("rate-limit"))
    await client.generate(input="go")
    assert order == ["authorize", "audit", "rate-limit"]


async def test_after_tool_hook_replaces_the_result() -> None:
    """An after hook that returns a result replaces what the tool produced."""
    client, transport, ran = make_client(delete_call("/tmp/a"), Text("done"))

    @client.hooks.after_tool_call
    async def redact(call: ToolCall, result: ToolExecutionResult) -> ToolExecutionResult:
        return ToolExecutionResult(content="[redacted]", payload=result.payload)

    result = await client.generate(input="go")
    assert ran == ["/tmp/a"]
    assert result.tool_messages[-1]["content"] == "[redacted]"
    assert transport.calls[1].messages[-1]["content"] == "[redacted]"


async def test_skip_tool_call_substitutes_a_result() -> None:
    """SkipToolCall answers the call without running the tool (how caching or mocks work)."""
    client, _, ran = make_client(delete_call("/tmp/a"), Text("done"))

    @client.hooks.before_tool_call
    def cached(call: ToolCall) -> None:
        raise SkipToolCall(ToolExecutionResult(content="from cache"))

    result = await client.generate(input="go")
    assert ran == []
    assert result.tool_messages[-1]["content"] == "from cache"


async def test_model_call_hooks_can_edit_the_call_and_replace_the_response() -> None:
    """before_model_call edits the outgoing call; after_model_call may swap the answer."""
    client, transport, _ = make_client(Text("raw"))

    @client.hooks.before_model_call
    def lower_temperature(call: ModelCall) -> None:
        call.temperature = 0.0

    @client.hooks.after_model_call
    def censor(call: ModelCall, response: ModelResponse) -> ModelResponse:
        return ModelResponse(message={"role": "assistant", "content": "censored"})

    result = await client.generate(input="hi", temperature=0.9)
    assert transport.calls[0].call.temperature == 0.0
    assert result.content == "censored"
