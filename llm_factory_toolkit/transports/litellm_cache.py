"""``prompt_cache`` on the litellm route: ``cache_control`` where litellm forwards it.

For Anthropic, litellm passes ``cache_control`` on a message's content parts and on a tool
definition through to the Messages API; the parts marked are those the native route marks
(``anthropic_request``): the system prompt, the last tool, the last turn.
"""

from __future__ import annotations

from typing import Any

from ..core.results import Message
from .anthropic_request import cache_control, cache_parts


def with_cache_marks(kwargs: dict[str, Any], prompt_cache: Any) -> None:
    """Mark ``kwargs["messages"]`` and ``kwargs["tools"]`` for Anthropic's prompt cache."""
    parts = cache_parts(prompt_cache)
    if not parts:
        return
    control = cache_control(prompt_cache)
    messages: list[Message] = list(kwargs["messages"])
    if "system" in parts:
        systems = [i for i, m in enumerate(messages) if m.get("role") == "system"]
        if systems:
            messages[systems[-1]] = _marked(messages[systems[-1]], control)
    if "messages" in parts and messages and messages[-1].get("role") != "system":
        messages[-1] = _marked(messages[-1], control)
    kwargs["messages"] = messages
    if "tools" in parts and kwargs.get("tools"):
        tools = list(kwargs["tools"])
        tools[-1] = {**tools[-1], "cache_control": control}
        kwargs["tools"] = tools


def _marked(message: Message, control: dict[str, str]) -> Message:
    """``message`` with its content as parts, the last one carrying ``cache_control``."""
    content = message.get("content")
    parts = [{"type": "text", "text": content or ""}] if not isinstance(content, list) else content
    if not parts:
        return message
    return {**message, "content": [*parts[:-1], {**parts[-1], "cache_control": control}]}
