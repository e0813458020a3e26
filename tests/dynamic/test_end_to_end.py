"""Dynamic loading for real: litellm sends every turn over HTTP to the loopback server.

The scripted model browses the catalog, loads a tool, uses it, tries a tool it never loaded,
unloads the first and answers; each request body shows exactly the tools offered then.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.core import events as ev
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES
from tests.support import final_result, loopback_client, offered_tools, tool_results

pytestmark = pytest.mark.anyio

MODELS = ["openai/local-model", "anthropic/claude-test"]
START = {"call_human", *META_TOOL_NAMES}


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
    client = loopback_client(
        server, model, tool_factory=factory, core_tools=["call_human"], dynamic_tool_loading=True
    )
    with capture_events(client.events) as log:
        result = await final_result(client, stream, input="Text the guest")
    assert result.content == "Texted the guest."

    with_sms = START | {"send_sms"}
    offered = [set(offered_tools(request)) for request in server.requests]
    assert offered == [START, START, with_sms, with_sms, with_sms, START]

    outputs = [json.loads(text) for text in tool_results(server.requests[-1]).values()]
    browse, load, sent, denied, unload = outputs
    assert [(t["name"], t["status"]) for t in browse["tools"]] == [("send_sms", "inactive")]
    assert load["loaded"] == ["send_sms"]
    assert sent == {"tool": "send_sms", "query": "Your table is ready"}
    assert denied["status"] == "denied" and "load_tools" in denied["error"]
    assert unload["unloaded"] == ["send_sms"]

    assert [e.tool_names for e in log.of(ev.ToolsLoaded)] == [("send_sms",)]
    assert [e.tool_names for e in log.of(ev.ToolsUnloaded)] == [("send_sms",)]
    assert [e.tool_name for e in log.of(ev.ToolCallRejected)] == ["get_secret"]
