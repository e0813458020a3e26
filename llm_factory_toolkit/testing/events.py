"""``capture_events``: record what a client's bus emitted, for assertions in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from ..core.events import Event
from ..pipeline.bus import EventBus

E = TypeVar("E", bound=Event)


class EventLog(list[Event]):
    """The events emitted, in order, with helpers to pick some out."""

    def of(self, event_type: type[E]) -> list[E]:
        """The events of ``event_type``, in order."""
        return [event for event in self if isinstance(event, event_type)]

    @property
    def kinds(self) -> list[str]:
        """The ``kind`` of every event, in order."""
        return [event.kind for event in self]


@contextmanager
def capture_events(bus: EventBus) -> Iterator[EventLog]:
    """Record every event ``bus`` emits inside the block (``client.events`` is a bus)."""
    log = EventLog()
    observer = log.append  # one bound-method object, so unsubscribe finds it
    bus.subscribe_all(observer)
    try:
        yield log
    finally:
        bus.unsubscribe(observer)
