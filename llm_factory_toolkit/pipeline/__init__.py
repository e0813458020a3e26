"""The pipeline spine: context values, the onion builder, the agent loop, events and hooks.

The types a custom stage or hook is written against live here: ``Middleware`` (and its three
one-level protocols), the handler aliases ``GenerationHandler`` / ``ModelHandler`` /
``ToolHandler`` its ``call_next`` has, and the hook aliases the ``client.hooks`` decorators check.
"""

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
from .hooks import (
    AfterModelHook,
    AfterToolHook,
    BeforeModelHook,
    BeforeToolHook,
    HookRegistry,
)
from .stack import (
    GenerationMiddleware,
    Middleware,
    ModelCallMiddleware,
    Pipeline,
    ToolCallMiddleware,
    build_onion,
)

__all__ = [
    "AfterModelHook",
    "AfterToolHook",
    "BeforeModelHook",
    "BeforeToolHook",
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
