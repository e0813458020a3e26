"""Hooks: ordered callbacks that may change a model or tool call's outcome.

Unlike observers on the bus, hooks run inside the call, in a defined order: hooks registered
with ``first=True`` run before the others, then registration order. A before-tool hook vetoes
a call by raising ``ToolCallDenied(reason)``, or answers it itself by raising
``SkipToolCall(result)``. An after hook may return a replacement value; returning None keeps
the current one. Sync and async callables are both accepted.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias, TypeVar, overload

from ..core.calls import ModelCall, ModelResponse, ToolCall
from ..core.results import ToolExecutionResult
from ..exceptions import ConfigurationError

BeforeToolHook: TypeAlias = Callable[[ToolCall], Awaitable[None] | None]
"""``hook(call)``: raise ``ToolCallDenied`` to veto, ``SkipToolCall`` to answer instead."""
AfterToolHook: TypeAlias = Callable[
    [ToolCall, ToolExecutionResult],
    Awaitable[ToolExecutionResult | None] | ToolExecutionResult | None,
]
"""``hook(call, result)``: return a replacement result, or None to keep it."""
BeforeModelHook: TypeAlias = Callable[[ModelCall], Awaitable[None] | None]
"""``hook(call)``: may edit the mutable ``ModelCall`` before it is sent."""
AfterModelHook: TypeAlias = Callable[
    [ModelCall, ModelResponse], Awaitable[ModelResponse | None] | ModelResponse | None
]
"""``hook(call, response)``: return a replacement response, or None to keep it."""

_BT = TypeVar("_BT", bound=BeforeToolHook)
_AT = TypeVar("_AT", bound=AfterToolHook)
_BM = TypeVar("_BM", bound=BeforeModelHook)
_AM = TypeVar("_AM", bound=AfterModelHook)
_Hook = TypeVar("_Hook", bound=Callable[..., Any])


class HookRegistry:
    """Holds the before/after hooks of model calls and tool calls.

    Each registration is a decorator that returns the hook unchanged (its type included), and
    checks its parameters: mypy against the hook type aliases, and at run time the number of
    positional arguments the hook will be given.
    """

    def __init__(self) -> None:
        self._first: dict[str, list[Callable[..., Any]]] = {p: [] for p in _ARITY}
        self._rest: dict[str, list[Callable[..., Any]]] = {p: [] for p in _ARITY}

    @overload
    def before_tool_call(self, fn: _BT, *, first: bool = False) -> _BT: ...
    @overload
    def before_tool_call(self, fn: None = None, *, first: bool = False) -> Callable[[_BT], _BT]: ...
    def before_tool_call(self, fn: _BT | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call)``; raise ``ToolCallDenied`` to veto. Usable as a decorator."""
        return self._register("before_tool_call", fn, first)

    @overload
    def after_tool_call(self, fn: _AT, *, first: bool = False) -> _AT: ...
    @overload
    def after_tool_call(self, fn: None = None, *, first: bool = False) -> Callable[[_AT], _AT]: ...
    def after_tool_call(self, fn: _AT | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call, result)``; return a ``ToolExecutionResult`` to replace it."""
        return self._register("after_tool_call", fn, first)

    @overload
    def before_model_call(self, fn: _BM, *, first: bool = False) -> _BM: ...
    @overload
    def before_model_call(
        self, fn: None = None, *, first: bool = False
    ) -> Callable[[_BM], _BM]: ...
    def before_model_call(self, fn: _BM | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call)``; it may edit the mutable ``ModelCall`` before it is sent."""
        return self._register("before_model_call", fn, first)

    @overload
    def after_model_call(self, fn: _AM, *, first: bool = False) -> _AM: ...
    @overload
    def after_model_call(self, fn: None = None, *, first: bool = False) -> Callable[[_AM], _AM]: ...
    def after_model_call(self, fn: _AM | None = None, *, first: bool = False) -> Any:
        """Register ``fn(call, response)``; return a ``ModelResponse`` to replace it."""
        return self._register("after_model_call", fn, first)

    def _register(self, point: str, fn: _Hook | None, first: bool) -> Any:
        def add(hook: _Hook) -> _Hook:
            _check_arity(point, hook)
            (self._first if first else self._rest)[point].append(hook)
            return hook

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


_ARITY = {
    "before_tool_call": 1,
    "after_tool_call": 2,
    "before_model_call": 1,
    "after_model_call": 2,
}


def _check_arity(point: str, hook: Callable[..., Any]) -> None:
    """Refuse, at registration, a hook that cannot take the arguments ``point`` passes."""
    arguments = ("call", "value")[: _ARITY[point]]
    try:
        inspect.signature(hook).bind(*arguments)
    except TypeError as problem:
        raise ConfigurationError(
            f"{point} hook {getattr(hook, '__name__', hook)!r} must accept "
            f"{', '.join(arguments)} positionally: {problem}"
        ) from None
    except ValueError:  # no signature (some builtins): trust the caller
        return


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
