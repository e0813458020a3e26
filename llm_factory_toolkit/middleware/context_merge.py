"""Context merge: turns what ``generate()`` was given into the run's starting state.

It copies the caller's messages into the transcript (the caller's list is never mutated),
accepts a plain string as one user message, checks every message has a role, and freezes the
``tool_execution_context`` the tools will be injected from.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..core.calls import GenerationContext, GenerationHandler
from ..core.results import GenerationResult, Message
from ..exceptions import ConfigurationError


class ContextMergeMiddleware:
    """Builds ``ctx.messages`` and ``ctx.tool_context`` from the request."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        request = ctx.request
        ctx.messages = [dict(message) for message in request.messages]
        ctx.tool_context = MappingProxyType(dict(request.tool_execution_context))
        if ctx.tool_session is None:
            ctx.tool_session = request.tool_session
        return await call_next(ctx)


def normalize_input(value: Any) -> tuple[Message, ...]:
    """The ``input=`` of ``generate()`` as messages; raises ``ConfigurationError`` if invalid."""
    if isinstance(value, str):
        return ({"role": "user", "content": value},)
    if isinstance(value, Mapping) or not isinstance(value, list | tuple):
        raise ConfigurationError(
            "input must be a list of messages like [{'role': 'user', 'content': '...'}] "
            f"or a string, got {type(value).__name__}"
        )
    for position, message in enumerate(value):
        if not isinstance(message, Mapping) or not isinstance(message.get("role"), str):
            raise ConfigurationError(
                f"input[{position}] is not a message with a 'role': {message!r}"
            )
    return tuple(value)
