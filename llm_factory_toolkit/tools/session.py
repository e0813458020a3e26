"""ToolSession: which tools are active in one conversation, kept outside the message history.

The tool-visibility stage shows the model only the session's active tools and refuses calls
to the others, so the loaded set is state the application owns: it can be saved with
``to_dict()`` (Redis, a database) and restored with ``from_dict()``, whatever the provider.

Two limits guard the context window: ``max_tools`` (a count) and ``token_budget`` (the tokens
the active definitions may take, measured by ``token_counter``; see ``token_budget.py``).
A tool that cannot be measured yet (no counter: the client binds one for the run's model when
the run starts) is loaded unmeasured, and measured and counted once a counter is set.
Pinned tools (the client's core tools and the meta-tools) cannot be unloaded.
Every change is also queued for the tool-visibility stage, which publishes it on the run's
event bus as ``ToolsLoaded`` / ``ToolsUnloaded``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ConfigurationError
from .token_budget import TokenCounter

DEFAULT_MAX_TOOLS = 50


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    """What a load did: names loaded, names already active, and each refusal's reason."""

    loaded: list[str] = field(default_factory=list)
    already_active: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SessionChange:
    """One change of the active set, waiting to be published as an event."""

    kind: str
    """``"loaded"`` or ``"unloaded"``."""
    tool_names: tuple[str, ...]
    refused: tuple[str, ...] = ()


class ToolSession:
    """The active tools of a conversation, with a count limit and an optional token budget.

    Args:
        max_tools: At most this many tools active at once.
        token_budget: At most this many tokens of active tool definitions (None: no budget).
        session_id: A stable id for persistence; a new one by default.
        metadata: Anything the application wants saved with the session.
        token_counter: Measures a tool's definition by name (``definition_token_counter``);
            with a budget and none given, each run sets one for its model.
    """

    def __init__(
        self,
        max_tools: int = DEFAULT_MAX_TOOLS,
        token_budget: int | None = None,
        *,
        session_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        token_counter: TokenCounter | None = None,
    ) -> None:
        _check_limits(max_tools, token_budget)
        self.session_id = session_id or uuid.uuid4().hex
        self.max_tools = max_tools
        self.token_budget = token_budget
        self.metadata: dict[str, Any] = dict(metadata or {})
        self._active: dict[str, int | None] = {}
        self._pinned: set[str] = set()
        self._changes: list[SessionChange] = []
        self._lock = threading.Lock()
        self._counter: TokenCounter | None = None
        self.token_counter = token_counter

    def __repr__(self) -> str:
        return f"ToolSession(session_id={self.session_id!r}, active={self.list_active()!r})"

    @property
    def token_counter(self) -> TokenCounter | None:
        """Measures a tool's definition by name; setting one measures the unmeasured tools."""
        return self._counter

    @token_counter.setter
    def token_counter(self, counter: TokenCounter | None) -> None:
        with self._lock:
            self._counter = counter
            if counter is not None:
                for name, size in self._active.items():
                    if size is None:
                        self._active[name] = counter(name)

    @property
    def active_tools(self) -> set[str]:
        """The active tool names (a copy)."""
        return set(self._active)

    @property
    def load_order(self) -> tuple[str, ...]:
        """The active tool names in the order they were loaded (stable for prompt caching)."""
        return tuple(self._active)

    @property
    def pinned_tools(self) -> frozenset[str]:
        """Tools that cannot be unloaded."""
        return frozenset(self._pinned)

    @property
    def tokens_used(self) -> int:
        """Tokens of the active definitions that were measured when loaded."""
        return sum(size for size in self._active.values() if size is not None)

    def is_active(self, name: str) -> bool:
        return name in self._active

    def is_pinned(self, name: str) -> bool:
        return name in self._pinned

    def list_active(self) -> list[str]:
        """The active tool names, sorted."""
        return sorted(self._active)

    def load(self, names: Iterable[str], *, pin: bool = False) -> list[str]:
        """Activate ``names`` in order, as far as the limits allow; returns the names refused.

        A name already active is not a failure. ``pin=True`` also makes the names unloadable.
        """
        return list(self.try_load(names, pin=pin).refused)

    def try_load(self, names: Iterable[str], *, pin: bool = False) -> LoadOutcome:
        """Like ``load``, but says what happened to each name and why a name was refused."""
        outcome = LoadOutcome()
        with self._lock:
            for name in dict.fromkeys(names):
                self._load_one(name, outcome)
                if pin and name in self._active:
                    self._pinned.add(name)
            if outcome.loaded or outcome.refused:
                self._changes.append(
                    SessionChange("loaded", tuple(outcome.loaded), tuple(outcome.refused))
                )
        return outcome

    def unload(self, names: Iterable[str]) -> list[str]:
        """Deactivate ``names``; returns the pinned names that were refused.

        Names that are not active are ignored.
        """
        refused: list[str] = []
        with self._lock:
            removed = []
            for name in dict.fromkeys(names):
                if name in self._pinned:
                    refused.append(name)
                elif name in self._active:
                    del self._active[name]
                    removed.append(name)
            if removed:
                self._changes.append(SessionChange("unloaded", tuple(removed)))
        return refused

    def take_changes(self) -> list[SessionChange]:
        """The changes since the last call, oldest first (the visibility stage publishes them)."""
        with self._lock:
            changes, self._changes = self._changes, []
        return changes

    def _load_one(self, name: str, outcome: LoadOutcome) -> None:
        if name in self._active:
            outcome.already_active.append(name)
            return
        size, reason = self._admit(name)
        if reason is not None:
            outcome.refused[name] = reason
            return
        self._active[name] = size
        outcome.loaded.append(name)

    def _admit(self, name: str) -> tuple[int | None, str | None]:
        """The tool's size in tokens, or why it cannot be loaded now."""
        if len(self._active) >= self.max_tools:
            return None, f"the session is at its limit of {self.max_tools} active tools"
        size = self._counter(name) if self._counter is not None else None
        if self.token_budget is None or size is None:
            return size, None
        left = self.token_budget - self.tokens_used
        if size > left:
            return None, (
                f"its definition takes {size} tokens and {left} of the "
                f"{self.token_budget}-token budget are left"
            )
        return size, None

    def to_dict(self) -> dict[str, Any]:
        """The session as plain JSON-ready data (``from_dict`` restores it)."""
        return {
            "session_id": self.session_id,
            "max_tools": self.max_tools,
            "token_budget": self.token_budget,
            "active_tools": list(self._active),
            "pinned_tools": sorted(self._pinned),
            "tool_tokens": {n: s for n, s in self._active.items() if s is not None},
            "metadata": dict(self.metadata),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolSession:
        """A session from ``to_dict()`` output; missing keys take their defaults."""
        session = cls(
            max_tools=data.get("max_tools", DEFAULT_MAX_TOOLS),
            token_budget=data.get("token_budget"),
            session_id=data.get("session_id"),
            metadata=data.get("metadata") or {},
        )
        sizes = data.get("tool_tokens") or {}
        for name in data.get("active_tools") or ():
            session._active[str(name)] = sizes.get(name)
        session._pinned = {str(name) for name in data.get("pinned_tools") or ()}
        return session


def _check_limits(max_tools: Any, token_budget: Any) -> None:
    if not isinstance(max_tools, int) or isinstance(max_tools, bool) or max_tools < 1:
        raise ConfigurationError(f"max_tools must be a positive integer, got {max_tools!r}")
    if token_budget is not None and (
        not isinstance(token_budget, int) or isinstance(token_budget, bool) or token_budget < 1
    ):
        raise ConfigurationError(
            f"token_budget must be a positive integer or None, got {token_budget!r}"
        )
