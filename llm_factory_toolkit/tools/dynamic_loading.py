"""What ``LLMClient(core_tools=..., dynamic_tool_loading=True)`` sets up, and its sessions.

At construction: a catalog for the factory (one the user set is kept), the meta-tools, and a
check that every core tool is registered. Per ``generate()`` without ``tool_session=``: a fresh
session with the core tools and the meta-tools loaded and pinned.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..exceptions import ConfigurationError
from .catalog import InMemoryToolCatalog
from .meta_tools import META_TOOL_NAMES
from .session import DEFAULT_MAX_TOOLS, ToolSession

if TYPE_CHECKING:
    from .tool_factory import ToolFactory


def prepare_dynamic_loading(
    factory: ToolFactory | None, core_tools: Sequence[str] | None, enabled: bool
) -> tuple[str, ...]:
    """Set the factory up for dynamic loading when ``enabled``; returns the checked core tools."""
    core = tuple(dict.fromkeys(core_tools or ()))
    if not enabled and not core:
        return core
    if factory is None:
        raise ConfigurationError(
            "dynamic_tool_loading=True (or core_tools) needs a tool_factory with the tools to "
            "load: LLMClient(..., tool_factory=factory, dynamic_tool_loading=True)"
        )
    missing = [name for name in core if name not in factory.registrations]
    if missing:
        raise ConfigurationError(f"core_tools are not registered in the tool factory: {missing}")
    if enabled:
        if factory.get_catalog() is None:
            factory.set_catalog(InMemoryToolCatalog(factory))
        factory.register_meta_tools()
        _check_room(core)
    return core


def session_for_run(core_tools: Sequence[str]) -> ToolSession:
    """A fresh session with ``core_tools`` and the meta-tools loaded and pinned."""
    session = ToolSession()
    session.load([*core_tools, *META_TOOL_NAMES], pin=True)
    return session


def _check_room(core: tuple[str, ...]) -> None:
    needed = len({*core, *META_TOOL_NAMES})
    limit = DEFAULT_MAX_TOOLS
    if needed > limit:
        raise ConfigurationError(
            f"{len(core)} core_tools plus the {len(META_TOOL_NAMES)} meta-tools exceed a "
            f"session's default limit of {limit} tools; keep the core set small"
        )
