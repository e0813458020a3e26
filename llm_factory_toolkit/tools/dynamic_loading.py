"""What ``LLMClient(core_tools=..., dynamic_tool_loading=True)`` sets up, and its sessions.

At construction: a check that every core tool is registered, and the factory the client runs
with (``DynamicLoadingFactory``: the meta-tools and a catalog, unless the user set one, kept
apart from the user's factory, which other clients may share). Per ``generate()``: the
``tool_session=`` given, else a fresh one, with the core tools and the meta-tools loaded and
pinned, so they are offered and cannot be unloaded whoever made the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..exceptions import ConfigurationError
from .meta_tools import META_TOOL_NAMES
from .session import DEFAULT_MAX_TOOLS, ToolSession

if TYPE_CHECKING:
    from .tool_factory import ToolFactory


def check_core_tools(
    factory: ToolFactory, core_tools: Sequence[str] | None, enabled: bool
) -> tuple[str, ...]:
    """The core tools, once each; raises ``ConfigurationError`` for unregistered ones."""
    core = tuple(dict.fromkeys(core_tools or ()))
    missing = [name for name in core if name not in factory.registrations]
    if missing:
        raise ConfigurationError(f"core_tools are not registered in the tool factory: {missing}")
    if enabled:
        _check_room(core)
    return core


def loading_factory(factory: ToolFactory) -> ToolFactory:
    """The factory a dynamic-loading client runs with; ``factory`` itself stays unchanged."""
    from .loading_factory import DynamicLoadingFactory

    return DynamicLoadingFactory(factory)


def session_for_run(core_tools: Sequence[str], session: ToolSession | None) -> ToolSession:
    """``session`` (else a fresh one) with ``core_tools`` and the meta-tools loaded and pinned."""
    session = session if session is not None else ToolSession()
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
