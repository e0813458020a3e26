"""Editing the default stack by stage class, and stack settings that cannot be lost silently."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, ModelCall, ModelResponse, Telemetry
from llm_factory_toolkit.middleware import (
    HooksMiddleware,
    MetricsMiddleware,
    ProviderRoutingMiddleware,
    TracingMiddleware,
    UsageMiddleware,
    default_middleware,
)
from llm_factory_toolkit.pipeline import MiddlewareStack, ModelHandler
from llm_factory_toolkit.testing import ScriptedTransport, Text

pytestmark = pytest.mark.anyio


class Mark:
    """A model-call stage that records its name on the way in."""

    def __init__(self, name: str, trail: list[str]) -> None:
        self.name, self.trail = name, trail

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        self.trail.append(self.name)
        return await call_next(call)


def _names(stack: MiddlewareStack) -> list[str]:
    return [getattr(m, "name", type(m).__name__) for m in stack]


def test_default_middleware_is_edited_by_stage_class() -> None:
    stack = default_middleware()
    assert isinstance(stack, MiddlewareStack)
    trail: list[str] = []
    stack.insert_before(HooksMiddleware, Mark("before-hooks", trail))
    stack.insert_after(HooksMiddleware, Mark("after-hooks", trail))
    stack.replace(UsageMiddleware, Mark("usage", trail))
    stack.remove(MetricsMiddleware)
    names = _names(stack)
    hooks = names.index("HooksMiddleware")
    assert names[hooks - 1 : hooks + 2] == ["before-hooks", "HooksMiddleware", "after-hooks"]
    assert "UsageMiddleware" not in names and "usage" in names
    assert "MetricsMiddleware" not in names and len(names) == len(default_middleware()) + 1


def test_a_class_not_in_the_stack_is_named_with_the_stages_present() -> None:
    stack = MiddlewareStack([HooksMiddleware()])
    with pytest.raises(ConfigurationError, match=r"no UsageMiddleware .*HooksMiddleware"):
        stack.insert_after(UsageMiddleware, HooksMiddleware())
    with pytest.raises(ConfigurationError, match="no TracingMiddleware"):
        stack.remove(TracingMiddleware)


def test_remove_by_instance_still_works_like_a_list() -> None:
    hooks = HooksMiddleware()
    stack = MiddlewareStack([HooksMiddleware(), hooks])
    stack.remove(hooks)
    assert len(stack) == 1 and stack[0] is not hooks


async def test_an_edited_default_stack_runs_its_new_stages_in_place() -> None:
    trail: list[str] = []
    transport = ScriptedTransport(Text("edited"))
    stack = default_middleware(routing=ProviderRoutingMiddleware((), transport))
    stack.insert_before(HooksMiddleware, Mark("outer", trail))
    stack.insert_after(ProviderRoutingMiddleware, Mark("inner", trail))
    result = await LLMClient(model="scripted/model", stack=stack).generate(input="hi")
    assert result.content == "edited"
    assert trail == ["outer", "inner"] and len(transport.calls) == 1


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("telemetry", Telemetry()),
        ("transport", ScriptedTransport(Text("x"))),
        ("max_concurrent_generations", 2),
    ],
)
def test_stack_with_a_default_stack_setting_is_refused(setting: str, value: object) -> None:
    """``telemetry=``, ``transport=`` and ``max_concurrent_generations=`` configure the default
    stack; ``stack=`` replaces it."""
    with pytest.raises(ConfigurationError, match=f"{setting} configure the default stack"):
        LLMClient(model="scripted/model", stack=default_middleware(), **{setting: value})  # type: ignore[arg-type]


def test_a_misspelt_level_is_named_even_beside_a_valid_one() -> None:
    class Audit:
        async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
            return await call_next(call)

        async def wrap_tool_calls(self, call: object, call_next: object) -> object:
            return None

    client = LLMClient(model="scripted/model", middleware=[Audit()])
    with pytest.raises(ConfigurationError, match=r"wrap_tool_calls \(did you mean wrap_tool_call"):
        _ = client.pipeline
