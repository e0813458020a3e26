"""Hooks: ordered callbacks that may change a model or tool call's outcome.

Unlike observers on the bus, hooks run inside the call, in a defined order: hooks registered
with ``first=True`` run before the others, then registration order. A before-tool hook vetoes
a call by raising ``ToolCallDenied(reason)``, or answers it itself by raising
``SkipToolCall(result)``. An after hook may return a replacement value; returning None keeps
the current one. Sync and async callables are both accepted.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ..core.calls import ModelCall, ModelResponse, ToolCall
    from ..core.results import ToolExecutionResult

F = TypeVar("F", bound=Callable[..., Any])


class HookRegistry:
    """Holds the before/after hooks of model calls and tool calls."""

    def __init__(self) -> None:
        self._first: dict[str, list[Callable[..., Any]]] = {p: [] for p in _POINTS}
        self._rest: dict[str, list[Callable[..., Any]]] = {p: [] for p in _POINTS}

    def before_tool_call(self, fn: F | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call)``; raise ``ToolCallDenied`` to veto. Usable as a decorator."""
        return self._register("before_tool_call", fn, first)

    def after_tool_call(self, fn: F | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call, result)``; return a ``ToolExecutionResult`` to replace it."""
        return self._register("after_tool_call", fn, first)

    def before_model_call(self, fn: F | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call)``; it may edit the mutable ``ModelCall`` before it is sent."""
        return self._register("before_model_call", fn, first)

    def after_model_call(self, fn: F | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call, response)``; return a ``ModelResponse`` to replace it."""
        return self._register("after_model_call", fn, first)

    def _register(self, point: str, fn: F | None, first: bool) -> Any:
        def add(f: F) -> F:
            (self._first if first else self._rest)[point].append(f)
            return f

        return add if fn is None else add(fn)

    def _ordered(self, point: str) -> list[Callable[..., Any]]:
        return self._first[point] + self._rest[point]

    def has(self, point: str) -> bool:
        """Whether any hook is registered at ``point`` (stages skip their work otherwise)."""
        return bool(self._first[point] or self._rest[point])

    async def run_before_tool(self, call: ToolCall) -> None:
        await _run_before(self._ordered("before_tool_call"), call)

    async def run_after_tool(
        self, call: ToolCall, result: ToolExecutionResult
    ) -> ToolExecutionResult:
        return await _run_after(self._ordered("after_tool_call"), call, result)

    async def run_before_model(self, call: ModelCall) -> None:
        await _run_before(self._ordered("before_model_call"), call)

    async def run_after_model(self, call: ModelCall, response: ModelResponse) -> ModelResponse:
        return await _run_after(self._ordered("after_model_call"), call, response)


_POINTS = ("before_tool_call", "after_tool_call", "before_model_call", "after_model_call")


async def _run_before(hooks: list[Callable[..., Any]], call: Any) -> None:
    for hook in hooks:
        outcome = hook(call)
        if inspect.isawaitable(outcome):
            await outcome


T = TypeVar("T")


async def _run_after(hooks: list[Callable[..., Any]], call: Any, value: T) -> T:
    for hook in hooks:
        outcome = hook(call, value)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome is not None:
            value = outcome
    return value
