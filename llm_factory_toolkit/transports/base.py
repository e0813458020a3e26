"""The transport interface: the innermost model-call handler, one per wire protocol.

A transport turns a ``ModelCall`` into an HTTP exchange and the answer back into a
``ModelResponse`` (or a stream of ``StreamDelta``). It never retries, loops or runs tools:
those are stages. Errors leave a transport already mapped to ``ProviderError`` subclasses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.results import Usage

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A fragment of a streamed tool call; ``index`` groups fragments of one call."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamDelta:
    """One streamed increment of a model's answer, in a provider-neutral shape."""

    content: str = ""
    tool_calls: tuple[ToolCallDelta, ...] = ()
    finish_reason: str | None = None
    usage: Usage | None = None
    response_id: str | None = None
    response_model: str | None = None
    metadata: dict[str, Any] | None = None
    message_extras: dict[str, Any] | None = None
    """Keys for the assembled assistant message that its wire needs back (``thinking_blocks``)."""


class Transport(ABC):
    """Sends model calls to one kind of provider API."""

    name: str = "transport"
    """The provider name reported in events and traces (``gen_ai.provider.name``)."""

    @abstractmethod
    async def send(self, call: ModelCall) -> ModelResponse:
        """Send ``call`` and return the whole answer."""

    @abstractmethod
    def stream(self, call: ModelCall) -> AsyncGenerator[StreamDelta, None]:
        """Send ``call`` and yield the answer as it arrives; closing the iterator aborts it."""

    def provider_of(self, model: str) -> str:
        """The provider that serves ``model`` through this transport."""
        return self.name

    async def aclose(self) -> None:  # noqa: B027 - optional for subclasses
        """Release connections; the default transport holds none of its own."""
