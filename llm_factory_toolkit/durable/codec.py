"""What crosses a durable step boundary, as JSON: model answers, tool results, whole results.

An engine records these values in its database and hands them back on replay, so they hold
only JSON (a tool's Pydantic payload comes back as its JSON dump); nothing in the run's
memory (the tool context, transports, the context object) is ever part of them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from ..pipeline.context import ModelResponse
from ..tools.models import (
    GenerationResult,
    ParsedToolCall,
    ToolExecutionResult,
    ToolIntentOutput,
    Usage,
)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data (Pydantic models dumped, dataclasses as dicts)."""
    return json.loads(json.dumps(value, default=_plain))


def _json_object(value: Any) -> dict[str, Any]:
    data: dict[str, Any] = jsonable(value)
    return data


def _plain(value: Any) -> Any:
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def response_to_json(response: ModelResponse) -> dict[str, Any]:
    """A model's answer as JSON."""
    return _json_object(
        {
            "message": response.message,
            "usage": response.usage,
            "finish_reason": response.finish_reason,
            "response_id": response.response_id,
            "response_model": response.response_model,
            "provider": response.provider,
            "metadata": dict(response.metadata),
        }
    )


def response_from_json(data: dict[str, Any]) -> ModelResponse:
    """The model's answer a step recorded."""
    usage = data["usage"]
    return ModelResponse(**{**data, "usage": Usage(**usage) if usage is not None else None})


def tool_result_to_json(result: ToolExecutionResult) -> dict[str, Any]:
    """A tool's result as JSON."""
    return _json_object(dataclasses.asdict(result))


def tool_result_from_json(data: dict[str, Any]) -> ToolExecutionResult:
    """The tool result a step recorded."""
    return ToolExecutionResult(**data)


def result_to_json(result: GenerationResult) -> dict[str, Any]:
    """A whole generation's result as JSON."""
    return _json_object(dataclasses.asdict(result))


def result_from_json(data: dict[str, Any]) -> GenerationResult:
    """The generation result a workflow returned."""
    return GenerationResult(**{**data, "usage": Usage(**data["usage"])})


def intent_to_json(intent: ToolIntentOutput) -> dict[str, Any]:
    """A tool plan as JSON."""
    return _json_object(dataclasses.asdict(intent))


def intent_from_json(data: dict[str, Any]) -> ToolIntentOutput:
    """The tool plan a workflow published."""
    calls = data["tool_calls"]
    return ToolIntentOutput(
        content=data["content"],
        tool_calls=None if calls is None else [ParsedToolCall(**call) for call in calls],
        raw_assistant_message=data["raw_assistant_message"],
    )
