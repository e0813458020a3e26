"""The promise behind ``GenerationResult[Ticket]``: the content is a ``Ticket``, or the call fails.

The structured-output stage validates the answer; a custom stack without it would hand back
the raw text under a type that says otherwise, so the client checks once more at the end.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..exceptions import StructuredOutputError
from .results import GenerationResult


async def checked_content(
    start: Callable[[], Awaitable[GenerationResult[Any]]], response_format: object
) -> GenerationResult[Any]:
    """Run ``start()``; with a model class as ``response_format`` its content must be one."""
    result = await start()
    if isinstance(response_format, type) and not isinstance(result.content, response_format):
        raise StructuredOutputError(
            f"the answer is not a {response_format.__name__}: no stage validated it "
            "(a stack given with stack= needs StructuredOutputMiddleware)",
            raw_text=result.content if isinstance(result.content, str) else "",
            transcript=list(result.messages),
        )
    return result
