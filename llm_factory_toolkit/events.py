"""The events observers can subscribe to (``client.events.subscribe(ToolCallFinished, fn)``).

``ToolCallRejected`` is the event of a vetoed call; the exception a hook raises to veto one is
``llm_factory_toolkit.ToolCallDenied``. The event's old name, ``ToolCallDenied``, still works
here for one release, with a ``DeprecationWarning``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core.deprecation import renamed_names
from .core.events import (
    ALL_EVENT_TYPES,
    Event,
    FallbackUsed,
    GenerationCancelled,
    GenerationFailed,
    GenerationFinished,
    GenerationStarted,
    ModelCallCancelled,
    ModelCallFailed,
    ModelCallFinished,
    ModelCallRetrying,
    ModelCallStarted,
    StreamChunkReceived,
    ToolCallCancelled,
    ToolCallFailed,
    ToolCallFinished,
    ToolCallRejected,
    ToolCallRequested,
    ToolCallStarted,
    ToolsLoaded,
    ToolsUnloaded,
    UsageRecorded,
)

__all__ = [
    "ALL_EVENT_TYPES",
    "Event",
    "FallbackUsed",
    "GenerationCancelled",
    "GenerationFailed",
    "GenerationFinished",
    "GenerationStarted",
    "ModelCallCancelled",
    "ModelCallFailed",
    "ModelCallFinished",
    "ModelCallRetrying",
    "ModelCallStarted",
    "StreamChunkReceived",
    "ToolCallCancelled",
    "ToolCallFailed",
    "ToolCallFinished",
    "ToolCallRejected",
    "ToolCallRequested",
    "ToolCallStarted",
    "ToolsLoaded",
    "ToolsUnloaded",
    "UsageRecorded",
]

if TYPE_CHECKING:
    ToolCallDenied = ToolCallRejected
__getattr__ = renamed_names(__name__, {"ToolCallDenied": ToolCallRejected})
