"""Usage and cost: per call and per generation, priced offline from litellm's cost map."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings, strategies as st

from llm_factory_toolkit import LLMClient, ModelCall, ModelResponse, Usage
from llm_factory_toolkit.core.calls import ModelHandler
from llm_factory_toolkit.events import UsageRecorded
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    ScriptedTransport,
    Text,
    ToolCalls,
    ToolCallSpec,
    UsageSpec as Tokens,
    capture_events,
)
from llm_factory_toolkit.transports import cost
from llm_factory_toolkit.transports.litellm_loader import load_litellm
from tests.support import loopback_client, weather_factory

PRICED_MODELS = [
    "openai/gpt-4o",
    "gpt-4o-mini",
    "o3-mini",
    "anthropic/claude-sonnet-4-5",
    "gemini/gemini-2.5-flash",
    "gemini/gemini-2.5-pro",
]


def litellm_price(model: str, usage: Usage) -> float:
    """What litellm itself charges for ``usage``: the reference."""
    litellm = load_litellm()
    counts = litellm.Usage(
        prompt_tokens=usage.input_tokens,
        completion_tokens=usage.output_tokens,
        total_tokens=usage.total_tokens,
        prompt_tokens_details={"cached_tokens": usage.cached_input_tokens},
        completion_tokens_details={"reasoning_tokens": usage.reasoning_tokens},
    )
    prompt, completion = litellm.cost_per_token(model=model, usage_object=counts)
    return float(prompt + completion)


@st.composite
def usages(draw: st.DrawFn) -> Usage:
    input_tokens = draw(st.integers(0, 400_000))
    output_tokens = draw(st.integers(0, 50_000))
    return Usage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        cached_input_tokens=draw(st.integers(0, input_tokens)),
        reasoning_tokens=draw(st.integers(0, output_tokens)),
        calls=1,
    )


@settings(max_examples=60, deadline=None)
@given(model=st.sampled_from(PRICED_MODELS), usage=usages())
def test_both_pricing_paths_agree_with_litellm(model: str, usage: Usage) -> None:
    """With litellm loaded or not (bundled map read directly), the price is litellm's."""
    expected = litellm_price(model, usage)
    assert cost.cost_usd(model, usage) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cost, "_loaded_litellm", lambda: None)
        assert cost.cost_usd(model, usage) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("loaded", [True, False], ids=["litellm", "bundled-map"])
def test_an_unknown_model_costs_none(loaded: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """No price, no guess: None, never an exception."""
    load_litellm()
    if not loaded:
        monkeypatch.setattr(cost, "_loaded_litellm", lambda: None)
    for model in ("openai/local-model", "scripted/m", "no-provider-model"):
        assert cost.cost_usd(model, Usage(input_tokens=10, output_tokens=5)) is None


def test_pricing_never_imports_litellm() -> None:
    """A route that never loaded litellm gets a price without paying for its import."""
    code = textwrap.dedent(
        """
        import sys
        from llm_factory_toolkit import Usage
        from llm_factory_toolkit.transports.cost import cost_usd
        print(cost_usd("openai/gpt-4o", Usage(input_tokens=1000, output_tokens=100)))
        print("litellm" in sys.modules)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    price, imported = done.stdout.split()
    assert float(price) == pytest.approx(1000 * 2.5e-6 + 100 * 1e-5)
    assert imported == "False"


@pytest.mark.anyio
async def test_usage_per_call_and_per_generation_add_up() -> None:
    """``UsageRecorded`` per model call (priced), their sum on the result."""
    client = LLMClient(
        model="openai/gpt-4o-mini",
        transport=ScriptedTransport(
            ToolCalls(
                [ToolCallSpec("get_weather", {"city": "Oslo"})],
                usage=Tokens(input_tokens=100, output_tokens=20, cached_input_tokens=40),
            ),
            Text("Cold.", usage=Tokens(input_tokens=150, output_tokens=8, reasoning_tokens=3)),
        ),
        tool_factory=weather_factory(),
    )
    with capture_events(client.events) as events:
        result = await client.generate(input="Oslo?")
    recorded = [e.usage for e in events.of(UsageRecorded)]
    assert len(recorded) == 2
    assert all(u.cost_usd is not None and u.cost_usd > 0 for u in recorded)
    total = recorded[0] + recorded[1]
    assert result.usage == total
    assert (total.input_tokens, total.output_tokens) == (250, 28)
    assert (total.cached_input_tokens, total.reasoning_tokens, total.calls) == (40, 3, 2)
    assert total.cost_usd == pytest.approx(
        litellm_price("openai/gpt-4o-mini", recorded[0])
        + litellm_price("openai/gpt-4o-mini", recorded[1])
    )


class AskTwice:
    """A stage outside the usage stage that sends every model call twice (a re-ask)."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        await call_next(call)
        return await call_next(call)


@pytest.mark.anyio
async def test_repeated_attempts_are_counted_not_lost() -> None:
    """Every attempt that reached the provider is counted, not only the one kept."""
    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(Text("first"), Text("second")),
        middleware=[AskTwice()],
    )
    with capture_events(client.events) as events:
        result = await client.generate(input="hi")
    assert result.content == "second"
    assert result.usage.calls == 2 and len(events.of(UsageRecorded)) == 2
    assert (result.usage.input_tokens, result.usage.cost_usd) == (20, None)


PRICED_LOCAL_MODEL = "openai/priced-local-model"
"""A custom-priced model (``litellm.register_model``), served on the litellm route."""


def register_priced_local_model() -> None:
    load_litellm().register_model(
        {
            PRICED_LOCAL_MODEL: {
                "litellm_provider": "openai",
                "mode": "chat",
                "input_cost_per_token": 1e-6,
                "cache_read_input_token_cost": 2.5e-7,
                "cache_creation_input_token_cost": 1.25e-6,
                "output_cost_per_token": 4e-6,
            }
        }
    )


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("model", [PRICED_LOCAL_MODEL, "openai/gpt-4o-mini"])
async def test_cost_over_http_on_both_routes(
    server: LoopbackLLMServer, model: str, stream: bool
) -> None:
    """Priced by litellm itself (plain answers on its route) or by the usage stage (streams,
    the Responses route). The total is on the result, the final stream chunk and the
    ``UsageRecorded`` events."""
    register_priced_local_model()
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Rome"})]),
        Text("Warm.", usage=Tokens(input_tokens=200, output_tokens=9, cached_input_tokens=50)),
    )
    async with loopback_client(server, model, tool_factory=weather_factory()) as client:
        with capture_events(client.events) as events:
            if stream:
                chunks = [c async for c in await client.generate(input="Rome?", stream=True)]
                assert chunks[-1].result is not None and chunks[-1].usage is not None
                result, final_usage = chunks[-1].result, chunks[-1].usage
            else:
                result = await client.generate(input="Rome?")
                final_usage = result.usage
    per_call = [e.usage for e in events.of(UsageRecorded)]
    assert [(u.input_tokens, u.cached_input_tokens) for u in per_call] == [(10, 0), (200, 50)]
    assert [u.cost_usd for u in per_call] == pytest.approx(
        [litellm_price(model, usage) for usage in per_call]
    )
    assert final_usage == result.usage
    assert result.usage.cost_usd == pytest.approx(sum(u.cost_usd or 0 for u in per_call))
