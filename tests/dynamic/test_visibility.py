"""The tool-visibility stage: offered tools follow the session, hidden tools are refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import LLMClient, ToolFactory, ToolSession
from llm_factory_toolkit.core import events as ev
from llm_factory_toolkit.testing import (
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events,
)
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES

from .conftest import register

pytestmark = pytest.mark.anyio

CORE = ["call_human", *META_TOOL_NAMES]


def offered(transport: ScriptedTransport) -> list[set[str]]:
    """The tool names each model call was offered."""
    return [{t["function"]["name"] for t in call.tools or ()} for call in transport.calls]


def client_for(factory: ToolFactory, *turns: Any, **kwargs: Any) -> tuple[LLMClient, Any]:
    transport = ScriptedTransport(*turns)
    client = LLMClient(model="scripted/model", transport=transport, tool_factory=factory, **kwargs)
    return client, transport


def calls(*specs: tuple[str, dict[str, Any]]) -> ToolCalls:
    return ToolCalls(
        [ToolCallSpec(name, args, id=f"c_{name}_{n}") for n, (name, args) in enumerate(specs)]
    )


def tool_results(result: Any) -> dict[str, dict[str, Any]]:
    return {
        m["tool_call_id"]: json.loads(m["content"])
        for m in result.tool_messages
        if m["role"] == "tool"
    }


async def test_loaded_tools_are_offered_from_the_next_call(factory: ToolFactory) -> None:
    """Iteration N loads, N+1 offers and uses, then an unload removes it again."""
    client, transport = client_for(
        factory,
        calls(("load_tools", {"tool_names": ["send_email"]})),
        calls(("send_email", {"query": "hi"})),
        calls(("unload_tools", {"tool_names": ["send_email"]})),
        Text("done"),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    result = await client.generate(input="Email Bob")
    assert result.content == "done"
    base = set(CORE)
    assert offered(transport) == [base, base | {"send_email"}, base | {"send_email"}, base]
    results = tool_results(result)
    assert results["c_send_email_0"] == {"tool": "send_email", "query": "hi"}
    assert results["c_unload_tools_0"]["unloaded"] == ["send_email"]


async def test_session_order_is_load_order(factory: ToolFactory) -> None:
    """Definitions come in load order, so newly loaded ones are appended."""
    session = ToolSession()
    session.load(["weather_now", "send_sms", "call_human"])
    client, transport = client_for(factory, Text("ok"))
    await client.generate(input="hi", tool_session=session)
    assert [t["function"]["name"] for t in transport.calls[0].tools or ()] == [
        "weather_now",
        "send_sms",
        "call_human",
    ]


async def test_a_hidden_tool_is_refused_at_dispatch(factory: ToolFactory) -> None:
    """The model names a registered tool it was not shown: error result, event, no run."""
    ran: list[str] = []
    factory.register_tool(
        lambda: ran.append("x") or "sent", name="wire_money", description="Move money."
    )
    client, _ = client_for(
        factory,
        calls(("wire_money", {})),
        Text("sorry"),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    with capture_events(client.events) as log:
        result = await client.generate(input="Pay")
    answer = tool_results(result)["c_wire_money_0"]
    assert answer["status"] == "denied"
    assert "not loaded" in answer["error"] and "load_tools" in answer["error"]
    assert ran == []
    (denied,) = log.of(ev.ToolCallRejected)
    assert denied.tool_name == "wire_money" and "not loaded" in denied.reason


async def test_a_tool_loaded_in_the_same_turn_is_not_yet_callable(factory: ToolFactory) -> None:
    """Loading and calling in one response: the call is refused, the load holds."""
    client, transport = client_for(
        factory,
        calls(("load_tools", {"tool_names": ["send_sms"]}), ("send_sms", {})),
        calls(("send_sms", {"query": "again"})),
        Text("ok"),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    result = await client.generate(input="Text Ann")
    results = tool_results(result)
    assert results["c_send_sms_1"]["status"] == "denied"
    assert results["c_load_tools_0"]["loaded"] == ["send_sms"]
    assert results["c_send_sms_0"] == {"tool": "send_sms", "query": "again"}
    assert "send_sms" in offered(transport)[1]


async def test_without_meta_tools_the_refusal_does_not_mention_them(factory: ToolFactory) -> None:
    session = ToolSession()
    session.load(["call_human"])
    client, _ = client_for(factory, calls(("send_sms", {})), Text("ok"))
    result = await client.generate(input="x", tool_session=session)
    answer = tool_results(result)["c_send_sms_0"]
    assert answer["error"].endswith("'send_sms' is not available in this conversation")


async def test_nested_calls_are_the_tools_business(factory: ToolFactory) -> None:
    """A visible tool may call a hidden one through tool_runtime (depth 1 is not refused)."""

    async def relay(tool_runtime: Any) -> str:
        inner = await tool_runtime.call_tool("get_secret", {"query": "db"})
        return f"relayed {inner.content}"

    factory.register_tool(
        relay, name="relay", description="Relay.", parameters={"type": "object", "properties": {}}
    )
    session = ToolSession()
    session.load(["relay"])
    client, _ = client_for(factory, calls(("relay", {})), Text("ok"))
    result = await client.generate(input="x", tool_session=session)
    content = next(m["content"] for m in result.tool_messages if m["role"] == "tool")
    assert content == 'relayed {"tool": "get_secret", "query": "db"}'


async def test_unregistered_names_are_left_to_the_runner(factory: ToolFactory) -> None:
    """Not a visibility matter: the runner reports the tool as not found, nothing is denied."""
    client, _ = client_for(
        factory,
        calls(("teleport", {})),
        Text("ok"),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    with capture_events(client.events) as log:
        result = await client.generate(input="x")
    assert tool_results(result)["c_teleport_0"]["status"] == "tool_not_found"
    assert log.of(ev.ToolCallRejected) == []


async def test_use_tools_narrows_the_session(factory: ToolFactory) -> None:
    session = ToolSession()
    session.load(["send_sms", "send_email"])
    client, transport = client_for(factory, Text("ok"))
    await client.generate(input="x", tool_session=session, use_tools=["send_email", "get_secret"])
    assert offered(transport) == [{"send_email"}]


async def test_without_a_session_every_tool_is_offered(factory: ToolFactory) -> None:
    client, transport = client_for(factory, calls(("get_secret", {})), Text("ok"))
    result = await client.generate(input="x")
    assert offered(transport)[0] == set(factory.registrations)
    assert tool_results(result)["c_get_secret_0"]["tool"] == "get_secret"


async def test_load_and_unload_events(factory: ToolFactory) -> None:
    """Changes made during the run are published; changes made before it are not."""
    factory.register_meta_tools()
    session = ToolSession(max_tools=6)
    session.load(["call_human", *META_TOOL_NAMES], pin=True)  # before the run: no event
    client, _ = client_for(
        factory,
        calls(("load_tools", {"tool_names": ["send_sms", "send_email"]})),
        calls(("unload_tools", {"tool_names": ["send_sms", "call_human"]})),
        Text("ok"),
    )
    with capture_events(client.events) as log:
        await client.generate(input="x", tool_session=session)
    (loaded,) = log.of(ev.ToolsLoaded)
    assert (loaded.tool_names, loaded.refused) == (("send_sms",), ("send_email",))
    (unloaded,) = log.of(ev.ToolsUnloaded)
    assert unloaded.tool_names == ("send_sms",)
    kinds = log.kinds
    started = kinds.index("tool_call.started")
    assert kinds[started : started + 3] == [
        "tool_call.started",
        "tools.loaded",
        "tool_call.finished",
    ]


async def test_a_budgeted_session_is_measured_for_the_run_model(factory: ToolFactory) -> None:
    """With a token budget and no counter, the run measures definitions for its model."""
    register(factory, "bulky", "x" * 4000)
    session = ToolSession(token_budget=900)
    session.load(["call_human", *META_TOOL_NAMES], pin=True)  # no counter yet: unmeasured
    assert session.tokens_used == 0
    client, _ = client_for(
        factory,
        calls(("load_tools", {"tool_names": ["bulky", "send_sms"]})),
        Text("ok"),
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    result = await client.generate(input="x", tool_session=session)
    answer = tool_results(result)["c_load_tools_0"]
    assert answer["loaded"] == ["send_sms"]
    assert answer["refused"][0]["name"] == "bulky"
    assert "-token budget are left" in answer["refused"][0]["reason"]
    assert 300 < answer["session"]["tokens_used"] <= 900  # core and meta-tools measured too
    assert session.token_counter is None  # the run's counter does not outlive the run
