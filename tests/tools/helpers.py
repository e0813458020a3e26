"""Shared helpers of the tool-framework tests: clients on the loopback server, body readers."""

from __future__ import annotations

import json
from typing import Any

from llm_factory_toolkit import LLMClient, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, RecordedRequest

MODELS = ["openai/tool-model", "anthropic/claude-tool"]
"""A Chat Completions model and an Anthropic Messages one, both through real litellm."""


def client_for(
    server: LoopbackLLMServer, model: str, factory: ToolFactory | None, **kwargs: Any
) -> LLMClient:
    base = server.anthropic_base_url if model.startswith("anthropic/") else server.openai_base_url
    return LLMClient(
        model=model, api_key="test", api_base=base, max_tokens=256, tool_factory=factory, **kwargs
    )


def tool_results(request: RecordedRequest) -> dict[str, str]:
    """The tool results a request carried back to the model, by tool call id, as text."""
    assert request.body is not None
    found: dict[str, str] = {}
    for message in request.body.get("messages", []):
        if message.get("role") == "tool":
            found[message["tool_call_id"]] = message["content"]
        for block in message.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                found[block["tool_use_id"]] = _text(block["content"])
    return found


def offered_tools(request: RecordedRequest) -> dict[str, dict[str, Any]]:
    """The tools a request offered, by name, with their parameter schemas."""
    assert request.body is not None
    offered: dict[str, dict[str, Any]] = {}
    for tool in request.body.get("tools", []):
        if "function" in tool:
            offered[tool["function"]["name"]] = tool["function"].get("parameters", {})
        else:
            offered[tool["name"]] = tool.get("input_schema", {})
    return offered


def status_of(content: str) -> str:
    """The ``status`` of an error tool result."""
    return str(json.loads(content)["status"])


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)
