"""The meta-tools' answers: JSON the model can act on, called as the pipeline calls them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from llm_factory_toolkit import InMemoryToolCatalog, ToolFactory, ToolSession
from llm_factory_toolkit.tools.meta_tools import META_TOOL_NAMES, MetaTools

from .conftest import register

pytestmark = pytest.mark.anyio


@pytest.fixture
def meta(factory: ToolFactory) -> MetaTools:
    factory.register_meta_tools()
    return MetaTools(factory)


@pytest.fixture
def session() -> ToolSession:
    session = ToolSession(max_tools=7)
    session.load(["call_human", *META_TOOL_NAMES], pin=True)
    return session


def body(result: Any) -> dict[str, Any]:
    assert result.error is None, result.content
    return dict(json.loads(result.content))


class TestRegistration:
    def test_meta_tools_are_system_tools_tagged_meta(self, factory: ToolFactory) -> None:
        factory.register_meta_tools()
        factory.register_meta_tools()  # idempotent
        for name in META_TOOL_NAMES:
            registration = factory.registrations[name]
            assert (registration.category, registration.tags) == ("system", ["meta"])
            assert "tool_session" not in json.dumps(registration.definition)
        assert list(factory.registrations).count("browse_toolkit") == 1

    def test_a_catalog_is_made_when_none_was_set(self, factory: ToolFactory) -> None:
        assert factory.get_catalog() is None
        factory.register_meta_tools()
        assert factory.get_catalog() is None  # made lazily, on first use

    def test_a_user_catalog_is_used(self, factory: ToolFactory) -> None:
        catalog = InMemoryToolCatalog(factory)
        catalog.add_metadata("get_secret", group="vault.only")
        factory.set_catalog(catalog)
        assert factory.get_catalog() is catalog
        assert catalog.group_members("vault") == ["get_secret"]


class TestBrowse:
    async def test_matches_with_status_counts_and_a_hint(
        self, meta: MetaTools, session: ToolSession
    ) -> None:
        session.load(["send_email"])
        answer = body(await meta.browse_toolkit(query="email", tool_session=session))
        assert answer["total"] == 2 and answer["returned"] == 2 and not answer["has_more"]
        assert [(t["name"], t["status"]) for t in answer["tools"]] == [
            ("send_email", "active"),
            ("send_email_template", "inactive"),
        ]
        first = answer["tools"][0]
        assert first["group"] == "communication.email" and first["tags"] == ["email"]
        assert "load_tools" in answer["hint"]
        assert answer["session"] == {"active_count": 6, "max_tools": 7}

    async def test_paging(self, meta: MetaTools, session: ToolSession) -> None:
        page = body(await meta.browse_toolkit(category="crm", limit=2, tool_session=session))
        assert (page["total"], page["returned"], page["has_more"]) == (3, 2, True)
        rest = body(
            await meta.browse_toolkit(category="crm", limit=2, offset=2, tool_session=session)
        )
        assert [t["name"] for t in rest["tools"]] == ["update_contact"]
        assert not rest["has_more"]

    async def test_limit_is_capped(self, meta: MetaTools, factory: ToolFactory) -> None:
        for n in range(60):
            register(factory, f"report_{n}", "A report.")
        answer = body(await meta.browse_toolkit(query="report", limit=500))
        assert answer["total"] == 60 and answer["returned"] == 50

    async def test_nothing_found_lists_categories_and_groups(self, meta: MetaTools) -> None:
        answer = body(await meta.browse_toolkit(query="teleport"))
        assert answer["total"] == 0 and answer["tools"] == []
        assert "crm" in answer["categories"] and "crm.contacts" in answer["groups"]
        assert "session" not in answer

    async def test_group_filter(self, meta: MetaTools) -> None:
        answer = body(await meta.browse_toolkit(group="crm"))
        assert {t["name"] for t in answer["tools"]} == {
            "search_crm",
            "get_contact",
            "update_contact",
        }


class TestLoadAndUnload:
    async def test_load_reports_loaded_active_and_refused(
        self, meta: MetaTools, session: ToolSession
    ) -> None:
        """Unknown names and names over the limit are refused, each with its reason."""
        answer = body(
            await meta.load_tools(
                ["send_email", "call_human", "nope", "send_sms", "search_crm"],
                tool_session=session,
            )
        )
        assert answer["loaded"] == ["send_email", "send_sms"]
        assert answer["already_active"] == ["call_human"]
        reasons = {r["name"]: r["reason"] for r in answer["refused"]}
        assert reasons["nope"].startswith("no such tool")
        assert "limit of 7" in reasons["search_crm"]
        assert "next turn" in answer["note"] and "unload_tools" in answer["hint"]
        assert session.list_active().count("send_sms") == 1

    async def test_a_lone_string_is_one_name(self, meta: MetaTools, session: ToolSession) -> None:
        answer = body(await meta.load_tools("send_sms", tool_session=session))  # type: ignore[arg-type]
        assert answer["loaded"] == ["send_sms"]

    async def test_load_tool_group(self, meta: MetaTools, session: ToolSession) -> None:
        answer = body(await meta.load_tool_group("crm.contacts", tool_session=session))
        assert answer["group"] == "crm.contacts"
        assert answer["loaded"] == ["get_contact", "update_contact"]
        assert session.is_active("update_contact")

    async def test_unknown_group(self, meta: MetaTools, session: ToolSession) -> None:
        answer = body(await meta.load_tool_group("crm.con", tool_session=session))
        assert answer["loaded"] == [] and "crm.contacts" in answer["groups"]

    async def test_unload_protects_core_and_meta_tools(
        self, meta: MetaTools, session: ToolSession
    ) -> None:
        session.load(["send_email"])
        answer = body(
            await meta.unload_tools(
                ["send_email", "call_human", "load_tools", "get_secret"], tool_session=session
            )
        )
        assert answer["unloaded"] == ["send_email"]
        assert answer["not_active"] == ["get_secret"]
        reasons = {r["name"]: r["reason"] for r in answer["refused"]}
        assert reasons == {
            "load_tools": "a meta-tool cannot be unloaded",
            "call_human": "a core tool cannot be unloaded",
        }
        assert not session.is_active("send_email") and session.is_active("call_human")

    @pytest.mark.parametrize("name", ["load_tools", "load_tool_group", "unload_tools"])
    async def test_without_a_session_the_model_is_told(self, meta: MetaTools, name: str) -> None:
        argument = "crm" if name == "load_tool_group" else ["send_email"]
        result = await getattr(meta, name)(argument)
        assert result.error is not None and "dynamic_tool_loading" in result.content
