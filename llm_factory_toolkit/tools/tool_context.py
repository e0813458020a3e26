"""``ToolContext[Deps]``: the generation's dependencies as one typed object, for a tool that asks.

A tool declares a parameter annotated ``ToolContext[MyDeps]`` (any name) and receives the
``deps=`` object of the generation that called it, plus the call's identity::

    @dataclass
    class Deps:
        db: Database
        user_id: str

    async def get_orders(status: str, ctx: ToolContext[Deps]) -> list[Order]:
        return await ctx.deps.db.orders(ctx.deps.user_id, status)

    await client.generate("My open orders?", deps=Deps(db, "u1"))

Like the ``tool_execution_context`` values, the parameter never appears in the schema the
model sees, in a request body, an event or a trace. When ``Deps`` is a class, the object is
checked against it before the tool runs; a mismatch (or no ``deps=``) is an error result.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar

from .schema import ArgumentsError, annotated_function

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..core.calls import ToolCall

Deps = TypeVar("Deps", default=Any)


@dataclass(frozen=True, slots=True)
class ToolContext(Generic[Deps]):
    """What a tool learns about the generation calling it: ``deps`` and the call's identity."""

    deps: Deps
    run_id: str
    tool_call_id: str
    tool_name: str
    depth: int = 0


@dataclass(frozen=True, slots=True)
class ContextParameter:
    """The parameter of a tool that asks for a ``ToolContext``, and the ``Deps`` class it names."""

    name: str
    deps_type: type | None


def context_parameter(function: Callable[..., Any]) -> ContextParameter | None:
    """The parameter annotated ``ToolContext[...]`` (or bare ``ToolContext``), if any."""
    target = annotated_function(function)
    for name, annotation in getattr(target, "__annotations__", {}).items():
        hint = _resolved(annotation, getattr(target, "__globals__", {}))
        origin = typing.get_origin(hint) or hint
        if origin is ToolContext:
            (deps_type, *_) = typing.get_args(hint) or (None,)
            return ContextParameter(name, deps_type if isinstance(deps_type, type) else None)
        if isinstance(hint, str) and hint.split("[")[0].split(".")[-1] == "ToolContext":
            return ContextParameter(name, None)  # unresolvable here: injected, not checked
    return None


def _resolved(annotation: Any, namespace: dict[str, Any]) -> Any:
    def shim() -> None: ...

    shim.__annotations__ = {"value": annotation}
    try:
        return typing.get_type_hints(shim, globalns=namespace)["value"]
    except Exception:  # a name only imported under TYPE_CHECKING: judge by the text
        return annotation


def tool_context_for(call: ToolCall, wanted: ContextParameter) -> ToolContext[Any]:
    """The context of ``call``; raises ``ArgumentsError`` when ``deps`` is not a ``Deps``."""
    deps = call.ctx.request.deps if call.ctx is not None else None
    if wanted.deps_type is not None and not isinstance(deps, wanted.deps_type):
        given = "no deps=" if deps is None else f"deps of type {type(deps).__name__}"
        raise ArgumentsError(
            f"tool '{call.name}' needs deps of type {wanted.deps_type.__name__}; "
            f"the generation gave {given}",
            "deps_type_error",
        )
    run_id = call.ctx.run_id if call.ctx is not None else ""
    return ToolContext(deps, run_id, call.id, call.name, call.depth)
