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
from .editable_stack import MiddlewareStack
from .hooks import HookRegistry
from .stack import (
    GenerationMiddleware,
    Middleware,
    ModelCallMiddleware,
    Pipeline,
    ToolCallMiddleware,
    build_onion,
)

__all__ = [
    "EventBus",
    "GenerationContext",
    "GenerationHandler",
    "GenerationMiddleware",
    "GenerationRequest",
    "HookRegistry",
    "Middleware",
    "MiddlewareStack",
    "ModelCall",
    "ModelCallMiddleware",
    "ModelHandler",
    "ModelResponse",
    "Pipeline",
    "RequestedToolCall",
    "ToolCall",
    "ToolCallMiddleware",
    "ToolHandler",
    "build_onion",
]
