"""Context injection: server-side values passed to a tool by parameter name.

Every entry of ``tool_execution_context`` whose name a tool's function declares (or every
entry, when it takes ``**kwargs``) is passed to it, and so are three values always on offer:
``tool_runtime`` (nested calls), ``tool_call_depth`` and ``tool_session``. An injected value
overrides an argument of the same name from the model, so a model can never spoof
``user_id``. The values reach the function only: never a schema, a request body or an event;
text the tool writes is redacted before anyone else reads it (``pipeline.redaction``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..pipeline.context import ToolCall
    from .tool_factory import ToolFactory

ALWAYS_OFFERED = ("tool_runtime", "tool_call_depth", "tool_session")
"""Injected into any tool that asks for them, whatever the context holds."""


@dataclass(frozen=True, slots=True)
class Handler:
    """A callable a tool call may run (the tool's function, or its mock), inspected once."""

    function: Callable[..., Any]
    is_async: bool
    accepts: frozenset[str] | None
    """The keyword parameters it declares; None when it takes ``**kwargs``."""

    @classmethod
    def of(cls, function: Callable[..., Any]) -> Handler:
        parameters = inspect.signature(function).parameters.values()
        if any(p.kind is p.VAR_KEYWORD for p in parameters):
            accepts = None
        else:
            accepts = frozenset(p.name for p in parameters if p.kind is not p.VAR_POSITIONAL)
        is_async = inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(
            type(function).__call__
        )
        return cls(function, is_async, accepts)

    def takes(self, name: str) -> bool:
        return self.accepts is None or name in self.accepts

    def keep_accepted(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Only the arguments this callable can receive (for mocks with narrower signatures)."""
        if self.accepts is None:
            return arguments
        return {name: value for name, value in arguments.items() if name in self.accepts}


def injected_values(handler: Handler, call: ToolCall, factory: ToolFactory) -> dict[str, Any]:
    """The values ``handler`` receives by injection for ``call``."""
    values = {name: value for name, value in call.tool_context.items() if handler.takes(name)}
    for name in ALWAYS_OFFERED:
        if name not in values and handler.takes(name):
            values[name] = _always_offered(name, call, factory)
    return values


def _always_offered(name: str, call: ToolCall, factory: ToolFactory) -> Any:
    if name == "tool_call_depth":
        return call.depth
    if name == "tool_session":
        return call.ctx.tool_session if call.ctx is not None else None
    from .runtime import ToolRuntime

    return ToolRuntime(factory, call)
