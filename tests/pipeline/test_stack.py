"""The onion: one ordered list, three levels, first member outermost."""

from __future__ import annotations

from typing import Any

import pytest

from llm_factory_toolkit import ConfigurationError, LLMClient, ModelCall, ModelResponse
from llm_factory_toolkit.pipeline import ModelHandler, build_onion
from llm_factory_toolkit.testing import ScriptedTransport, Text

pytestmark = pytest.mark.anyio


class Recorder:
    """A middleware that records entry and exit at the model-call level."""

    def __init__(self, name: str, trail: list[str]) -> None:
        self.name = name
        self.trail = trail

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        self.trail.append(f"{self.name}>")
        response = await call_next(call)
        self.trail.append(f"<{self.name}")
        return response


async def test_first_middleware_is_outermost() -> None:
    """build_onion folds in reverse: the first member sees the call first and the reply last."""
    trail: list[str] = []

    async def core(value: str) -> str:
        trail.append("core")
        return value

    class Wrap:
        def __init__(self, name: str) -> None:
            self.name = name

        async def wrap_model_call(self, value: str, call_next: Any) -> str:
            trail.append(self.name)
            return str(await call_next(value)) + self.name

    handler = build_onion([Wrap("a"), object(), Wrap("b")], "wrap_model_call", core)
    assert await handler("x") == "xba"
    assert trail == ["a", "b", "core"]


async def test_client_middleware_wraps_the_default_stack() -> None:
    """middleware= and add_middleware place stages outside the defaults, in order."""
    trail: list[str] = []
    client = LLMClient(
        model="scripted/model",
        transport=ScriptedTransport(Text("hi")),
        middleware=[Recorder("first", trail)],
    )
    client.add_middleware(Recorder("second", trail))
    result = await client.generate(input="hello")
    assert result.content == "hi"
    assert trail == ["first>", "second>", "<second", "<first"]


async def test_custom_stack_replaces_the_defaults() -> None:
    """stack= is the whole stack; a stage can pick the transport itself."""
    transport = ScriptedTransport(Text("custom"))

    class FixedTransport:
        async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
            call.transport = transport
            return await call_next(call)

    client = LLMClient(model="scripted/model", stack=[FixedTransport()])
    assert (await client.generate(input=[{"role": "user", "content": "x"}])).content == "custom"
    assert transport.calls[0].messages == []  # no ContextMerge stage: the transcript stays empty


async def test_stack_without_a_transport_fails_clearly() -> None:
    """A stack that never chooses a transport says what is missing."""
    client = LLMClient(model="scripted/model", stack=[])
    with pytest.raises(ConfigurationError, match="ProviderRoutingMiddleware"):
        await client.generate(input="x")


def test_a_class_instead_of_an_instance_is_rejected() -> None:
    """Passing the middleware class is a common slip; it is caught when the stack is built."""
    client = LLMClient(model="scripted/model", middleware=[Recorder])
    with pytest.raises(ConfigurationError, match="pass an instance"):
        _ = client.pipeline


def test_an_object_with_no_level_is_rejected() -> None:
    """A middleware must define at least one of the three levels."""
    client = LLMClient(model="scripted/model", middleware=[object()])
    with pytest.raises(ConfigurationError, match="defines none of"):
        _ = client.pipeline
