"""A transcript made on one route, continued on the other, through the real SDKs.

Both routes keep history in the Chat Completions shape, so ``result.messages`` from an
Anthropic model (litellm) can be sent to an OpenAI model (Responses API) and back.
"""

from __future__ import annotations

from typing import Any

import pytest

from llm_factory_toolkit import GenerationResult, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

from .conftest import ClientFor

pytestmark = pytest.mark.anyio

ANTHROPIC = "anthropic/claude-test"


async def _first_turn(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory, model: str, call_id: str
) -> list[dict[str, Any]]:
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"}, id=call_id)]),
        Text("Oslo: 21 degrees."),
    )
    client = client_for(model, tool_factory=tools, max_tokens=256)
    result = await client.generate(input="Weather in Oslo?")
    assert result.content == "Oslo: 21 degrees."
    return [*result.messages, {"role": "user", "content": "And tomorrow?"}]


async def test_anthropic_history_continued_on_responses(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    history = await _first_turn(server, client_for, tools, ANTHROPIC, "toolu_01")
    server.script(Text("Same again."))
    result = await client_for(tool_factory=tools).generate(input=history)
    assert result.content == "Same again."
    request = server.requests[-1]
    assert request.api == "responses" and request.body is not None
    assert request.body["input"] == [
        {"role": "user", "content": "Weather in Oslo?"},
        {
            "type": "function_call",
            "call_id": "toolu_01",
            "name": "get_weather",
            "arguments": '{"city": "Oslo"}',
        },
        {
            "type": "function_call_output",
            "call_id": "toolu_01",
            "output": '{"city": "Oslo", "celsius": 21}',
        },
        {"role": "assistant", "content": "Oslo: 21 degrees."},
        {"role": "user", "content": "And tomorrow?"},
    ]


async def test_responses_history_continued_on_anthropic(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    history = await _first_turn(server, client_for, tools, "openai/gpt-4o-mini", "call_abc")
    assert server.requests[0].api == "responses"
    server.script(Text("Same again."))
    result = await client_for(ANTHROPIC, tool_factory=tools, max_tokens=256).generate(input=history)
    assert result.content == "Same again."
    request = server.requests[-1]
    assert request.api == "messages" and request.body is not None
    assistant, tool_result = request.body["messages"][1:3]
    assert assistant["role"] == "assistant"
    (tool_use,) = [part for part in assistant["content"] if part["type"] == "tool_use"]
    assert tool_use["id"] == "call_abc" and tool_use["input"] == {"city": "Oslo"}
    (result_part,) = tool_result["content"]
    assert result_part["type"] == "tool_result" and result_part["tool_use_id"] == "call_abc"
    assert "21" in str(result_part["content"])
    assert request.body["messages"][-1]["content"][0]["text"] == "And tomorrow?"


@pytest.mark.parametrize("stream", [False, True])
async def test_both_routes_return_the_same_shapes(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory, stream: bool
) -> None:
    """One script played on litellm's Chat API and on the Responses API: identical results."""
    results: list[tuple[GenerationResult | None, str | None]] = []
    for model in ("openai/local-model", "openai/gpt-4o-mini"):
        server.script(
            ToolCalls(
                [
                    ToolCallSpec("get_weather", {"city": "Oslo"}, id="call_1"),
                    ToolCallSpec("get_time", {"tz": "CET"}, id="call_2"),
                ],
                content="Checking.",
            ),
            Text("Oslo: 21 degrees at noon."),
        )
        client = client_for(model, tool_factory=tools)
        if stream:
            chunks = [c async for c in await client.generate("Oslo?", stream=True)]
            results.append((chunks[-1].result, "".join(c.content for c in chunks)))
        else:
            results.append((await client.generate(input="Oslo?"), None))
    (chat, chat_text), (responses, responses_text) = results
    assert chat is not None and responses is not None
    assert responses.messages == chat.messages
    assert responses.tool_messages == chat.tool_messages
    assert responses.payloads == chat.payloads
    assert (responses.content, responses.finish_reason) == (chat.content, chat.finish_reason)
    assert responses_text == chat_text
    assert [r.api for r in server.requests] == ["chat", "chat", "responses", "responses"]
