"""The pipeline spine: context values, the onion builder, the agent loop, events and hooks."""

from __future__ import annotations

from ..core.calls import (
    GenerationContext,
    GenerationHandler,
    GenerationRequest,
    ModelCall,
    ModelHandler,
    ModelResponse,
    RequestedToolCall,
    ToolCall,
    ToolHandler,
)
from .bus import EventBus
from .hooks import HookRegistry
from .stack import Middleware, Pipeline, build_onion

__all__ = [
    "EventBus",
    "GenerationContext",
    "GenerationHandler",
    "GenerationRequest",
    "HookRegistry",
    "Middleware",
    "ModelCall",
    "ModelHandler",
    "ModelResponse",
    "Pipeline",
    "RequestedToolCall",
    "ToolCall",
    "ToolHandler",
    "build_onion",
]
