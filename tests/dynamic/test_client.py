"""LLMClient(core_tools=..., dynamic_tool_loading=True): set-up checks and per-run sessions."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import (
    ConfigurationError,
    InMemoryToolCatalog,
    LLMClient,
    ToolFactory,
    ToolSession,
)
from llm_factory_toolkit.testing import ScriptedTransport, Text, ToolCalls, ToolCallSpec
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES

from .conftest import register

pytestmark = pytest.mark.anyio


def dynamic_client(factory: ToolFactory, *turns: object) -> tuple[LLMClient, ScriptedTransport]:
    transport = ScriptedTransport(*turns)  # type: ignore[arg-type]
    client = LLMClient(
        model="scripted/model",
        transport=transport,
        tool_factory=factory,
        core_tools=["call_human"],
        dynamic_tool_loading=True,
    )
    return client, transport


class TestSetUp:
    async def test_offers_the_meta_tools_and_leaves_the_factory_alone(
        self, factory: ToolFactory
    ) -> None:
        before = set(factory.registrations)
        client, transport = dynamic_client(factory, Text("ok"))
        await client.generate(input="x")
        assert {t["function"]["name"] for t in transport.calls[0].tools or ()} == {
            "call_human",
            *META_TOOL_NAMES,
        }
        assert set(factory.registrations) == before
        assert factory.get_catalog() is None
        assert client.tool_factory is factory

    def test_keeps_a_catalog_the_user_set(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        factory.set_catalog(catalog)
        dynamic_client(factory)
        assert factory.get_catalog() is catalog

    async def test_without_a_factory_only_the_meta_tools_are_offered(self) -> None:
        transport = ScriptedTransport(Text("ok"))
        client = LLMClient(model="scripted/model", transport=transport, dynamic_tool_loading=True)
        await client.generate(input="x")
        offered = {t["function"]["name"] for t in transport.calls[0].tools or ()}
        assert offered == set(META_TOOL_NAMES)

    def test_names_unregistered_core_tools(self, factory: ToolFactory) -> None:
        with pytest.raises(ConfigurationError, match=r"\['page_oncall', 'ghost'\]"):
            LLMClient(
                model="scripted/model",
                tool_factory=factory,
                core_tools=["call_human", "page_oncall", "ghost"],
                dynamic_tool_loading=True,
            )

    def test_too_many_core_tools(self) -> None:
        factory = ToolFactory()
        for n in range(47):
            register(factory, f"core_{n}", "A core tool.")
        with pytest.raises(ConfigurationError, match="exceed"):
            LLMClient(
                model="scripted/model",
                tool_factory=factory,
                core_tools=[f"core_{n}" for n in range(47)],
                dynamic_tool_loading=True,
            )

    def test_off_by_default(self, factory: ToolFactory) -> None:
        LLMClient(model="scripted/model", tool_factory=factory)
        assert "browse_toolkit" not in factory.registrations


class TestSessions:
    async def test_each_generation_starts_fresh(self, factory: ToolFactory) -> None:
        """A tool loaded in one generate() is gone in the next."""
        load = ToolCalls([ToolCallSpec("load_tools", {"tool_names": ["send_sms"]})])
        client, transport = dynamic_client(factory, load, Text("loaded"), Text("again"))
        await client.generate(input="one")
        await client.generate(input="two")
        names = [{t["function"]["name"] for t in c.tools or ()} for c in transport.calls]
        assert "send_sms" in names[1] and "send_sms" not in names[2]
        assert names[2] == {"call_human", *META_TOOL_NAMES}

    async def test_an_explicit_session_wins_and_keeps_the_loads(self, factory: ToolFactory) -> None:
        session = ToolSession()
        session.load(["weather_now"])
        load = ToolCalls([ToolCallSpec("load_tools", {"tool_names": ["send_sms"]})])
        client, transport = dynamic_client(factory, load, Text("ok"))
        await client.generate(input="x", tool_session=session)
        first = {t["function"]["name"] for t in transport.calls[0].tools or ()}
        assert first == {"weather_now", "call_human", *META_TOOL_NAMES}
        assert session.list_active() == sorted(
            ["weather_now", "send_sms", "call_human", *META_TOOL_NAMES]
        )
