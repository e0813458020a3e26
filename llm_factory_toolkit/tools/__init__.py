"""The tool framework: registration, dispatch, sessions and catalogs."""

from __future__ import annotations

from .models import (
    GenerationResult,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
    Usage,
)
from .tool_factory import ToolFactory

__all__ = [
    "GenerationResult",
    "ParsedToolCall",
    "StreamChunk",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "Usage",
]
