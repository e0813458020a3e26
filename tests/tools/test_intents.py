"""Tool intent planning: plan through the real provider boundary, review, then execute.

Written with the package's pytest fixtures (``llm_server``, ``scripted_client``,
``captured_events``), as a user of the toolkit would test their own agent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import (
    ConfigurationError,
    LLMClient,
    ParsedToolCall,
    ToolCall,
    ToolCallDenied,
    ToolFactory,
    ToolIntentOutput,
)
from llm_factory_toolkit.core import events as ev
from llm_factory_toolkit.testing import (
    EventLog,
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from tests.support import loopback_client, offered_tools

from .helpers import MODELS

pytestmark = pytest.mark.anyio


def crm(sent: list[dict[str, Any]]) -> ToolFactory:
    factory = ToolFactory()

    def send_email(to: str, subject: str, sender: str) -> str:
        sent.append({"to": to, "subject": subject, "sender": sender})
        return f"sent to {to}"

    def update_crm(contact: str) -> dict[str, str]:
        return {"updated": contact}

    factory.register_tool(send_email, context_params=["sender"])
    factory.register_tool(update_crm)
    factory.register_tool(lambda: "x", name="unused")
    return factory


@pytest.mark.parametrize("model", MODELS)
async def test_plan_without_running_then_execute_after_approval(
    llm_server: LoopbackLLMServer, model: str
) -> None:
    sent: list[dict[str, Any]] = []
    server = llm_server
    server.script(
        ToolCalls(
            [
                ToolCallSpec("send_email", {"to": "ann", "subject": "Hi"}, id="call_e"),
                ToolCallSpec("update_crm", {"contact": "ann"}, id="call_u"),
            ],
            content="I will email and update.",
        )
    )
    client = loopback_client(server, model, tool_factory=crm(sent))
    intent = await client.generate_tool_intent(
        input="Email Ann.", use_tools=["send_email", "update_crm"], tool_choice="required"
    )

    assert sent == [] and len(server.requests) == 1
    body = server.requests[0].body or {}
    assert list(offered_tools(server.requests[0])) == ["send_email", "update_crm"]
    # tool_choice="required" reaches the provider in its own dialect.
    assert body.get("tool_choice") in ("required", {"type": "any"})
    assert intent.content == "I will email and update."
    assert intent.tool_calls == [
        ParsedToolCall("call_e", "send_email", {"to": "ann", "subject": "Hi"}),
        ParsedToolCall("call_u", "update_crm", {"contact": "ann"}),
    ]
    (raw,) = intent.raw_assistant_message
    assert raw["role"] == "assistant" and len(raw["tool_calls"]) == 2

    messages = await client.execute_tool_intents(intent, tool_execution_context={"sender": "me"})
    assert sent == [{"to": "ann", "subject": "Hi", "sender": "me"}]
    assert messages == [
        {"role": "tool", "tool_call_id": "call_e", "name": "send_email", "content": "sent to ann"},
        {
            "role": "tool",
            "tool_call_id": "call_u",
            "name": "update_crm",
            "content": '{"updated": "ann"}',
        },
    ]


async def test_a_plain_answer_plans_no_calls(
    llm_server: LoopbackLLMServer, scripted_client: LLMClient, captured_events: EventLog
) -> None:
    llm_server.script(Text("No tool needed."))
    scripted_client.tool_factory = crm([])
    intent = await scripted_client.generate_tool_intent(input="Hello")
    assert (intent.content, intent.tool_calls) == ("No tool needed.", None)
    assert len(llm_server.requests) == 1
    assert captured_events.kinds[0] == "generation.started"
    assert "tool_call.started" not in captured_events.kinds


async def test_a_call_with_unparseable_arguments_is_skipped(
    llm_server: LoopbackLLMServer, scripted_client: LLMClient, captured_events: EventLog
) -> None:
    sent: list[dict[str, Any]] = []
    llm_server.script(
        ToolCalls(
            [
                ToolCallSpec("send_email", '{"to": "ann", ', id="call_bad"),
                ToolCallSpec("update_crm", {"contact": "bo"}, id="call_ok"),
            ]
        )
    )
    scripted_client.tool_factory = crm(sent)
    intent = await scripted_client.generate_tool_intent(input="Go.")
    assert intent.tool_calls is not None
    bad = intent.tool_calls[0]
    assert bad.arguments == '{"to": "ann", ' and "JSONDecodeError" in str(
        bad.arguments_parsing_error
    )

    messages = await scripted_client.execute_tool_intents(intent)
    assert "skipped due to argument parsing error" in messages[0]["content"]
    assert messages[1]["content"] == '{"updated": "bo"}' and sent == []
    finished = captured_events.of(ev.ToolCallFinished)
    assert [e.tool_call_id for e in finished] == ["call_ok"]


async def test_executed_intents_meet_the_hooks_and_mock_mode() -> None:
    sent: list[dict[str, Any]] = []
    client = LLMClient(model="openai/x", tool_factory=crm(sent))

    @client.hooks.before_tool_call
    def no_email(call: ToolCall) -> None:
        if call.name == "send_email":
            raise ToolCallDenied("email is off")

    intent = ToolIntentOutput(
        tool_calls=[
            ParsedToolCall("c1", "send_email", {"to": "a", "subject": "s"}),
            ParsedToolCall("c2", "update_crm", {"contact": "a"}),
            ParsedToolCall("c3", "update_crm", {"contact": object()}),
        ]
    )
    with capture_events(client.events) as log:
        messages = await client.execute_tool_intents(intent, mock_tools=True)

    assert sent == []
    assert json.loads(messages[0]["content"])["status"] == "denied"
    assert messages[1]["content"] == "Mocked execution for tool 'update_crm'."
    assert "Failed to serialise arguments" in messages[2]["content"]
    assert [e.tool_call_id for e in log.of(ev.ToolCallRejected)] == ["c1"]


async def test_executing_intents_needs_a_tool_factory() -> None:
    intent = ToolIntentOutput(tool_calls=[])
    with pytest.raises(ConfigurationError, match="cannot execute tool intents"):
        await LLMClient(model="openai/x").execute_tool_intents(intent)
