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


async def stream_blocks(client: LLMClient) -> None:
    async with client.stream("Hello", temperature=0.2) as chunks:
        async for chunk in chunks:
            assert_type(chunk, StreamChunk[str | None])
    async with client.stream("Ticket", response_format=Ticket) as typed_chunks:
        async for typed in typed_chunks:
            assert_type(typed, StreamChunk[Ticket])
            if typed.result is not None:
                assert_type(typed.result.content, Ticket)
    async with client.stream("JSON", response_format={"type": "json_object"}) as json_chunks:
        async for as_json in json_chunks:
            assert_type(as_json, StreamChunk[str])


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
