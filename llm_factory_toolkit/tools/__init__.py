"""The tool framework: registration, dispatch, sessions and catalogs."""

from __future__ import annotations

from .base_tool import BaseTool
from .builtins import read_local_file, safe_math_evaluator
from .models import (
    GenerationResult,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
    Usage,
)
from .registration import ToolRegistration
from .runtime import ToolRuntime
from .tool_factory import ToolFactory

__all__ = [
    "BaseTool",
    "GenerationResult",
    "ParsedToolCall",
    "StreamChunk",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRegistration",
    "ToolRuntime",
    "Usage",
    "read_local_file",
    "safe_math_evaluator",
]
