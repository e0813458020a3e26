"""The meta-tools an agent uses to find and load tools: browse, load, load a group, unload.

They read the factory's catalog and change the run's ``ToolSession`` (received by injection,
so it never appears in their schemas). Each answers in JSON the model can act on: what
matched and whether it is active, what was loaded, what was refused and why, and how full
the session is. Loaded tools are offered from the next model call on; core tools and the
meta-tools themselves cannot be unloaded.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..core.observed import error_result
from ..core.results import ToolExecutionResult
from .session import LoadOutcome, ToolSession

if TYPE_CHECKING:
    from .catalog import ToolCatalog
    from .tool_factory import ToolFactory

META_TOOL_NAMES = ("browse_toolkit", "load_tools", "load_tool_group", "unload_tools")
META_CATEGORY = "system"
META_TAGS = ("meta",)
MAX_BROWSE_LIMIT = 50
_NEXT_TURN = "Loaded tools can be called from your next turn."
_NO_SESSION = (
    "dynamic tool loading is not enabled for this conversation: there is no tool session "
    "(use LLMClient(dynamic_tool_loading=True) or pass tool_session= to generate())"
)

_NAMES = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Exact tool names, as browse_toolkit lists them.",
}
PARAMETERS: dict[str, dict[str, Any]] = {
    "browse_toolkit": {
        "type": "object",
        "properties": {
            "query": {
                "type": "string",
                "description": "Keywords; every word must match a tool's name, description "
                "or tags (e.g. 'send email').",
            },
            "category": {"type": "string", "description": "Only tools of this category."},
            "tags": {"type": "array", "items": {"type": "string"}, "description": "Any of."},
            "group": {
                "type": "string",
                "description": "Only this group and its subgroups ('crm' covers 'crm.contacts').",
            },
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_BROWSE_LIMIT},
            "offset": {"type": "integer", "minimum": 0},
        },
    },
    "load_tools": {
        "type": "object",
        "properties": {"tool_names": _NAMES},
        "required": ["tool_names"],
    },
    "load_tool_group": {
        "type": "object",
        "properties": {"group": {"type": "string", "description": "A group, e.g. 'crm.contacts'."}},
        "required": ["group"],
    },
    "unload_tools": {
        "type": "object",
        "properties": {"tool_names": _NAMES},
        "required": ["tool_names"],
    },
}
DESCRIPTIONS = {
    "browse_toolkit": "Search the toolkit for tools you do not have yet, by keywords, category, "
    "tags or group. Lists each match with whether it is already active.",
    "load_tools": "Activate tools by name so you can call them from your next turn.",
    "load_tool_group": "Activate every tool of a group (and its subgroups) at once.",
    "unload_tools": "Deactivate tools you no longer need, to free room for others.",
}


class MetaTools:
    """The four meta-tools, bound to one factory (whose catalog they search)."""

    def __init__(self, factory: ToolFactory) -> None:
        self._factory = factory

    async def browse_toolkit(
        self,
        query: str | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        limit: int = 10,
        offset: int = 0,
        tool_session: ToolSession | None = None,
    ) -> ToolExecutionResult:
        catalog = self._catalog()
        limit = min(max(1, int(limit)), MAX_BROWSE_LIMIT)
        offset = max(0, int(offset))
        entries = catalog.search(query, category, tags, group, limit=limit, offset=offset)
        total = catalog.count(query, category, tags, group)
        active = tool_session.active_tools if tool_session is not None else set()
        body: dict[str, Any] = {
            "total": total,
            "offset": offset,
            "returned": len(entries),
            "has_more": offset + len(entries) < total,
            "tools": [
                {**e.summary(), "status": "active" if e.name in active else "inactive"}
                for e in entries
            ],
        }
        body.update(_browse_hint(catalog, total))
        return _reply(body, tool_session)

    async def load_tools(
        self, tool_names: Sequence[str], tool_session: ToolSession | None = None
    ) -> ToolExecutionResult:
        if tool_session is None:
            return error_result(_NO_SESSION)
        names = _as_names(tool_names)
        known = [name for name in names if name in self._factory.registrations]
        unknown = {
            name: "no such tool; browse_toolkit lists the available ones"
            for name in names
            if name not in self._factory.registrations
        }
        return _reply(_load_body(tool_session.try_load(known), unknown, tool_session), tool_session)

    async def load_tool_group(
        self, group: str, tool_session: ToolSession | None = None
    ) -> ToolExecutionResult:
        if tool_session is None:
            return error_result(_NO_SESSION)
        catalog = self._catalog()
        members = [n for n in catalog.group_members(group) if n in self._factory.registrations]
        if not members:
            groups = catalog.list_groups()[:MAX_BROWSE_LIMIT]
            body = {
                "group": group,
                "loaded": [],
                "hint": "No tools in this group.",
                "groups": groups,
            }
            return _reply(body, tool_session)
        body = {"group": group, **_load_body(tool_session.try_load(members), {}, tool_session)}
        return _reply(body, tool_session)

    async def unload_tools(
        self, tool_names: Sequence[str], tool_session: ToolSession | None = None
    ) -> ToolExecutionResult:
        if tool_session is None:
            return error_result(_NO_SESSION)
        names = _as_names(tool_names)
        refused = {name: "a meta-tool cannot be unloaded" for name in names if _is_meta(name)}
        wanted = [name for name in names if name not in refused]
        not_active = [name for name in wanted if not tool_session.is_active(name)]
        for name in tool_session.unload([n for n in wanted if n not in not_active]):
            refused[name] = "a core tool cannot be unloaded"
        unloaded = [n for n in wanted if n not in not_active and n not in refused]
        body = {"unloaded": unloaded, "not_active": not_active, "refused": _listed(refused)}
        return _reply(body, tool_session)

    def _catalog(self) -> ToolCatalog:
        catalog = self._factory.get_catalog()
        if catalog is None:
            from .catalog import InMemoryToolCatalog

            catalog = InMemoryToolCatalog(self._factory)
            self._factory.set_catalog(catalog)
        return catalog


def register_meta_tools(factory: ToolFactory) -> None:
    """Register the meta-tools not already registered on ``factory``."""
    meta = MetaTools(factory)
    for name in META_TOOL_NAMES:
        if name not in factory.registrations:
            function = getattr(meta, name)
            factory.register_tool(
                function=function,
                mock_function=function,  # no side effect outside the session: mock mode runs it
                name=name,
                description=DESCRIPTIONS[name],
                parameters=PARAMETERS[name],
                category=META_CATEGORY,
                tags=list(META_TAGS),
            )


def _is_meta(name: str) -> bool:
    return name in META_TOOL_NAMES


def _as_names(value: Sequence[str] | str) -> list[str]:
    """The names as a list without duplicates (a lone string is one name)."""
    names = [value] if isinstance(value, str) else list(value or ())
    return list(dict.fromkeys(str(name) for name in names))


def _browse_hint(catalog: ToolCatalog, total: int) -> dict[str, Any]:
    if total:
        return {
            "hint": "Activate what you need with load_tools(tool_names=[...]) or "
            f"load_tool_group(group=...). {_NEXT_TURN}"
        }
    return {
        "hint": "No tool matched. Try fewer or other keywords, or browse by category or group.",
        "categories": catalog.list_categories()[:MAX_BROWSE_LIMIT],
        "groups": catalog.list_groups()[:MAX_BROWSE_LIMIT],
    }


def _load_body(
    outcome: LoadOutcome, unknown: dict[str, str], session: ToolSession
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "loaded": outcome.loaded,
        "already_active": outcome.already_active,
        "refused": _listed({**unknown, **outcome.refused}),
    }
    if outcome.loaded:
        body["note"] = _NEXT_TURN
    if outcome.refused:
        body["hint"] = "Unload tools you no longer need with unload_tools, then retry."
    return body


def _listed(reasons: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "reason": reason} for name, reason in reasons.items()]


def _reply(body: dict[str, Any], session: ToolSession | None) -> ToolExecutionResult:
    """The JSON answer, with the session's fill level when there is a session."""
    if session is not None:
        body["session"] = _session_state(session)
    return ToolExecutionResult(content=json.dumps(body))


def _session_state(session: ToolSession) -> dict[str, Any]:
    state: dict[str, Any] = {
        "active_count": len(session.load_order),
        "max_tools": session.max_tools,
    }
    if session.token_budget is not None:
        state.update(token_budget=session.token_budget, tokens_used=session.tokens_used)
    return state
