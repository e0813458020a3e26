"""The loopback server against the real openai and litellm SDKs, plus raw HTTP edge cases."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import openai
import pytest
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.responses import Response, ResponseFunctionToolCall, ResponseOutputMessage
from pydantic import BaseModel

from llm_factory_toolkit.testing.script import (
    Fail,
    JSONReply,
    Malformed,
    Reset,
    Stall,
    Text,
    ToolCalls,
    ToolCallSpec,
    Truncated,
    Usage,
)
from llm_factory_toolkit.testing.server import LoopbackLLMServer, RecordedRequest
from llm_factory_toolkit.transports.litellm_bridge import shared_loop_thread
from llm_factory_toolkit.transports.litellm_loader import load_litellm
from tests.support import eventually

MESSAGES: list[Any] = [{"role": "user", "content": "hi"}]
TOOLS: list[Any] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
STRICT_TOOLS: list[Any] = [{**TOOLS[0], "function": {**TOOLS[0]["function"], "strict": True}}]
CITATION = {
    "type": "url_citation",
    "url": "https://example.com/a",
    "title": "Example",
    "start_index": 0,
    "end_index": 5,
}
CALLS = [
    ToolCallSpec("get_weather", {"city": "Paris, the capital of France"}),
    ToolCallSpec("get_time", '{"tz": "Europe/Paris"}', id="call_explicit"),
]


@pytest.fixture
async def client(server: LoopbackLLMServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
def litellm() -> Any:
    """litellm, imported the toolkit's way: offline, quiet, run on its one asyncio loop thread."""
    return load_litellm()


def only(server: LoopbackLLMServer) -> RecordedRequest:
    """The single request the server received."""
    (request,) = server.requests
    return request


def wait_for(predicate: Any, timeout: float = 3.0) -> None:
    """Poll server-side state that changes on a handler thread."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.005)


# -- lifecycle and routing ----------------------------------------------------------------


def test_lifecycle_urls_and_restart() -> None:
    srv = LoopbackLLMServer()
    with pytest.raises(RuntimeError):
        _ = srv.url
    srv.start()
    assert srv.url.startswith("http://127.0.0.1:")
    assert srv.openai_base_url == srv.url + "/v1"
    assert srv.anthropic_base_url == srv.url
    assert httpx.post(srv.openai_base_url + "/chat/completions", json={}).status_code == 200
    srv.stop()
    srv.stop()  # idempotent
    with srv:
        assert httpx.post(srv.url + "/messages", json={}).json()["content"][0]["text"] == "ok"
    assert len(srv.requests) == 2


def test_unknown_path_is_openai_style_404(server: LoopbackLLMServer) -> None:
    response = httpx.post(server.url + "/v1/embeddings", json={"input": "x"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert httpx.get(server.url + "/v1/models").status_code == 404
    assert server.requests == []


def test_routes_recording_default_responder_and_reset(server: LoopbackLLMServer) -> None:
    for path, api in [("/chat/completions", "chat"), ("/v1/responses", "responses")]:
        httpx.post(server.url + path, json={"model": "m"}, headers={"X-Trace": "1"})
        assert server.requests[-1].api == api
    assert server.requests[-1].headers["x-trace"] == "1"
    assert server.requests[-1].body == {"model": "m"}
    server.responder = lambda req: Text(f"echo {req.api} {req.body}")
    reply = httpx.post(server.url + "/v1/messages", content=b"not json")
    assert reply.json()["content"][0]["text"] == "echo messages None"
    assert server.requests[-1].raw_body == b"not json"
    server.responder = lambda req: Text(str(1 / 0))
    assert httpx.post(server.url + "/v1/messages", json={}).status_code == 500
    server.script(ToolCalls([CALLS[0]]), Text("queued"))
    assert httpx.post(server.url + "/v1/messages", json={}).json()["content"][0]["id"] == "toolu_1"
    assert server.pending == 1
    server.reset()
    assert server.requests == [] and server.disconnects == 0 and server.responder is None
    assert server.pending == 0
    server.script(ToolCalls([CALLS[0]]))
    reply = httpx.post(server.url + "/v1/chat/completions", json={}).json()
    assert reply["choices"][0]["message"]["tool_calls"][0]["id"] == "call_1", "ids restart"
    assert reply["id"] == "chatcmpl-loopback1"
    assert httpx.post(server.url + "/v1/responses", json={}).json()["output"][0]["content"][0][
        "text"
    ] == ("ok")


def test_chunked_request_body_and_keep_alive(server: LoopbackLLMServer) -> None:
    body = json.dumps({"model": "m", "stream": True}).encode()
    with httpx.Client(base_url=server.url) as http:
        ports = set()
        for content in (body, iter([body[:5], body[5:]])):
            with http.stream("POST", "/v1/chat/completions", content=content) as response:
                assert response.headers["transfer-encoding"] == "chunked"
                assert response.read().endswith(b"data: [DONE]\n\n")
                ports.add(response.extensions["network_stream"].get_extra_info("client_addr"))
        reply = http.post("/v1/chat/completions", json={})
        ports.add(reply.extensions["network_stream"].get_extra_info("client_addr"))
    assert len(ports) == 1, "SSE and JSON responses keep the connection alive"
    assert all(r.stream for r in server.requests[:2])


def test_script_validation() -> None:
    with pytest.raises(TypeError):
        Truncated(Fail(500))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Text("x", chunk_size=0)
    with pytest.raises(ValueError):
        ToolCalls([])


# -- OpenAI Chat Completions --------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_chat_text(server: LoopbackLLMServer, client: AsyncOpenAI, stream: bool) -> None:
    usage = Usage(input_tokens=12, output_tokens=7, cached_input_tokens=3, reasoning_tokens=2)
    server.script(Text("Hello, loopback!", usage=usage))
    if stream:
        chunks = [
            chunk
            async for chunk in await client.chat.completions.create(
                model="gpt-x",
                messages=MESSAGES,
                stream=True,
                stream_options={"include_usage": True},
            )
        ]
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert [c.choices[0].delta.content for c in chunks[1:3]] == ["Hell", "o, l"]
        assert chunks[-2].choices[0].finish_reason == "stop"
        assert chunks[-1].choices == []
        got = chunks[-1].usage
    else:
        completion = await client.chat.completions.create(model="gpt-x", messages=MESSAGES)
        assert completion.id.startswith("chatcmpl-")
        assert completion.choices[0].finish_reason == "stop"
        text, got = completion.choices[0].message.content or "", completion.usage
        assert completion.model == "gpt-x"
    assert text == "Hello, loopback!"
    assert got is not None and (got.prompt_tokens, got.completion_tokens) == (12, 7)
    assert got.total_tokens == 19
    assert got.prompt_tokens_details and got.prompt_tokens_details.cached_tokens == 3
    assert got.completion_tokens_details and got.completion_tokens_details.reasoning_tokens == 2
    request = only(server)
    assert (request.api, request.stream, request.path) == ("chat", stream, "/v1/chat/completions")
    assert request.body is not None and request.body["messages"] == MESSAGES


@pytest.mark.anyio
async def test_chat_stream_without_include_usage_has_no_usage_chunk(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(Text("abc", model="override"))
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    chunks = [chunk async for chunk in stream]
    assert all(c.choices and c.usage is None for c in chunks)
    assert {c.model for c in chunks} == {"override"}


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_chat_parallel_tool_calls(
    server: LoopbackLLMServer, client: AsyncOpenAI, stream: bool
) -> None:
    server.script(ToolCalls(CALLS, content="Let me check."))
    completion: ChatCompletion
    if stream:
        async with client.chat.completions.stream(
            model="m", messages=MESSAGES, tools=STRICT_TOOLS
        ) as events:
            completion = await events.get_final_completion()
    else:
        completion = await client.chat.completions.create(model="m", messages=MESSAGES, tools=TOOLS)
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    calls = [c for c in choice.message.tool_calls or [] if c.type == "function"]
    assert [(c.id, c.function.name) for c in calls] == [
        ("call_1", "get_weather"),
        ("call_explicit", "get_time"),
    ]
    args = [json.loads(c.function.arguments) for c in calls]
    assert args == [{"city": "Paris, the capital of France"}, {"tz": "Europe/Paris"}]


@pytest.mark.anyio
async def test_chat_tool_call_ids_repeat_when_asked(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(ToolCalls([CALLS[0]], omit_ids_after_first_delta=False, chunk_size=3))
    stream = await client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    deltas = [c.choices[0].delta for c in [chunk async for chunk in stream]]
    first, *rest = [d.tool_calls[0] for d in deltas if d.tool_calls]
    assert first.id == "call_1" and first.function and first.function.arguments == ""
    assert len(rest) > 5 and all(d.id == "call_1" for d in rest)
    assert deltas[0].content is None, "no text: the first call rides on the role delta"


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_chat_annotations(
    server: LoopbackLLMServer, client: AsyncOpenAI, stream: bool
) -> None:
    server.script(Text("Paris is nice.", annotations=[CITATION]))
    message: ChatCompletionMessage
    if stream:
        async with client.chat.completions.stream(model="m", messages=MESSAGES) as events:
            message = (await events.get_final_completion()).choices[0].message
    else:
        completion = await client.chat.completions.create(model="m", messages=MESSAGES)
        message = completion.choices[0].message
    (note,) = message.annotations or []
    assert (note.type, note.url_citation.url, note.url_citation.end_index) == (
        "url_citation",
        "https://example.com/a",
        5,
    )


class City(BaseModel):
    name: str
    population: int


@pytest.mark.anyio
async def test_chat_json_reply_parses_as_structured_output(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(JSONReply({"name": "Paris", "population": 2_100_000}))
    completion = await client.chat.completions.parse(
        model="m", messages=MESSAGES, response_format=City
    )
    assert completion.choices[0].message.parsed == City(name="Paris", population=2_100_000)
    body = only(server).body
    assert body is not None and body["response_format"]["type"] == "json_schema"


# -- OpenAI Responses ---------------------------------------------------------------------


@pytest.mark.anyio
async def test_responses_text_json(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    usage = Usage(input_tokens=20, output_tokens=4, cached_input_tokens=8, reasoning_tokens=1)
    server.script(Text("Bonjour", usage=usage, annotations=[CITATION]))
    response = await client.responses.create(model="gpt-r", input="hi")
    assert response.id.startswith("resp_") and response.status == "completed"
    assert response.output_text == "Bonjour" and response.model == "gpt-r"
    message = response.output[0]
    assert isinstance(message, ResponseOutputMessage) and message.content[0].type == "output_text"
    note = message.content[0].annotations[0]
    assert note.type == "url_citation" and note.url == "https://example.com/a"
    assert response.usage is not None
    assert (response.usage.input_tokens, response.usage.output_tokens) == (20, 4)
    assert response.usage.input_tokens_details.cached_tokens == 8
    assert response.usage.output_tokens_details.reasoning_tokens == 1
    assert response.usage.total_tokens == 24
    request = only(server)
    assert (request.api, request.stream, request.path) == ("responses", False, "/v1/responses")


@pytest.mark.anyio
async def test_responses_text_stream_events(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    server.script(Text("Bonjour!", annotations=[CITATION]))
    events = [e async for e in await client.responses.create(model="m", input="hi", stream=True)]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert [e.type for e in events] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.annotation.added",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    final = events[-1].response  # type: ignore[union-attr]
    assert final.output_text == "Bonjour!" and final.usage is not None
    assert final.usage.total_tokens == 15
    assert only(server).stream is True


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_responses_tool_calls(
    server: LoopbackLLMServer, client: AsyncOpenAI, stream: bool
) -> None:
    server.script(ToolCalls(CALLS, content="Checking", chunk_size=2))
    response: Response
    if stream:
        async with client.responses.stream(model="m", input="hi") as events:
            kinds = [event.type async for event in events]
            response = await events.get_final_response()
        assert kinds.count("response.function_call_arguments.delta") > 10
    else:
        response = await client.responses.create(model="m", input="hi")
    message, *calls = response.output
    assert message.type == "message" and response.output_text == "Checking"
    assert all(isinstance(c, ResponseFunctionToolCall) for c in calls)
    calls_ = [c for c in calls if isinstance(c, ResponseFunctionToolCall)]
    assert [(c.type, c.id, c.call_id, c.name) for c in calls_] == [
        ("function_call", "fc_1", "call_1", "get_weather"),
        ("function_call", "fc_2", "call_explicit", "get_time"),
    ]
    assert json.loads(calls_[1].arguments) == {"tz": "Europe/Paris"}


@pytest.mark.anyio
async def test_responses_stream_snapshot_has_reassembled_arguments(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(ToolCalls([CALLS[0]], chunk_size=1))
    async with client.responses.stream(model="m", input="hi") as events:
        async for event in events:
            if event.type == "response.function_call_arguments.done":
                assert json.loads(event.arguments) == {"city": "Paris, the capital of France"}
                assert event.name == "get_weather"
        response = await events.get_final_response()
    assert [item.type for item in response.output] == ["function_call"]


# -- Anthropic Messages and Chat Completions through litellm ---------------------------------


async def litellm_call(litellm: Any, server: LoopbackLLMServer, model: str, **kw: Any) -> Any:
    """One ``litellm.acompletion``; streams are drained and rebuilt with stream_chunk_builder."""
    base = server.anthropic_base_url if model.startswith("anthropic/") else server.openai_base_url
    if "tools" in kw:
        kw["_skip_mcp_handler"] = True
    kw.update(model=model, messages=MESSAGES, api_base=base, api_key="test", max_tokens=100)

    async def call() -> Any:
        response = await litellm.acompletion(**kw)
        if not kw.get("stream"):
            return response
        chunks = [chunk async for chunk in response]
        return litellm.stream_chunk_builder(chunks, messages=MESSAGES)

    return await shared_loop_thread().run(call)


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["anthropic/claude-test", "openai/local-model"])
async def test_litellm_text(
    server: LoopbackLLMServer, litellm: Any, stream: bool, model: str
) -> None:
    usage = Usage(input_tokens=30, output_tokens=9, cached_input_tokens=10)
    server.script(Text("Hi from the loopback server", usage=usage, chunk_size=3))
    extra = {"stream": True, "stream_options": {"include_usage": True}} if stream else {}
    response = await litellm_call(litellm, server, model, **extra)
    assert response.choices[0].message.content == "Hi from the loopback server"
    assert response.choices[0].finish_reason == "stop"
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (30, 9)
    assert response.usage.prompt_tokens_details.cached_tokens == 10
    request = only(server)
    api, path = (
        ("messages", "/v1/messages") if "anthropic" in model else ("chat", "/v1/chat/completions")
    )
    assert (request.api, request.path, request.stream) == (api, path, stream)
    assert request.body is not None and request.body["model"] == model.split("/")[1]


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["anthropic/claude-test", "openai/local-model"])
async def test_litellm_tool_calls(
    server: LoopbackLLMServer, litellm: Any, stream: bool, model: str
) -> None:
    server.script(ToolCalls(CALLS, content="Sure.", chunk_size=5))
    response = await litellm_call(litellm, server, model, tools=TOOLS, stream=stream)
    choice = response.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Sure."
    prefix = "toolu_" if "anthropic" in model else "call_"
    assert [(c.id, c.function.name) for c in choice.message.tool_calls] == [
        (f"{prefix}1", "get_weather"),
        ("call_explicit", "get_time"),
    ]
    args = [json.loads(c.function.arguments) for c in choice.message.tool_calls]
    assert args == [{"city": "Paris, the capital of France"}, {"tz": "Europe/Paris"}]
    body = only(server).body
    assert body is not None and body["tools"][0]["name" if "anthropic" in model else "type"]


@pytest.mark.anyio
@pytest.mark.parametrize("model", ["anthropic/claude-test", "openai/local-model"])
async def test_litellm_maps_scripted_failures(
    server: LoopbackLLMServer, litellm: Any, model: str
) -> None:
    server.script(Fail(429, "slow down", retry_after=1), Fail(401, "bad key"))
    with pytest.raises(litellm.RateLimitError, match="slow down"):
        await litellm_call(litellm, server, model, num_retries=0)
    with pytest.raises(litellm.AuthenticationError, match="bad key"):
        await litellm_call(litellm, server, model, num_retries=0)


@pytest.mark.anyio
async def test_litellm_anthropic_json_reply_and_headers(
    server: LoopbackLLMServer, litellm: Any
) -> None:
    server.script(JSONReply({"ok": True}))
    response = await litellm_call(litellm, server, "anthropic/claude-test")
    assert json.loads(response.choices[0].message.content) == {"ok": True}
    assert only(server).headers["x-api-key"] == "test"
    assert "anthropic-version" in only(server).headers


# -- failures over raw HTTP and the openai SDK --------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "shape"),
    [
        ("/v1/chat/completions", "openai"),
        ("/v1/responses", "openai"),
        ("/v1/messages", "anthropic"),
    ],
)
async def test_fail_bodies_and_retry_after(
    server: LoopbackLLMServer, path: str, shape: str
) -> None:
    server.script(
        Fail(429, "slow down", retry_after=2), Fail(503, error_type="overloaded", retry_after=0.5)
    )
    async with httpx.AsyncClient(base_url=server.url) as http:
        first = await http.post(path, json={"stream": True})
        second = await http.post(path, json={})
    assert (first.status_code, first.headers["retry-after"]) == (429, "2")
    assert (second.status_code, second.headers["retry-after"]) == (503, "0.5")
    if shape == "openai":
        assert first.json() == {
            "error": {
                "message": "slow down",
                "type": "rate_limit_exceeded",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        }
        assert second.json()["error"]["type"] == "overloaded"
    else:
        assert first.json() == {
            "type": "error",
            "error": {"type": "rate_limit_error", "message": "slow down"},
        }
        assert second.json()["error"] == {"type": "overloaded", "message": "scripted failure"}


@pytest.mark.anyio
async def test_openai_sdk_sees_fail_status(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    server.script(Fail(429, retry_after=1), Fail(500, "boom"))
    with pytest.raises(openai.RateLimitError) as rate:
        await client.chat.completions.create(model="m", messages=MESSAGES)
    assert rate.value.response.headers["retry-after"] == "1"
    with pytest.raises(openai.InternalServerError, match="boom"):
        await client.responses.create(model="m", input="hi", stream=True)


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/responses", "/v1/messages"])
async def test_truncated_stream_is_cut_after_n_events(server: LoopbackLLMServer, path: str) -> None:
    server.script(Truncated(Text("a long answer that never ends", chunk_size=2), after_events=3))
    received: list[str] = []
    async with httpx.AsyncClient(base_url=server.url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            async with http.stream("POST", path, json={"stream": True}) as response:
                async for line in response.aiter_lines():
                    received.append(line)
    data = [line for line in received if line.startswith("data: ")]
    assert len(data) == 3 and "[DONE]" not in received[-1]
    assert server.disconnects == 0


@pytest.mark.anyio
@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/responses", "/v1/messages"])
async def test_a_clean_truncation_completes_the_http_message(
    server: LoopbackLLMServer, path: str
) -> None:
    server.script(
        Truncated(Text("a long answer", chunk_size=2), after_events=2, ends_cleanly=True),
        Truncated(Text("a long answer"), ends_cleanly=True),
    )
    async with httpx.AsyncClient(base_url=server.url) as http:
        async with http.stream("POST", path, json={"stream": True}) as response:
            lines = [line async for line in response.aiter_lines()]
        body = (await http.post(path, json={})).content
    assert len([line for line in lines if line.startswith("data: ")]) == 2
    assert body and not body.endswith(b"}")  # half of the JSON, and nothing missing


@pytest.mark.anyio
@pytest.mark.parametrize("after_events", [0, 3])
async def test_reset_aborts_the_connection(server: LoopbackLLMServer, after_events: int) -> None:
    server.script(Reset(Text("a long answer", chunk_size=2), after_events=after_events))
    received: list[str] = []
    async with httpx.AsyncClient(base_url=server.url) as http:
        with pytest.raises(httpx.TransportError):
            async with http.stream("POST", "/v1/messages", json={"stream": True}) as response:
                async for line in response.aiter_lines():
                    received.append(line)
    assert len([line for line in received if line.startswith("data: ")]) == after_events


@pytest.mark.anyio
async def test_truncated_json_and_openai_stream(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(Truncated(Text("cut")), Truncated(ToolCalls(CALLS), after_events=4))
    async with httpx.AsyncClient(base_url=server.url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.post("/v1/messages", json={})
    got = []
    with pytest.raises(httpx.RemoteProtocolError):
        async for chunk in await client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        ):
            got.append(chunk)
    assert len(got) == 4


@pytest.mark.anyio
async def test_malformed_bodies(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    server.script(
        Malformed(),
        Malformed("<html>oops</html>", content_type="text/html"),
        Malformed("{broken"),
    )
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/v1/chat/completions", json={})
        assert (response.status_code, response.text) == (200, "this is not json")
        html = await http.post("/v1/messages", json={"stream": True})
        assert html.headers["content-type"] == "text/html"
        assert html.text == "data: <html>oops</html>\n\n"
    with pytest.raises(json.JSONDecodeError):
        async for _ in await client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        ):
            pass


@pytest.mark.anyio
async def test_malformed_json_breaks_openai_sdk(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(Malformed())
    # The SDK lets the raw decode error escape for a 200 JSON body that does not parse.
    with pytest.raises(json.JSONDecodeError):
        await client.chat.completions.create(model="m", messages=MESSAGES)


@pytest.mark.anyio
async def test_stall_then_answers(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    server.script(Stall(0.2, then=Text("late")), Stall(0.01))
    started = time.monotonic()
    completion = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert completion.choices[0].message.content == "late"
    assert time.monotonic() - started >= 0.2
    response = await client.responses.create(model="m", input="x")
    assert response.output_text == "ok"
    assert server.disconnects == 0


@pytest.mark.anyio
async def test_stall_client_timeout_counts_disconnect(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(Stall(30))
    with pytest.raises(openai.APITimeoutError):
        await client.chat.completions.create(model="m", messages=MESSAGES, timeout=0.1)
    await eventually(lambda: server.disconnects == 1)


@pytest.mark.anyio
async def test_cancelled_stream_mid_way_counts_disconnect(server: LoopbackLLMServer) -> None:
    server.script(Text("x" * 200, chunk_size=1, delay=0.02))
    async with (
        httpx.AsyncClient(base_url=server.url) as http,
        http.stream("POST", "/v1/responses", json={"stream": True}) as response,
    ):
        async for line in response.aiter_lines():
            if "output_text.delta" in line:
                break
    await eventually(lambda: server.disconnects == 1)


@pytest.mark.anyio
async def test_cancel_scope_around_openai_stream(
    server: LoopbackLLMServer, client: AsyncOpenAI
) -> None:
    server.script(Text("y" * 100, chunk_size=1, delay=0.05))
    seen = 0
    with anyio.move_on_after(0.3):
        async for _ in await client.chat.completions.create(
            model="m", messages=MESSAGES, stream=True
        ):
            seen += 1
    assert 0 < seen < 50
    await eventually(lambda: server.disconnects == 1)


def test_stop_wakes_stalled_handlers() -> None:
    srv = LoopbackLLMServer()
    srv.start()
    srv.script(Stall(60), Stall(60))
    conns = [socket.create_connection(srv.url[7:].split(":")) for _ in range(2)]  # type: ignore[arg-type]
    for conn in conns:
        conn.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
    wait_for(lambda: len(srv.requests) == 2)
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 1.0
    for conn in conns:
        conn.settimeout(2)
        assert conn.recv(100) == b""
        conn.close()
    assert srv.disconnects == 0, "a stop is not a client disconnect"


@pytest.mark.anyio
async def test_concurrent_requests(server: LoopbackLLMServer, client: AsyncOpenAI) -> None:
    server.responder = lambda req: Text(str(req.body and req.body["input"]))
    answers: dict[int, str] = {}

    async def ask(n: int) -> None:
        answers[n] = (await client.responses.create(model="m", input=str(n))).output_text

    async with anyio.create_task_group() as tg:
        for n in range(20):
            tg.start_soon(ask, n)
    assert answers == {n: str(n) for n in range(20)}
