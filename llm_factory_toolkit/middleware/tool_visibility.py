"""Tool visibility: which tool definitions the model is shown, recomputed before every call.

The visible set is the factory's tools, narrowed by ``use_tools`` and, when the run has a
``ToolSession``, by the session's active tools, so a tool loaded during iteration N is offered
in iteration N+1 and an unloaded one disappears. The set is also recorded on the context,
where tool dispatch enforces it: a hidden tool cannot be run even if the model names it.
"""

from __future__ import annotations

from ..pipeline.context import GenerationContext, ModelCall, ModelHandler, ModelResponse


class ToolVisibilityMiddleware:
    """Sets ``call.tools`` and ``ctx.visible_tools`` for each model call."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        names = visible_tool_names(call.ctx)
        call.ctx.visible_tools = frozenset(names)
        factory = call.ctx.tool_factory
        if names and factory is not None:
            call.tools = factory.get_tool_definitions(filter_tool_names=names)
        return await call_next(call)


def visible_tool_names(ctx: GenerationContext) -> list[str]:
    """The names the model may see and call now, in registration order."""
    factory = ctx.tool_factory
    if factory is None:
        return []
    names = list(factory.available_tool_names)
    use_tools = ctx.request.use_tools
    if use_tools is not None:
        allowed = set(use_tools)
        names = [name for name in names if name in allowed]
    if ctx.tool_session is not None:
        active = ctx.tool_session.active_tools
        names = [name for name in names if name in active]
    return names
