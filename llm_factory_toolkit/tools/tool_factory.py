"""ToolFactory: the registry of tools the model may call."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from ..pipeline.context import ToolCall
from .models import ToolExecutionResult


@dataclass(slots=True)
class ToolRegistration:
    """One registered tool: its function, its definition and its catalog metadata."""

    name: str
    function: Callable[..., Any]
    description: str
    parameters: dict[str, Any]
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    group: str | None = None

    @property
    def definition(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


class ToolFactory:
    """Registers tools and runs them."""

    def __init__(self) -> None:
        self.registrations: dict[str, ToolRegistration] = {}

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: dict[str, Any] | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
    ) -> None:
        tool_name = name or function.__name__
        self.registrations[tool_name] = ToolRegistration(
            name=tool_name,
            function=function,
            description=description or f"Executes the {tool_name} function.",
            parameters=parameters or {"type": "object", "properties": {}},
            category=category,
            tags=list(tags or ()),
            group=group,
        )

    @property
    def available_tool_names(self) -> list[str]:
        return list(self.registrations)

    def get_tool_definitions(
        self, filter_tool_names: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        wanted = None if filter_tool_names is None else set(filter_tool_names)
        return [
            r.definition for r in self.registrations.values() if wanted is None or r.name in wanted
        ]

    async def execute(self, call: ToolCall) -> ToolExecutionResult:
        registration = self.registrations[call.name]
        arguments = json.loads(call.arguments or "{}")
        if inspect.iscoroutinefunction(registration.function):
            value = await registration.function(**arguments)
        else:
            value = await anyio.to_thread.run_sync(lambda: registration.function(**arguments))
        if isinstance(value, ToolExecutionResult):
            return value
        if isinstance(value, str):
            return ToolExecutionResult(content=value, payload=value)
        return ToolExecutionResult(content=json.dumps(value), payload=value)


async def execute_tool_call(call: ToolCall) -> ToolExecutionResult:
    """The innermost tool-call handler: run the registered function."""
    assert call.ctx is not None and call.ctx.tool_factory is not None
    return await call.ctx.tool_factory.execute(call)
