"""Reading an SDK's event stream into ``StreamDelta`` values, the same way on every wire."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Protocol

import anyio

from .base import StreamDelta
from .errors import ProviderErrors


class EventReader(Protocol):
    """Turns one wire's stream events into deltas; knows whether the stream completed."""

    def delta(self, event: Any) -> StreamDelta | None: ...

    def check_finished(self) -> None: ...


async def sdk_deltas(
    open_stream: Callable[[], Awaitable[Any]], reader: EventReader, errors: ProviderErrors
) -> AsyncGenerator[StreamDelta, None]:
    """The deltas of the SDK stream ``open_stream`` opens; closed however reading stops."""
    with errors:
        events = await open_stream()
    try:
        while (event := await next_item(events, errors)) is not None:
            delta = reader.delta(event)
            if delta is not None:
                yield delta
        reader.check_finished()
    finally:
        with anyio.CancelScope(shield=True):
            await events.close()


async def next_item(events: Any, errors: ProviderErrors) -> Any:
    """The next item of an SDK stream (None at its end), its errors mapped."""
    with errors:
        try:
            return await events.__anext__()
        except StopAsyncIteration:
            return None
