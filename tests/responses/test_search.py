"""web_search and file_search: the request each route receives, and what comes back.

The Responses route gets the hosted tools with every option; litellm gets
``web_search_options`` with ``search_context_size`` only; file_search anywhere but on an
OpenAI model raises ``UnsupportedFeatureError`` itself, before any request.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest

from llm_factory_toolkit import ConfigurationError, ToolFactory
from llm_factory_toolkit.exceptions import UnsupportedFeatureError
from llm_factory_toolkit.testing import LoopbackLLMServer, Text

from .conftest import ClientFor

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
    client = client_for(model)
    with pytest.raises(UnsupportedFeatureError) as caught:
        result = await client.generate(
            input="hi", stream=stream, file_search={"vector_store_ids": ["vs_1"]}
        )
        if stream:
            [chunk async for chunk in result]  # type: ignore[union-attr]
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
    if stream:
        chunks = [c async for c in await client.generate("news", stream=True, web_search=options)]
        result = chunks[-1].result
    else:
        result = await client.generate(input="news", web_search=options)
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
