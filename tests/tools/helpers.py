"""Shared helpers of the tool-framework tests: the models they run on, a result reader."""

from __future__ import annotations

import json

MODELS = ["openai/tool-model", "anthropic/claude-tool"]
"""A Chat Completions model and an Anthropic Messages one, both through real litellm."""


def status_of(content: str) -> str:
    """The ``status`` of an error tool result."""
    return str(json.loads(content)["status"])
