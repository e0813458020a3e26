"""Dynamic loading for real: litellm sends every turn over HTTP to the loopback server.

The scripted model browses the catalog, loads a tool, uses it, tries a tool it never loaded,
unloads the first and answers; each request body shows exactly the tools offered then.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.pipeline import events as ev
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES

pytestmark = pytest.mark.anyio

MODELS = ["openai/local-model", "anthropic/claude-test"]
START = {"call_human", *META_TOOL_NAMES}


def offered(body: dict[str, Any]) -> set[str]:
    """Tool names in a Chat Completions or Anthropic Messages request body."""
    return {tool.get("name") or tool["function"]["name"] for tool in body.get("tools", ())}


def tool_outputs(body: dict[str, Any]) -> list[Any]:
    """The tool results a request carries, in either wire format, decoded."""
    outputs: list[Any] = []
    for message in body["messages"]:
        if message["role"] == "tool":
            outputs.append(json.loads(message["content"]))
        elif isinstance(message.get("content"), list):
            for block in message["content"]:
                if block.get("type") == "tool_result":
                    content = block["content"]
                    text = content if isinstance(content, str) else content[0]["text"]
                    outputs.append(json.loads(text))
    return outputs


def script(server: LoopbackLLMServer) -> None:
    def call(name: str, arguments: dict[str, Any]) -> ToolCalls:
        return ToolCalls([ToolCallSpec(name, arguments)])

    server.script(
        call("browse_toolkit", {"query": "sms"}),
        call("load_tools", {"tool_names": ["send_sms"]}),
        call("send_sms", {"query": "Your table is ready"}),
        call("get_secret", {"query": "db"}),
        call("unload_tools", {"tool_names": ["send_sms"]}),
        Text("Texted the guest."),
    )


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("stream", [False, True])
async def test_browse_load_use_unload(
    server: LoopbackLLMServer, factory: ToolFactory, model: str, stream: bool
) -> None:
    script(server)
    base = server.anthropic_base_url if model.startswith("anthropic/") else server.openai_base_url
    client = LLMClient(
        model=model,
        api_key="test",
        api_base=base,
        max_tokens=256,
        tool_factory=factory,
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    with capture_events(client.events) as log:
        if stream:
            chunks = [c async for c in await client.generate(input="Text the guest", stream=True)]
            result = chunks[-1].result
            assert result is not None
        else:
            result = await client.generate(input="Text the guest")
    assert result.content == "Texted the guest."

    bodies = [request.body for request in server.requests]
    with_sms = START | {"send_sms"}
    assert [offered(body) for body in bodies] == [START, START, with_sms, with_sms, with_sms, START]

    browse, load, sent, denied, unload = tool_outputs(bodies[-1])
    assert [(t["name"], t["status"]) for t in browse["tools"]] == [("send_sms", "inactive")]
    assert load["loaded"] == ["send_sms"]
    assert sent == {"tool": "send_sms", "query": "Your table is ready"}
    assert denied["status"] == "denied" and "load_tools" in denied["error"]
    assert unload["unloaded"] == ["send_sms"]

    assert [e.tool_names for e in log.of(ev.ToolsLoaded)] == [("send_sms",)]
    assert [e.tool_names for e in log.of(ev.ToolsUnloaded)] == [("send_sms",)]
    assert [e.tool_name for e in log.of(ev.ToolCallDenied)] == ["get_secret"]
