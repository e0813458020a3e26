"""``GenerationResult[Ticket]`` holds a ``Ticket`` or the call raises, whatever the stack."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from llm_factory_toolkit import LLMClient, StructuredOutputError
from llm_factory_toolkit.middleware import ProviderRoutingMiddleware
from llm_factory_toolkit.testing import ScriptedTransport, Text

pytestmark = pytest.mark.anyio


class Ticket(BaseModel):
    title: str


async def test_a_stack_that_validates_nothing_cannot_return_text_as_a_ticket() -> None:
    transport = ScriptedTransport(Text('{"title": "Broken printer"}'))
    client = LLMClient(stack=[ProviderRoutingMiddleware((), transport)])
    with pytest.raises(StructuredOutputError, match="not a Ticket") as caught:
        await client.generate("File it", response_format=Ticket)
    assert caught.value.raw_text == '{"title": "Broken printer"}'


async def test_the_same_holds_for_the_last_chunk_of_a_stream() -> None:
    transport = ScriptedTransport(Text('{"title": "Broken printer"}'))
    client = LLMClient(stack=[ProviderRoutingMiddleware((), transport)])
    stream = await client.generate("File it", response_format=Ticket, stream=True)
    with pytest.raises(StructuredOutputError, match="not a Ticket"):
        async for _chunk in stream:
            pass


async def test_the_same_holds_in_a_stream_block() -> None:
    transport = ScriptedTransport(Text('{"title": "Broken printer"}'))
    client = LLMClient(stack=[ProviderRoutingMiddleware((), transport)])
    with pytest.raises(StructuredOutputError, match="not a Ticket"):
        async with client.stream("File it", response_format=Ticket) as chunks:
            async for _chunk in chunks:
                pass


async def test_a_stream_block_ends_with_a_validated_instance() -> None:
    client = LLMClient(transport=ScriptedTransport(Text('{"title": "Broken printer"}')))
    async with client.stream("File it", response_format=Ticket) as chunks:
        last = [chunk async for chunk in chunks][-1]
    assert last.done and last.result is not None
    assert last.result.content == Ticket(title="Broken printer")


async def test_the_default_stack_returns_a_validated_instance() -> None:
    client = LLMClient(transport=ScriptedTransport(Text('{"title": "Broken printer"}')))
    result = await client.generate("File it", response_format=Ticket)
    assert result.content == Ticket(title="Broken printer")
    assert result[0] is result.content
