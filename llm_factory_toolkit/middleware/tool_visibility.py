"""Tool visibility: which tools the model is shown, recomputed before every call, and enforced.

The visible set is the factory's tools narrowed by ``use_tools`` and, when the run has a
``ToolSession``, to the session's active tools (in load order, so newly loaded definitions are
appended and a provider's prompt cache keeps its prefix). A tool loaded during iteration N is
offered in iteration N+1, an unloaded one disappears. The set is recorded on the context and
enforced at dispatch: a model's call (depth 0) to a registered tool it was not shown is denied
with ``ToolCallDenied``, so it becomes an error result the model reads and a ``ToolCallDenied``
event. Nested calls from inside a tool are the tool's business and pass. Names that are not
registered at all pass too: the tool runner reports them as unknown.

Changes of the session's active set (by the meta-tools, or any code holding the session) are
published on the run's bus as ``ToolsLoaded`` / ``ToolsUnloaded``, right after the tool call
that made them and before each model call.
"""

from __future__ import annotations

import anyio

from ..core.calls import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
    ToolCall,
    ToolHandler,
)
from ..core.events import Event, ToolsLoaded, ToolsUnloaded
from ..core.results import GenerationResult, ToolExecutionResult
from ..exceptions import ToolCallDenied
from ..tools.session import ToolSession
from ..tools.token_budget import definition_token_counter, definition_tokens


class ToolVisibilityMiddleware:
    """Sets ``call.tools`` and ``ctx.visible_tools`` per model call; refuses hidden tools."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        session = ctx.tool_session
        if session is None:
            return await call_next(ctx)
        session.take_changes()  # made before this run: not this run's events
        bound = await _bind_token_counter(ctx, session)
        try:
            return await call_next(ctx)
        finally:
            if bound:
                session.token_counter = None

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        ctx = call.ctx
        await publish_session_changes(ctx)
        names = visible_tool_names(ctx)
        ctx.visible_tools = frozenset(names)
        if names and ctx.tool_factory is not None:
            registrations = ctx.tool_factory.registrations
            call.tools = [registrations[name].definition for name in names]
        return await call_next(call)

    async def wrap_tool_call(self, call: ToolCall, call_next: ToolHandler) -> ToolExecutionResult:
        ctx = call.ctx
        if ctx is None:
            return await call_next(call)
        if call.depth == 0:
            reason = hidden_reason(ctx, call.name)
            if reason is not None:
                raise ToolCallDenied(reason)
        result = await call_next(call)
        await publish_session_changes(ctx)
        return result


def visible_tool_names(ctx: GenerationContext) -> list[str]:
    """The names the model may see and call now: session load order, else registration order."""
    factory = ctx.tool_factory
    if factory is None:
        return []
    session = ctx.tool_session
    if session is None:
        names = list(factory.available_tool_names)
    else:
        registered = factory.registrations
        names = [name for name in session.load_order if name in registered]
    use_tools = ctx.request.use_tools
    if use_tools is not None:
        allowed = set(use_tools)
        names = [name for name in names if name in allowed]
    return names


def hidden_reason(ctx: GenerationContext, name: str) -> str | None:
    """Why the model may not call ``name`` now, or None when it may."""
    factory = ctx.tool_factory
    if factory is None or name not in factory.registrations:
        return None
    visible = ctx.visible_tools
    if visible is None:
        visible = frozenset(visible_tool_names(ctx))
    if name in visible:
        return None
    if ctx.tool_session is not None and "load_tools" in visible:
        return (
            f"'{name}' is not loaded; call load_tools(tool_names=['{name}']) first, "
            "then call it on your next turn"
        )
    return f"'{name}' is not available in this conversation"


async def publish_session_changes(ctx: GenerationContext) -> None:
    """Emit ``ToolsLoaded`` / ``ToolsUnloaded`` for the session's changes since the last time."""
    session = ctx.tool_session
    if session is None:
        return
    for change in session.take_changes():
        event: Event
        if change.kind == "loaded":
            event = ToolsLoaded(
                run_id=ctx.run_id, tool_names=change.tool_names, refused=change.refused
            )
        else:
            event = ToolsUnloaded(run_id=ctx.run_id, tool_names=change.tool_names)
        await ctx.bus.emit(event)


async def _bind_token_counter(ctx: GenerationContext, session: ToolSession) -> bool:
    """Give a budgeted session a counter for this run's model; True if one was bound."""
    if session.token_budget is None or session.token_counter is not None:
        return False
    if ctx.tool_factory is None:
        return False
    # The first count imports litellm and loads a tokenizer: do it off the event loop.
    await anyio.to_thread.run_sync(definition_tokens, {}, ctx.request.model)
    session.token_counter = definition_token_counter(ctx.tool_factory, ctx.request.model)
    return True
