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
    def test_builds_a_catalog_and_registers_the_meta_tools(self, factory: ToolFactory) -> None:
        dynamic_client(factory)
        assert isinstance(factory.get_catalog(), InMemoryToolCatalog)
        assert set(META_TOOL_NAMES) <= set(factory.registrations)

    def test_keeps_a_catalog_the_user_set(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        factory.set_catalog(catalog)
        dynamic_client(factory)
        assert factory.get_catalog() is catalog

    def test_needs_a_tool_factory(self) -> None:
        with pytest.raises(ConfigurationError, match="dynamic_tool_loading"):
            LLMClient(model="scripted/model", dynamic_tool_loading=True)

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
        session.load(["load_tools", "weather_now"])
        load = ToolCalls([ToolCallSpec("load_tools", {"tool_names": ["send_sms"]})])
        client, transport = dynamic_client(factory, load, Text("ok"))
        await client.generate(input="x", tool_session=session)
        first = {t["function"]["name"] for t in transport.calls[0].tools or ()}
        assert first == {"load_tools", "weather_now"}
        assert session.list_active() == ["load_tools", "send_sms", "weather_now"]
