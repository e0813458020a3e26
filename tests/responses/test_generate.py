"""The Responses route end to end: the real openai SDK sends HTTP to the loopback server.

Plain and streamed text, the tool loop (several iterations, parallel calls, streamed
arguments), sampling parameters and provider options, on asyncio and trio.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.testing import (
    JSONReply,
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    Usage,
)

from .conftest import ClientFor

pytestmark = pytest.mark.anyio

PARALLEL = ToolCalls(
    [
        ToolCallSpec("get_weather", {"city": "Paris, the capital of France"}, id="call_w1"),
        ToolCallSpec("get_time", {"tz": "Europe/Paris"}, id="call_t1"),
    ],
    chunk_size=3,
)
SECOND = ToolCalls([ToolCallSpec("get_weather", {"city": "Rome"}, id="call_w2")], chunk_size=3)


async def test_text_reply(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    """One turn: the answer in the Chat Completions shape, usage, and the request sent."""
    server.script(Text("Bonjour!", usage=Usage(input_tokens=12, output_tokens=3)))
    result = await client_for().generate(
        input=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    )
    assert result.content == "Bonjour!"
    assert result.finish_reason == "stop"
    assert (result.usage.input_tokens, result.usage.output_tokens, result.usage.calls) == (12, 3, 1)
    assert result.usage.cost_usd is not None and result.usage.cost_usd > 0  # priced offline
    assert result.messages[-1] == {"role": "assistant", "content": "Bonjour!"}
    (request,) = server.requests
    assert request.api == "responses" and request.path == "/v1/responses"
    assert request.body == {
        "model": "gpt-4o-mini",
        "input": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    }


async def test_tool_loop_with_parallel_calls(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    """Three iterations: two parallel calls, one more call, then the answer."""
    server.script(PARALLEL, SECOND, Text("Sunny in both."))
    result = await client_for(tool_factory=tools).generate(input="Weather?")

    assert result.content == "Sunny in both." and result.iterations == 3
    assert [m["role"] for m in result.tool_messages] == [
        "assistant",
        "tool",
        "tool",
        "assistant",
        "tool",
    ]
    first_calls = result.tool_messages[0]["tool_calls"]
    assert [c["id"] for c in first_calls] == ["call_w1", "call_t1"]
    assert json.loads(first_calls[0]["function"]["arguments"]) == {
        "city": "Paris, the capital of France"
    }
    assert result.tool_messages[2] == {
        "role": "tool",
        "tool_call_id": "call_t1",
        "name": "get_time",
        "content": "12:00 Europe/Paris",
    }
    assert [p["tool_call_id"] for p in result.payloads] == ["call_w1", "call_t1", "call_w2"]
    assert result.usage.calls == 3

    sent = server.requests[1].body
    assert sent is not None
    assert sent["input"][1:] == [
        {
            "type": "function_call",
            "call_id": "call_w1",
            "name": "get_weather",
            "arguments": '{"city": "Paris, the capital of France"}',
        },
        {
            "type": "function_call",
            "call_id": "call_t1",
            "name": "get_time",
            "arguments": '{"tz": "Europe/Paris"}',
        },
        {
            "type": "function_call_output",
            "call_id": "call_w1",
            "output": '{"city": "Paris, the capital of France", "celsius": 21}',
        },
        {"type": "function_call_output", "call_id": "call_t1", "output": "12:00 Europe/Paris"},
    ]
    third = server.requests[2].body
    assert third is not None
    assert [item.get("type", item.get("role")) for item in third["input"]] == [
        "user",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
        "function_call",
        "function_call_output",
    ]


async def test_tool_definitions_are_strict_where_valid(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    """Function tools are flat, and ``strict`` only where the schema already qualifies."""
    server.script(Text("ok"))
    await client_for(tool_factory=tools).generate(input="hi")
    sent = server.requests[0].body
    assert sent is not None
    weather, clock = sent["tools"]
    assert weather == {
        "type": "function",
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
        "strict": True,
    }
    assert clock["name"] == "get_time" and clock["strict"] is False


async def test_streaming_text(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    """Text deltas arrive as several chunks; the last chunk has the usage and the result."""
    server.script(Text("A streamed answer.", chunk_size=3))
    stream = await client_for().generate(input="Hi", stream=True)
    chunks = [chunk async for chunk in stream]
    texts = [c.content for c in chunks if c.content]
    assert len(texts) == 6 and "".join(texts) == "A streamed answer."
    final = chunks[-1]
    assert final.done and final.usage is not None and final.usage.output_tokens == 5
    assert final.result is not None and final.result.content == "A streamed answer."
    assert server.requests[0].body["stream"] is True  # type: ignore[index]


async def test_streaming_with_tools(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    """Argument fragments of parallel calls are reassembled; the loop goes on streaming."""
    with_preamble = ToolCalls(PARALLEL.calls, content="Checking. ", chunk_size=2)
    server.script(with_preamble, SECOND, Text("Both sunny."))
    stream = await client_for(tool_factory=tools).generate(input="Weather?", stream=True)
    chunks = [chunk async for chunk in stream]
    assert "".join(c.content for c in chunks) == "Checking. Both sunny."
    result = chunks[-1].result
    assert result is not None and result.iterations == 3
    assert result.tool_messages[0]["content"] == "Checking. "
    payloads = [p["payload"] for p in result.payloads]
    assert payloads == [
        {"city": "Paris, the capital of France", "celsius": 21},
        "12:00 Europe/Paris",
        {"city": "Rome", "celsius": 21},
    ]
    assert all(request.stream for request in server.requests)


async def test_sampling_parameters(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    """temperature and max_output_tokens reach the request under their Responses names."""
    server.script(Text("ok"))
    await client_for().generate(input="Hi", temperature=0.2, max_output_tokens=50)
    sent = server.requests[0].body
    assert sent is not None
    assert (sent["temperature"], sent["max_output_tokens"]) == (0.2, 50)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("openai/o3-mini", {"reasoning": {"effort": "low", "summary": "auto"}}),
        ("gpt-5", {"reasoning": {"effort": "low", "summary": "auto"}}),
        ("gpt-4o", {"temperature": 0.3}),
    ],
)
async def test_reasoning_model_rules(
    server: LoopbackLLMServer, client_for: ClientFor, model: str, expected: dict[str, object]
) -> None:
    """Reasoning models get ``reasoning`` and no temperature; other GPTs the reverse."""
    server.script(Text("ok"))
    client = client_for(model, reasoning={"summary": "auto"})
    await client.generate(input="Hi", temperature=0.3, reasoning_effort="low")
    sent = server.requests[0].body
    assert sent is not None
    picked = {key: sent[key] for key in ("temperature", "reasoning") if key in sent}
    if "temperature" in expected:
        picked.pop("reasoning")  # the caller's own option still passes through
    assert picked == expected


class Person(BaseModel):
    name: str
    age: int | None = None


@pytest.mark.parametrize("stream", [False, True])
async def test_structured_output(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory, stream: bool
) -> None:
    """A Pydantic model becomes the Responses ``text.format``; the answer is validated."""
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Oslo"})]),
        JSONReply({"name": "Bob", "age": 30}),
    )
    client = client_for(tool_factory=tools)
    if stream:
        chunks = [
            c async for c in await client.generate("Bob?", stream=True, response_format=Person)
        ]
        result = chunks[-1].result
    else:
        result = await client.generate(input="Bob?", response_format=Person)
    assert result is not None and result.content == Person(name="Bob", age=30)
    for request in server.requests:
        fmt = request.body["text"]["format"]  # type: ignore[index]
        assert fmt["type"] == "json_schema" and fmt["strict"] is True
        assert fmt["schema"]["required"] == ["name", "age"]
        assert fmt["schema"]["additionalProperties"] is False


async def test_json_object_mode(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    server.script(JSONReply({"city": "Paris"}))
    result = await client_for().generate(input="JSON", response_format={"type": "json_object"})
    assert json.loads(result.content) == {"city": "Paris"}
    assert server.requests[0].body["text"] == {"format": {"type": "json_object"}}  # type: ignore[index]


async def test_provider_options(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    """Responses options pass through, Chat names are translated, litellm-only ones dropped."""
    server.script(Text("ok"))
    client = client_for(
        top_p=0.5, max_tokens=64, extra_headers={"x-trace": "t1"}, organization="org_7"
    )
    with pytest.warns(UserWarning, match="drop_params"):
        await client.generate(input="Hi", drop_params=True, store=False)
    (request,) = server.requests
    assert request.body is not None
    assert request.body["top_p"] == 0.5 and request.body["max_output_tokens"] == 64
    assert request.body["store"] is False and "drop_params" not in request.body
    assert request.headers["x-trace"] == "t1" and request.headers["openai-organization"] == "org_7"


async def test_num_retries_sets_the_retry_policy(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    """litellm's ``num_retries`` name means one retry here too: one 500, then the answer."""
    from llm_factory_toolkit.testing import Fail

    server.script(Fail(500, retry_after=0.01), Text("recovered"))
    client = client_for(num_retries=1, max_retries=None)
    assert "num_retries" not in client.provider_options  # never handed to the SDK
    result = await client.generate(input="Hi")
    assert result.content == "recovered" and len(server.requests) == 2
