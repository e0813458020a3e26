"""The pipeline spine: context values, the onion builder, the agent loop, events and hooks."""

from __future__ import annotations

from .bus import EventBus
from .context import (
    GenerationContext,
    GenerationRequest,
    ModelCall,
    ModelResponse,
    RequestedToolCall,
    ToolCall,
)
from .hooks import HookRegistry
from .stack import Middleware, Pipeline, build_onion

__all__ = [
    "EventBus",
    "GenerationContext",
    "GenerationRequest",
    "HookRegistry",
    "Middleware",
    "ModelCall",
    "ModelResponse",
    "Pipeline",
    "RequestedToolCall",
    "ToolCall",
    "build_onion",
]
