"""Built-in tools, safe by construction: ``safe_math_evaluator`` and ``read_local_file``.

``ToolFactory.register_builtins(names=None, base_dir=None)`` registers them; ``base_dir`` is
the only directory ``read_local_file`` reads from (without one, it refuses every read).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..exceptions import ToolError
from .local_files import LocalFileReader, read_local_file
from .safe_math import safe_math_evaluator

__all__ = [
    "BUILTIN_TOOLS",
    "BuiltinTool",
    "builtin_function",
    "read_local_file",
    "safe_math_evaluator",
]


@dataclass(frozen=True, slots=True)
class BuiltinTool:
    """How a built-in is registered: its definition and how its function is made."""

    description: str
    parameters: dict[str, Any]
    tags: tuple[str, ...]
    make: Callable[[str | os.PathLike[str] | None], Callable[..., Any]]
    category: str = "utility"


BUILTIN_TOOLS: dict[str, BuiltinTool] = {
    "safe_math_evaluator": BuiltinTool(
        description="Safely evaluates a mathematical expression, e.g. '2 + 3' or 'sqrt(2) * pi'.",
        parameters={
            "type": "object",
            "properties": {"expression": {"type": "string"}},
            "required": ["expression"],
            "additionalProperties": False,
        },
        tags=("math",),
        make=lambda base_dir: safe_math_evaluator,
    ),
    "read_local_file": BuiltinTool(
        description="Reads content from a local file path, as text or JSON.",
        parameters={
            "type": "object",
            "properties": {
                "file_path": {"type": "string"},
                "format": {"type": "string", "enum": ["text", "json"], "default": "text"},
            },
            "required": ["file_path"],
            "additionalProperties": False,
        },
        tags=("file",),
        make=LocalFileReader,
    ),
}


def builtin_function(
    name: str, base_dir: str | os.PathLike[str] | None = None
) -> tuple[BuiltinTool, Callable[..., Any]]:
    """The built-in ``name`` and its function; raises ``ToolError`` for an unknown name."""
    builtin = BUILTIN_TOOLS.get(name)
    if builtin is None:
        raise ToolError(f"unknown built-in tool {name!r}; available: {', '.join(BUILTIN_TOOLS)}")
    return builtin, builtin.make(base_dir)
