"""The events observers can subscribe to (``client.events.subscribe(ToolCallFinished, fn)``).

``ToolCallDenied`` here is the *event*; the exception a hook raises to deny a call is
``llm_factory_toolkit.ToolCallDenied``.
"""

from __future__ import annotations

from .pipeline.events import (
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
    ToolCallDenied,
    ToolCallFailed,
    ToolCallFinished,
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
    "ToolCallDenied",
    "ToolCallFailed",
    "ToolCallFinished",
    "ToolCallRequested",
    "ToolCallStarted",
    "ToolsLoaded",
    "ToolsUnloaded",
    "UsageRecorded",
]
