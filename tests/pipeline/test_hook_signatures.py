"""Hook decorators return the hook itself and refuse, at registration, one that cannot be called."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, ToolCall, ToolExecutionResult


def test_a_decorated_hook_is_returned_unchanged_in_both_forms() -> None:
    client = LLMClient()

    def authorize(call: ToolCall) -> None: ...

    def keep(call: ToolCall, result: ToolExecutionResult) -> None: ...

    assert client.hooks.before_tool_call(authorize) is authorize
    assert client.hooks.after_tool_call(first=True)(keep) is keep
    assert client.hooks.has("before_tool_call") and client.hooks.has("after_tool_call")


@pytest.mark.parametrize(
    ("point", "hook"),
    [
        ("before_tool_call", lambda call, extra: None),
        ("after_tool_call", lambda call: None),
        ("before_model_call", lambda: None),
        ("after_model_call", lambda call, response, extra: None),
    ],
)
def test_a_hook_with_the_wrong_parameters_is_refused_when_registered(
    point: str, hook: object
) -> None:
    client = LLMClient()
    with pytest.raises(ConfigurationError, match=f"{point} hook .* must accept call"):
        getattr(client.hooks, point)(hook)
    assert not client.hooks.has(point)


def test_a_hook_with_defaults_or_varargs_is_accepted() -> None:
    client = LLMClient()
    client.hooks.before_tool_call(lambda call, note="": None)
    client.hooks.after_model_call(lambda *args: None)
    assert client.hooks.has("before_tool_call") and client.hooks.has("after_model_call")
