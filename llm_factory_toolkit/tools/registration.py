"""Turning a function, or a ``BaseTool`` subclass, into a registered tool.

Everything that can be decided once is decided here, at registration: the schema and its
validator, which parameters the function takes (for injection), whether it is async, and
which mock answers for it. Dispatch then does no inspection per call.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ToolError
from .base_tool import BaseTool
from .injection import ALWAYS_OFFERED, Handler
from .schema import ToolSchema, build_schema

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(slots=True)
class ToolRegistration:
    """One registered tool: how to run it, what the model is shown, and catalog metadata."""

    name: str
    description: str
    handler: Handler
    schema: ToolSchema
    mock_handler: Handler | None = None
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    group: str | None = None

    @property
    def function(self) -> Callable[..., Any]:
        return self.handler.function

    @property
    def parameters(self) -> dict[str, Any]:
        """The JSON Schema of the arguments the model provides."""
        return self.schema.parameters

    @property
    def definition(self) -> dict[str, Any]:
        """The tool in the Chat Completions ``tools`` format."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.schema.parameters,
            },
        }


def build_registration(
    function: Callable[..., Any],
    name: str | None = None,
    description: str | None = None,
    parameters: Any = None,
    mock_function: Callable[..., Any] | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    group: str | None = None,
    context_params: Sequence[str] = (),
) -> ToolRegistration:
    """Inspect ``function`` once and describe it as a tool."""
    if not callable(function):
        raise ToolError(f"a tool must be callable, got {type(function).__name__}")
    tool_name = _checked_name(name or str(getattr(function, "__name__", "")))
    mock = mock_function or _mock_of(function)
    handler = Handler.of(function)
    by_type = [handler.context.name] if handler.context else []
    return ToolRegistration(
        name=tool_name,
        description=description
        or inspect.getdoc(function)
        or f"Executes the {tool_name} function.",
        handler=handler,
        schema=build_schema(
            tool_name, function, parameters, {*ALWAYS_OFFERED, *context_params, *by_type}
        ),
        mock_handler=Handler.of(mock) if mock is not None else None,
        category=category,
        tags=list(tags or ()),
        group=group,
    )


def registration_for_class(
    tool_class: type[BaseTool],
    config: dict[str, Any] | None = None,
    name_override: str | None = None,
    description_override: str | None = None,
    parameters_override: Any = None,
) -> ToolRegistration:
    """Instantiate a ``BaseTool`` subclass once and register its ``execute``.

    One instance serves every call (create per-call state inside ``execute``); its
    ``mock_execute`` answers in mock mode.
    """
    if not (isinstance(tool_class, type) and issubclass(tool_class, BaseTool)):
        raise ToolError(f"{tool_class!r} must be a subclass of BaseTool")
    name = name_override or getattr(tool_class, "NAME", None)
    if not name:
        raise ToolError(f"tool class {tool_class.__name__} must define NAME")
    try:
        tool = tool_class.from_config(**(config or {}))
    except TypeError as exc:
        raise ToolError(f"could not create tool class {tool_class.__name__}: {exc}") from exc
    return build_registration(
        tool.execute,
        name=name,
        description=description_override or tool_class.DESCRIPTION,
        parameters=parameters_override or tool_class.PARAMETERS,
        category=tool_class.CATEGORY,
        tags=tool_class.TAGS,
        group=tool_class.GROUP,
    )


def _checked_name(name: str) -> str:
    if not _NAME.match(name):
        raise ToolError(
            f"invalid tool name {name!r}: providers accept 1 to 64 letters, digits, '_' or '-'"
        )
    return name


def _mock_of(function: Callable[..., Any]) -> Callable[..., Any] | None:
    """A ``mock_execute`` offered by the function itself or by the object it is bound to."""
    for owner in (function, getattr(function, "__self__", None)):
        candidate = getattr(owner, "mock_execute", None)
        if callable(candidate):
            return candidate  # type: ignore[no-any-return]
    return None
