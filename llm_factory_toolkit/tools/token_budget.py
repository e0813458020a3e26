"""The size of tool definitions in tokens, for ``ToolSession``'s token budget.

A definition is measured as the JSON text the provider receives. It is counted with LiteLLM's
``token_counter`` for the model when LiteLLM can do that offline: tiktoken with the encodings
LiteLLM bundles (exact for OpenAI models, LiteLLM's own approximation for the others).
Where LiteLLM would download a tokenizer from Hugging Face (Llama, Cohere Command-R), or is
not installed, or no model is known, the size is estimated as one token per four characters
of that JSON, rounded up: OpenAI's rule of thumb for English text, close for JSON schemas.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tool_factory import ToolFactory

CHARS_PER_TOKEN = 4

TokenCounter = Callable[[str], int | None]
"""Tokens of a tool's definition by tool name; None when the tool is unknown."""


def estimate_tokens(text: str) -> int:
    """The documented estimate: one token per ``CHARS_PER_TOKEN`` characters, rounded up."""
    return max(1, math.ceil(len(text) / CHARS_PER_TOKEN))


def count_tokens(text: str, model: str | None = None) -> int:
    """Tokens in ``text`` for ``model``: its tokenizer where LiteLLM has one offline."""
    counter = None if model is None else _litellm_counter(model)
    return estimate_tokens(text) if counter is None else counter(text)


def definition_tokens(definition: Mapping[str, Any], model: str | None = None) -> int:
    """Tokens of one tool definition, as the JSON the provider is sent."""
    return count_tokens(json.dumps(definition), model)


def definition_token_counter(factory: ToolFactory, model: str | None = None) -> TokenCounter:
    """A ``ToolSession.token_counter`` measuring ``factory``'s definitions (cached per tool)."""
    sizes: dict[str, int] = {}

    def measure(name: str) -> int | None:
        if name not in sizes:
            registration = factory.registrations.get(name)
            if registration is None:
                return None
            sizes[name] = definition_tokens(registration.definition, model)
        return sizes[name]

    return measure


def _litellm_counter(model: str) -> Callable[[str], int] | None:
    """LiteLLM's counter for ``model``, or None when it would need a download or is missing."""
    try:
        from ..transports.litellm_loader import load_litellm

        litellm = load_litellm()
        from litellm.utils import huggingface_tokenizer_kind
    except ImportError:
        return None
    if huggingface_tokenizer_kind(model) is not None:
        return None
    return lambda text: int(litellm.token_counter(model=model, text=text))
