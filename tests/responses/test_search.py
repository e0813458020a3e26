"""web_search and file_search: the request each route receives, and what comes back.

The Responses route gets the hosted tools with every option; litellm gets
``web_search_options`` with ``search_context_size`` only; file_search anywhere but on an
OpenAI model raises ``UnsupportedFeatureError`` itself, before any request.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from llm_factory_toolkit import ConfigurationError, ToolFactory
from llm_factory_toolkit.exceptions import UnsupportedFeatureError
from llm_factory_toolkit.testing import LoopbackLLMServer, Malformed, Text
from tests.support import final_result

from .conftest import FILE_CALL, WEB_CALL, ClientFor

pytestmark = pytest.mark.anyio

CITATION = {
    "type": "url_citation",
    "url": "https://example.com/ai",
    "title": "AI news",
    "start_index": 0,
    "end_index": 8,
}
FILE_CITATION = {"type": "file_citation", "file_id": "file_1", "filename": "plan.md", "index": 3}
LOCATION = {"city": "London", "country": "GB", "timezone": "Europe/London"}
FULL_OPTIONS: dict[str, Any] = {
    "search_context_size": "high",
    "user_location": LOCATION,
    "filters": {"allowed_domains": ["example.com"]},
}


async def test_web_search_true_on_responses(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    server.script(Text("News."))
    await client_for().generate(input="Latest AI news", web_search=True)
    assert server.requests[0].body["tools"] == [{"type": "web_search"}]  # type: ignore[index]


async def test_web_search_options_on_responses(
    server: LoopbackLLMServer, client_for: ClientFor, tools: ToolFactory
) -> None:
    """Every option reaches the hosted tool, after the function tools."""
    server.script(Text("News."))
    await client_for(tool_factory=tools).generate(input="AI news", web_search=FULL_OPTIONS)
    sent = server.requests[0].body
    assert sent is not None
    assert [tool["type"] for tool in sent["tools"]] == ["function", "function", "web_search"]
    assert sent["tools"][-1] == {
        "type": "web_search",
        "search_context_size": "high",
        "user_location": {"type": "approximate", **LOCATION},
        "filters": {"allowed_domains": ["example.com"]},
    }


async def test_chat_style_user_location_is_flattened(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    server.script(Text("ok"))
    location = {"type": "approximate", "approximate": {"city": "Paris"}}
    await client_for().generate(input="hi", web_search={"user_location": location})
    (tool,) = server.requests[0].body["tools"]  # type: ignore[index]
    assert tool["user_location"] == {"type": "approximate", "city": "Paris"}


@pytest.mark.parametrize("stream", [False, True])
async def test_citations_kept_on_result(
    server: LoopbackLLMServer, client_for: ClientFor, stream: bool
) -> None:
    """Annotations of the answer land in ``result.metadata``, streamed or not."""
    server.script(Text("AI news: all good.", annotations=[CITATION, FILE_CITATION]))
    client = client_for()
    if stream:
        chunks = [c async for c in await client.generate(input="news", stream=True)]
        result = chunks[-1].result
    else:
        result = await client.generate(input="news", web_search=True)
    assert result is not None and result.content == "AI news: all good."
    assert result.metadata["annotations"] == [CITATION, FILE_CITATION]


def _hosted_search_response() -> dict[str, Any]:
    """A Responses answer that used both hosted searches, as the OpenAI API sends it."""
    message = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [
            {"type": "output_text", "text": "Step 1.", "annotations": [FILE_CITATION, CITATION]}
        ],
    }
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 0,
        "model": "gpt-4o-mini",
        "status": "completed",
        "output": [WEB_CALL, FILE_CALL, message],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 30,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 4,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 34,
        },
    }


def _verbatim(stream: bool) -> Malformed:
    """The loopback server sends a ``Malformed`` body as it is: here, a valid answer.

    Streamed, the body is the data of the first SSE event; the events after it are spliced in.
    """
    response = _hosted_search_response()
    if not stream:
        return Malformed(json.dumps(response))
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {**response, "output": [], "usage": None}},
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 2,
            "content_index": 0,
            "delta": "Step 1.",
            "logprobs": [],
        },
        {"type": "response.completed", "response": response},
    ]
    numbered = [json.dumps({**event, "sequence_number": n}) for n, event in enumerate(events)]
    return Malformed("\n\ndata: ".join(numbered))


@pytest.mark.parametrize("stream", [False, True])
async def test_hosted_search_items_reach_the_result(
    server: LoopbackLLMServer, client_for: ClientFor, stream: bool
) -> None:
    """Search calls, their results and the citations land in ``result.metadata``."""
    server.script(_verbatim(stream))
    client = client_for()
    search: dict[str, Any] = {"web_search": True, "file_search": {"vector_store_ids": ["vs_1"]}}
    result = await final_result(client, stream, input="Checklist?", **search)
    assert result is not None and result.content == "Step 1."
    assert result.metadata["web_search_calls"] == [WEB_CALL]
    assert result.metadata["file_search_calls"] == [FILE_CALL]
    assert result.metadata["annotations"] == [FILE_CITATION, CITATION]
    assert result.usage.input_tokens == 30
    tools = server.requests[0].body["tools"]  # type: ignore[index]
    assert [tool["type"] for tool in tools] == ["web_search", "file_search"]


async def test_file_search_request(server: LoopbackLLMServer, client_for: ClientFor) -> None:
    """The file_search tool with its options, and its results asked for in ``include``."""
    server.script(Text("The checklist has 3 steps."))
    options = {"vector_store_ids": ["vs_launch"], "max_num_results": 3}
    result = await client_for().generate(input="Summarise", file_search=options)
    assert result.content == "The checklist has 3 steps."
    sent = server.requests[0].body
    assert sent is not None
    assert sent["tools"] == [
        {"type": "file_search", "vector_store_ids": ["vs_launch"], "max_num_results": 3}
    ]
    assert sent["include"] == ["file_search_call.results"]


@pytest.mark.parametrize("options", [{}, {"vector_store_ids": []}, {"vector_store_ids": "vs_1"}])
async def test_file_search_needs_store_ids(
    server: LoopbackLLMServer, client_for: ClientFor, options: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError, match="vector_store_ids"):
        await client_for().generate(input="hi", file_search=options)
    assert server.requests == []


@pytest.mark.parametrize("model", ["anthropic/claude-test", "openai/local-model"])
@pytest.mark.parametrize("stream", [False, True])
async def test_file_search_elsewhere_is_unsupported(
    server: LoopbackLLMServer, client_for: ClientFor, model: str, stream: bool
) -> None:
    """Raised as ``UnsupportedFeatureError`` itself (not wrapped), before any request."""
    client, store = client_for(model), {"vector_store_ids": ["vs_1"]}
    with pytest.raises(UnsupportedFeatureError) as caught:
        if stream:
            [chunk async for chunk in await client.generate("hi", stream=True, file_search=store)]
        else:
            await client.generate(input="hi", file_search=store)
    assert type(caught.value) is UnsupportedFeatureError
    assert model in str(caught.value)
    assert server.requests == []


async def test_litellm_gets_search_context_size_only(
    server: LoopbackLLMServer, client_for: ClientFor
) -> None:
    """An Anthropic model: litellm's web search tool; the OpenAI-only options are dropped."""
    server.script(Text("News."))
    client = client_for("anthropic/claude-test", max_tokens=256)
    with pytest.warns(UserWarning, match="filters, user_location"):
        result = await client.generate(input="news", web_search=FULL_OPTIONS)
    assert result.content == "News."
    sent = server.requests[0].body
    assert sent is not None
    (tool,) = sent["tools"]
    assert tool["type"].startswith("web_search") and tool["name"] == "web_search"
    assert "London" not in str(sent)


@pytest.mark.parametrize("stream", [False, True])
async def test_litellm_web_search_options_and_citations(
    server: LoopbackLLMServer, client_for: ClientFor, stream: bool
) -> None:
    """An OpenAI-compatible model on litellm: ``web_search_options``; citations flattened."""
    server.script(Text("AI news: all good.", annotations=[CITATION]))
    client = client_for("openai/local-model")
    options = {"search_context_size": "low"}
    result = await final_result(client, stream, input="news", web_search=options)
    sent = server.requests[0].body
    assert sent is not None and server.requests[0].api == "chat"
    assert sent["web_search_options"] == {"search_context_size": "low"}
    assert result is not None and result.metadata["annotations"] == [CITATION]


async def test_missing_openai_package_names_the_extra(
    client_for: ClientFor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(ConfigurationError, match=r"llm-factory-toolkit\[openai\]"):
        await client_for().generate(input="hi", file_search={"vector_store_ids": ["vs_1"]})
