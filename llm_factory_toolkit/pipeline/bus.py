"""The event bus: observers subscribe to one event type, or to all of them.

Built on blinker: one signal per event class in a private namespace, receivers held strongly
(``weak=False``) so a lambda or closure is not collected behind the user's back. Observers
cannot change a generation's outcome, and a failing observer is logged and isolated.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from blinker import Namespace, Signal

from ..core.events import Event
from ..log import log

E = TypeVar("E", bound=Event)
Observer = Callable[[E], Awaitable[None] | None]


class EventBus:
    """Delivers events to observers; sync and async observers are both accepted."""

    def __init__(self) -> None:
        self._signals = Namespace()
        self._any = Signal("any")

    def subscribe(self, event_type: type[E], observer: Observer[E]) -> Observer[E]:
        """Call ``observer(event)`` for every event of ``event_type`` (and its subclasses)."""
        self._signals.signal(event_type.__name__).connect(observer, weak=False)
        return observer

    def subscribe_all(self, observer: Observer[Event]) -> Observer[Event]:
        """Call ``observer(event)`` for every event."""
        self._any.connect(observer, weak=False)
        return observer

    def unsubscribe(self, observer: Callable[..., Any]) -> None:
        """Stop delivering events to ``observer``, wherever it was subscribed."""
        self._any.disconnect(observer)
        for signal in self._signals.values():
            signal.disconnect(observer)

    @property
    def has_observers(self) -> bool:
        """Whether anyone listens; emitters skip building events when nobody does."""
        return bool(self._any.receivers) or any(s.receivers for s in self._signals.values())

    async def emit(self, event: Event) -> None:
        """Deliver ``event``; an observer that raises is logged and the others still run."""
        for observer in self._observers_of(event):
            try:
                outcome = observer(event)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:
                log(
                    "error",
                    "event_observer_failed",
                    event_kind=event.kind,
                    observer=repr(observer),
                    exc_info=True,
                )

    def _observers_of(self, event: Event) -> list[Callable[[Any], Any]]:
        found: list[Callable[[Any], Any]] = []
        for cls in type(event).__mro__:
            signal = self._signals.get(cls.__name__)
            if signal is not None and signal.receivers:
                found.extend(signal.receivers_for(None))
        found.extend(self._any.receivers_for(None))
        return found
