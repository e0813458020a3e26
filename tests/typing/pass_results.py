"""Every public result type, as mypy --strict sees it in user code."""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

from llm_factory_toolkit import (
    GenerationResult,
    LLMClient,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
    Usage,
)


class Ticket(BaseModel):
    title: str
    priority: int


async def results(client: LLMClient) -> None:
    structured = await client.generate("File a ticket", response_format=Ticket)
    assert_type(structured, GenerationResult[Ticket])
    assert_type(structured.content, Ticket)
    assert_type(structured[0], Ticket)
    assert_type(structured[1], list[Any])
    assert_type(structured.content.priority, int)

    text = await client.generate("Hello")
    assert_type(text, GenerationResult[str | None])
    assert_type(text.content, str | None)

    schema = {"type": "json_object"}
    as_json = await client.generate("JSON please", response_format=schema)
    assert_type(as_json.content, str)

    assert_type(text.usage, Usage)
    assert_type(text.usage.cost_usd, float | None)
    assert_type(text.payloads, list[Any])
    assert_type(text.messages, list[dict[str, Any]])
    assert_type(text.finish_reason, str)


async def streams(client: LLMClient) -> None:
    async for chunk in await client.generate("Hello", stream=True):
        assert_type(chunk, StreamChunk[str | None])
        assert_type(chunk.content, str)
        if chunk.result is not None:
            assert_type(chunk.result.content, str | None)
    async for typed in await client.generate("Ticket", response_format=Ticket, stream=True):
        if typed.done and typed.result is not None:
            assert_type(typed.result.content, Ticket)


async def intents(client: LLMClient) -> None:
    plan = await client.generate_tool_intent("Plan it")
    assert_type(plan, ToolIntentOutput)
    assert_type(plan.tool_calls, list[ParsedToolCall] | None)
    messages = await client.execute_tool_intents(plan)
    assert_type(messages, list[dict[str, Any]])


def tool_results(result: ToolExecutionResult, bare: GenerationResult) -> None:
    assert_type(result.content, str)
    assert_type(result.payload, Any)
    assert_type(bare.content, Any)
