"""Clients cached per event loop, closed when their loop shuts down.

An HTTP connection pool belongs to the loop that opened it, so SDK clients are cached per
loop. A cache keyed by the loop, though, keeps every loop alive (the client's sockets point
back at it), and a client nobody closed complains when the process exits. So each loop's
entry is owned by an async generator started on that loop and parked at its ``yield``: both
asyncio (``asyncio.run``, ``anyio.run``) and trio close the async generators still open when
a run ends, and the generator's ``finally`` closes the clients and drops the entry, so the
loop can go. ``aclose_current()`` does the same at once for the running loop.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Generic, TypeVar

import anyio.lowlevel

V = TypeVar("V")


class _Entry(Generic[V]):
    def __init__(self) -> None:
        self.values: dict[str, V] = {}
        self.keeper: AsyncGenerator[None, None] | None = None


class PerLoopCache(Generic[V]):
    """``value`` by key for the running loop; ``close`` releases one at the loop's end."""

    def __init__(self, close: Callable[[V], Awaitable[object]]) -> None:
        self._close = close
        self._entries: weakref.WeakKeyDictionary[object, _Entry[V]] = weakref.WeakKeyDictionary()

    async def get(self, key: str, make: Callable[[], V]) -> V:
        """The running loop's value for ``key``, made with ``make()`` the first time."""
        entry = await self._entry()
        value = entry.values.get(key)
        if value is None:
            value = entry.values[key] = make()
        return value

    async def aclose_current(self) -> None:
        """Close the running loop's values now."""
        entry = self._entries.get(_loop())
        if entry is not None and entry.keeper is not None:
            await entry.keeper.aclose()

    def __len__(self) -> int:
        return len(self._entries)

    async def _entry(self) -> _Entry[V]:
        loop = _loop()
        entry = self._entries.get(loop)
        if entry is None:
            entry = self._entries[loop] = _Entry()
            entry.keeper = self._keep(loop, entry)
            await entry.keeper.asend(None)  # the loop now finalizes it when it shuts down
        return entry

    async def _keep(self, loop: object, entry: _Entry[V]) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            self._entries.pop(loop, None)
            values, entry.values, entry.keeper = list(entry.values.values()), {}, None
            with anyio.CancelScope(shield=True):
                for value in values:
                    with contextlib.suppress(Exception):
                        await self._close(value)


def _loop() -> object:
    return anyio.lowlevel.current_token().native_token
