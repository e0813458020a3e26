"""Tool rules that hold whoever calls: planned calls keep the planning call's visibility,
dynamic loading leaves shared factories alone, sessions keep their pinned tools, tool-round
limits mean what they say, and a client always has a factory to register on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, ToolFactory, ToolSession
from llm_factory_toolkit.pipeline.assembly import StreamAssembler
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES
from llm_factory_toolkit.transports.base import StreamDelta, ToolCallDelta
from tests.support import loopback_client, offered_tools, tool_results

pytestmark = pytest.mark.anyio

MODEL = "openai/test-model"


def bank(ran: list[str]) -> ToolFactory:
    factory = ToolFactory()

    def lookup(account: str) -> str:
        ran.append("lookup")
        return f"balance of {account}: 10"

    def wire_money(account: str) -> str:
        ran.append("wire_money")
        return f"wired from {account}"

    factory.register_tool(lookup)
    factory.register_tool(wire_money)
    return factory


async def test_executing_intents_keeps_the_planning_calls_visibility(
    server: LoopbackLLMServer,
) -> None:
    """Planned with ``use_tools=["lookup"]``, a call to ``wire_money`` must not run."""
    ran: list[str] = []
    client = loopback_client(server, MODEL, tool_factory=bank(ran))
    server.script(
        ToolCalls(
            [
                ToolCallSpec("wire_money", {"account": "a1"}, id="c_wire"),
                ToolCallSpec("lookup", {"account": "a1"}, id="c_look"),
            ]
        )
    )
    intent = await client.generate_tool_intent("check a1", use_tools=["lookup"])
    assert set(offered_tools(server.requests[0])) == {"lookup"}
    messages = await client.execute_tool_intents(intent)
    assert ran == ["lookup"]
    assert json.loads(messages[0]["content"])["status"] == "denied"
    assert messages[1]["content"] == "balance of a1: 10"


def shared_toolbox() -> ToolFactory:
    factory = ToolFactory()
    factory.register_tool(lambda: "a human", name="call_human", description="Escalate.")
    factory.register_tool(lambda: "sent", name="send_sms", description="Send a text.")
    return factory


async def test_dynamic_loading_never_changes_a_shared_factory(server: LoopbackLLMServer) -> None:
    """A plain client on a factory a dynamic-loading client also uses offers no meta-tool."""
    factory = shared_toolbox()
    plain = loopback_client(server, MODEL, tool_factory=factory)
    loopback_client(server, MODEL, tool_factory=factory, dynamic_tool_loading=True)
    server.script(Text("ok"))
    await plain.generate(input="hi")
    assert set(offered_tools(server.requests[0])) == {"call_human", "send_sms"}
    assert factory.get_catalog() is None


async def test_an_explicit_session_gets_core_and_meta_tools_that_stay(
    server: LoopbackLLMServer,
) -> None:
    """With ``tool_session=ToolSession()`` the core tools and meta-tools are offered, and
    ``unload_tools`` refuses to remove them."""
    client = loopback_client(
        server,
        MODEL,
        tool_factory=shared_toolbox(),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    unload = ToolCallSpec("unload_tools", {"tool_names": ["call_human"]}, id="c_un")
    server.script(ToolCalls([unload]), Text("done"))
    session = ToolSession()
    await client.generate(input="hi", tool_session=session)
    assert set(offered_tools(server.requests[0])) == {"call_human", *META_TOOL_NAMES}
    answer = json.loads(tool_results(server.requests[1])["c_un"])
    assert answer["unloaded"] == [] and answer["refused"][0]["name"] == "call_human"
    assert session.is_active("call_human") and session.is_pinned("load_tools")


async def test_zero_tool_iterations_means_no_tool_round(server: LoopbackLLMServer) -> None:
    ran: list[str] = []
    client = loopback_client(server, MODEL, tool_factory=bank(ran))
    server.script(ToolCalls([ToolCallSpec("lookup", {"account": "a1"})]))
    result = await client.generate(input="hi", max_tool_iterations=0)
    assert ran == []
    assert len(server.requests) == 1
    assert result.finish_reason == "max_tool_iterations"
    with pytest.raises(ConfigurationError, match="max_tool_iterations"):
        await client.generate(input="hi", max_tool_iterations=-1)
    with pytest.raises(ConfigurationError, match="max_tool_iterations"):
        LLMClient(max_tool_iterations=-3)
    assert len(server.requests) == 1


async def test_a_client_without_a_factory_owns_an_empty_one(server: LoopbackLLMServer) -> None:
    """As in 1.0: tools registered on ``client.tool_factory`` are offered and run."""
    client = loopback_client(server, MODEL)
    assert isinstance(client.tool_factory, ToolFactory)
    assert client.tool_factory.registrations == {}

    def greet(name: str) -> str:
        return f"hello {name}"

    client.tool_factory.register_tool(greet)
    server.script(ToolCalls([ToolCallSpec("greet", {"name": "ann"}, id="c1")]), Text("ok"))
    result = await client.generate(input="hi")
    assert set(offered_tools(server.requests[0])) == {"greet"}
    assert tool_results(server.requests[1]) == {"c1": "hello ann"}
    assert result.content == "ok"


def test_a_trailing_name_only_fragment_is_no_second_call() -> None:
    """The call's name repeated after its arguments, with no id, is not a phantom call; the
    same header followed by new arguments still starts the next call."""
    trailing = [
        StreamDelta(tool_calls=(ToolCallDelta(0, "call_1", "lookup", ""),)),
        StreamDelta(tool_calls=(ToolCallDelta(0, None, None, '{"account": "a1"}'),)),
        StreamDelta(tool_calls=(ToolCallDelta(0, None, "lookup", ""),)),
        StreamDelta(finish_reason="tool_calls"),
    ]
    assert [c["id"] for c in assembled_calls(trailing)] == ["call_1"]
    repeated = [
        *trailing[:3],
        StreamDelta(tool_calls=(ToolCallDelta(0, None, None, '{"account": "a2"}'),)),
        StreamDelta(finish_reason="tool_calls"),
    ]
    calls = assembled_calls(repeated)
    assert [c["function"]["name"] for c in calls] == ["lookup", "lookup"]
    assert calls[1]["function"]["arguments"] == '{"account": "a2"}'


def assembled_calls(deltas: list[StreamDelta]) -> list[dict[str, Any]]:
    assembler = StreamAssembler()
    for delta in deltas:
        assembler.add(delta)
    calls: list[dict[str, Any]] = assembler.response(provider="test").message["tool_calls"]
    return calls
