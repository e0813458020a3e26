"""The event bus: typed subscriptions, catch-all observers, isolation of failures."""

from __future__ import annotations

import dataclasses

import pytest

from llm_factory_toolkit.core.results import Usage
from llm_factory_toolkit.events import (
    Event,
    GenerationFinished,
    GenerationStarted,
    ModelCallFinished,
    UsageRecorded,
)
from llm_factory_toolkit.pipeline import EventBus

pytestmark = pytest.mark.anyio


def started() -> GenerationStarted:
    return GenerationStarted(run_id="r1", model="m")


async def test_typed_and_catch_all_observers_both_receive() -> None:
    """subscribe() gets one type, subscribe_all() gets every event."""
    bus, typed, every = EventBus(), [], []
    bus.subscribe(GenerationStarted, typed.append)
    bus.subscribe_all(every.append)
    await bus.emit(started())
    await bus.emit(UsageRecorded(run_id="r1", iteration=1, model="m", usage=Usage()))
    assert [e.kind for e in typed] == ["generation.started"]
    assert [e.kind for e in every] == ["generation.started", "usage.recorded"]


async def test_subscribing_to_the_base_class_receives_subclasses() -> None:
    """Event is the base of every event, so subscribing to it is a catch-all too."""
    bus, seen = EventBus(), []
    bus.subscribe(Event, seen.append)
    await bus.emit(started())
    assert len(seen) == 1


async def test_async_observers_are_awaited() -> None:
    """An async observer runs to completion before emit returns."""
    bus, seen = EventBus(), []

    async def observer(event: GenerationStarted) -> None:
        seen.append(event.run_id)

    bus.subscribe(GenerationStarted, observer)
    await bus.emit(started())
    assert seen == ["r1"]


async def test_a_failing_observer_is_isolated() -> None:
    """An observer that raises does not stop the others nor reach the emitter."""
    bus, seen = EventBus(), []

    def broken(event: Event) -> None:
        raise RuntimeError("observer bug")

    bus.subscribe_all(broken)
    bus.subscribe_all(seen.append)
    await bus.emit(started())
    assert [(e.kind, e.run_id) for e in seen] == [("generation.started", "r1")]


async def test_lambdas_are_held_strongly() -> None:
    """A lambda subscribed without keeping a reference keeps receiving (weak=False)."""
    bus, seen = EventBus(), []
    bus.subscribe(GenerationStarted, lambda e: seen.append(e))
    import gc

    gc.collect()
    await bus.emit(started())
    assert len(seen) == 1


async def test_unsubscribe_stops_delivery() -> None:
    """unsubscribe removes the observer from every subscription."""
    bus, seen = EventBus(), []
    observer = seen.append
    bus.subscribe(GenerationStarted, observer)
    bus.subscribe_all(observer)
    bus.unsubscribe(observer)
    await bus.emit(started())
    assert seen == []
    assert not bus.has_observers


def test_events_are_frozen_values_with_a_kind() -> None:
    """Events cannot be changed by observers, and each names its own kind."""
    event = ModelCallFinished(
        run_id="r",
        iteration=1,
        model="m",
        provider="p",
        finish_reason="stop",
        tool_call_count=0,
        duration_s=0.1,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.model = "other"  # type: ignore[misc]
    assert dataclasses.asdict(event)["kind"] == "model_call.finished"
    finished = GenerationFinished(
        run_id="r", model="m", finish_reason="stop", iterations=1, usage=Usage(), duration_s=0.0
    )
    assert finished.kind == "generation.finished"
