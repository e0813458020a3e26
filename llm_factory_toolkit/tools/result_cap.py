"""The cap on what one tool result may put in front of the model (``max_tool_result_chars``).

A tool may return megabytes; sent whole, they cost tokens, crowd out the conversation or
overflow the context window. The model reads the first ``limit`` characters and a marker
saying how much was cut; the caller keeps everything in the payload.
"""

from __future__ import annotations

import dataclasses

from .models import ToolExecutionResult

DEFAULT_MAX_TOOL_RESULT_CHARS = 100_000


def cap_for_model(result: ToolExecutionResult, limit: int | None) -> ToolExecutionResult:
    """``result`` with its content cut to ``limit`` characters (None: no cap) plus a marker.

    The payload keeps the whole result; when it had none, it becomes the whole content.
    """
    content = result.content
    if limit is None or len(content) <= limit:
        return result
    marker = (
        f"\n[truncated: the tool returned {len(content)} characters; "
        f"only the first {limit} are shown]"
    )
    payload = content if result.payload is None else result.payload
    return dataclasses.replace(result, content=content[:limit] + marker, payload=payload)
