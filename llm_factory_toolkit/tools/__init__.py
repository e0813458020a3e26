"""The tool framework: registration, dispatch, sessions and catalogs."""

from __future__ import annotations

from ..core.results import (
    GenerationResult,
    ParsedToolCall,
    StreamChunk,
    ToolExecutionResult,
    ToolIntentOutput,
    Usage,
)
from .base_tool import BaseTool
from .builtins import read_local_file, safe_math_evaluator
from .catalog import InMemoryToolCatalog, ToolCatalog, ToolCatalogEntry
from .registration import ToolRegistration
from .runtime import ToolRuntime
from .session import ToolSession
from .tool_factory import ToolFactory

__all__ = [
    "BaseTool",
    "GenerationResult",
    "InMemoryToolCatalog",
    "ParsedToolCall",
    "StreamChunk",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRegistration",
    "ToolRuntime",
    "ToolSession",
    "Usage",
    "read_local_file",
    "safe_math_evaluator",
]
