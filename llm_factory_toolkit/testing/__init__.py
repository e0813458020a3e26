"""Test your agents offline: a scripted LLM server, a scripted transport, event capture.

``LoopbackLLMServer`` speaks OpenAI Chat Completions, the Responses API and Anthropic
Messages (JSON and SSE) on 127.0.0.1, so the real SDKs are exercised end to end::

    from llm_factory_toolkit import LLMClient
    from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec

    with LoopbackLLMServer() as server:
        server.script(ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]), Text("Sunny."))
        client = LLMClient(model="openai/test-model", api_key="test",
                           api_base=server.openai_base_url, tool_factory=factory)
        result = await client.generate(input="Weather in Paris?")
        assert server.requests[1].body["messages"][-1]["role"] == "tool"

``ScriptedTransport`` answers the same script in-process (``LLMClient(transport=...)``), and
``capture_events(client.events)`` records what the pipeline emitted. Installing the package
also gives pytest the fixtures ``llm_server``, ``scripted_client`` and ``captured_events``
(``pytest_plugin``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.deprecation import renamed_names
from .events import EventLog, capture_events
from .script import (
    Fail,
    JSONReply,
    Malformed,
    Reset,
    Stall,
    Text,
    ToolCalls,
    ToolCallSpec,
    Truncated,
    Turn,
    UsageSpec,
)
from .scripted import RecordedCall, ScriptedTransport
from .server import LoopbackLLMServer, RecordedRequest

__all__ = [
    "EventLog",
    "Fail",
    "JSONReply",
    "LoopbackLLMServer",
    "Malformed",
    "RecordedCall",
    "RecordedRequest",
    "Reset",
    "ScriptedTransport",
    "Stall",
    "Text",
    "ToolCallSpec",
    "ToolCalls",
    "Truncated",
    "Turn",
    "UsageSpec",
    "capture_events",
]

if TYPE_CHECKING:
    Usage = UsageSpec
__getattr__ = renamed_names(__name__, {"Usage": UsageSpec})
