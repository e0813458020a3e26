"""``ToolRuntime``: lets a tool call other tools; injected as ``tool_runtime``.

Inside a generation a nested call runs through the same tool stages as the model's own calls
(``ctx.pipeline.call_tool``), so hooks may deny it, mock mode substitutes it, usage counts it
and events report it at ``depth + 1``. Outside one (``ToolFactory.dispatch_tool``) it takes the
factory's direct path, which honours mock mode and injection the same way. The context and
mock mode of the calling tool carry over to the nested calls.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import anyio

from ..exceptions import ToolError
from ..pipeline.context import ToolCall
from .models import ToolExecutionResult

if TYPE_CHECKING:
    from .tool_factory import ToolFactory

DEFAULT_MAX_DEPTH = 8


class ToolRuntime:
    """Nested tool calls from inside a tool, at most ``max_depth`` levels deep."""

    def __init__(self, factory: ToolFactory, call: ToolCall, *, max_depth: int | None = None):
        self._factory = factory
        self._call = call
        self.max_depth = factory.max_tool_depth if max_depth is None else max_depth
        self._ids = itertools.count(1)

    @property
    def depth(self) -> int:
        """How deep the calling tool runs: 0 for a call the model made."""
        return self._call.depth

    @property
    def use_mock(self) -> bool:
        return self._call.mock

    @property
    def arguments(self) -> dict[str, Any]:
        """The calling tool's arguments as the model gave them, without injected values."""
        return self._call.parsed_arguments()

    @property
    def base_context(self) -> dict[str, Any]:
        """A copy of the context nested calls are injected from."""
        return dict(self._call.tool_context)

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        json_arguments: str | None = None,
        context: Mapping[str, Any] | None = None,
        use_mock: bool | None = None,
        tool_timeout: float | None = None,
    ) -> ToolExecutionResult:
        """Run tool ``name``; its problems come back as an error result, like the model's.

        ``context`` adds entries for this call only; ``use_mock`` overrides the inherited mock
        mode. Raises ``ToolError`` when the call would nest deeper than ``max_depth`` or the
        arguments are not JSON-serialisable.
        """
        child = self._child(name, arguments, json_arguments, context, use_mock, tool_timeout)
        return await self._run(child)

    async def call_tools(
        self,
        calls: Sequence[Mapping[str, Any]],
        *,
        parallel: bool = False,
        max_concurrent: int | None = None,
        shared_context: Mapping[str, Any] | None = None,
        use_mock: bool | None = None,
        tool_timeout: float | None = None,
    ) -> list[ToolExecutionResult]:
        """Run ``[{"name", "arguments"}, ...]``; results come back in the order given.

        With ``parallel=True`` they run concurrently, at most ``max_concurrent`` at a time.
        Every call is checked before any runs, so a bad one raises ``ToolError`` up front.
        """
        children = [
            self._child(
                _name_of(spec),
                spec.get("arguments"),
                spec.get("json_arguments"),
                {**(shared_context or {}), **spec.get("context", {})},
                use_mock,
                tool_timeout,
            )
            for spec in calls
        ]
        if not parallel:
            return [await self._run(child) for child in children]
        return await self._run_concurrently(children, max_concurrent or len(children) or 1)

    def _child(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        json_arguments: str | None,
        context: Mapping[str, Any] | None,
        use_mock: bool | None,
        timeout: float | None,
    ) -> ToolCall:
        parent, depth = self._call, self._call.depth + 1
        if depth > self.max_depth:
            raise ToolError(
                f"Maximum tool recursion depth ({self.max_depth}) exceeded: "
                f"'{name}' would run at depth {depth}"
            )
        tool_context = parent.tool_context
        if context:
            tool_context = MappingProxyType({**tool_context, **context})
        return ToolCall(
            id=f"{parent.id}.{next(self._ids)}",
            name=name,
            arguments=_arguments_json(name, arguments, json_arguments),
            ctx=parent.ctx,
            tool_context=tool_context,
            depth=depth,
            iteration=parent.iteration,
            mock=parent.mock if use_mock is None else use_mock,
            timeout=timeout,
        )

    async def _run(self, call: ToolCall) -> ToolExecutionResult:
        if call.ctx is not None:
            return await call.ctx.pipeline.call_tool(call)
        return await self._factory.run_detached(call)

    async def _run_concurrently(
        self, calls: list[ToolCall], limit: int
    ) -> list[ToolExecutionResult]:
        results: dict[int, ToolExecutionResult] = {}
        limiter = anyio.CapacityLimiter(limit)

        async def run(index: int) -> None:
            async with limiter:
                results[index] = await self._run(calls[index])

        async with anyio.create_task_group() as group:
            for index in range(len(calls)):
                group.start_soon(run, index)
        return [results[index] for index in range(len(calls))]


def _name_of(spec: Mapping[str, Any]) -> str:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ToolError(f"a nested tool call needs a 'name'; got the keys {sorted(spec)}")
    return name


def _arguments_json(
    name: str, arguments: Mapping[str, Any] | None, json_arguments: str | None
) -> str:
    if json_arguments is not None:
        if arguments is not None:
            raise ToolError("pass either 'arguments' or 'json_arguments', not both")
        return json_arguments
    try:
        return json.dumps(dict(arguments or {}))
    except (TypeError, ValueError) as exc:
        raise ToolError(f"Failed to serialise arguments for nested tool '{name}': {exc}") from exc
