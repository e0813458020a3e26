"""Generation parameters: forwarded, translated per provider, or dropped when a model would
reject them (with a debug log), checked in the request bodies the loopback server received."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from llm_factory_toolkit import ConfigurationError, LLMClient
from llm_factory_toolkit.middleware import ProviderRoutingMiddleware, default_middleware
from llm_factory_toolkit.testing import LoopbackLLMServer, Text
from llm_factory_toolkit.transports.model_capabilities import Sampling, unsupported_parameters
from tests.support import loopback_client

from .conftest import ClientFor

pytestmark = pytest.mark.anyio


def litellm_client(server: LoopbackLLMServer, model: str) -> LLMClient:
    """A client that sends every model, OpenAI's own included, through litellm."""
    stack = default_middleware(routing=ProviderRoutingMiddleware(routes=()))
    return loopback_client(server, model, stack=stack, max_retries=None, max_tokens=None)


async def body_of(client: LLMClient, server: LoopbackLLMServer, **options: Any) -> dict[str, Any]:
    server.script(Text("ok"))
    await client.generate(input="hi", **options)
    body = server.requests[-1].body
    assert body is not None
    return body


def dropped(logs: list[dict[str, Any]]) -> dict[str, str]:
    return {e["parameter"]: e["model"] for e in logs if e["event"] == "parameter_dropped"}


async def test_sampling_parameters_reach_the_provider(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    body = await body_of(client_for(), server, temperature=0.5, max_output_tokens=64)
    assert body["temperature"] == 0.5 and body["max_tokens"] == 64


async def test_constructor_options_are_forwarded(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str
) -> None:
    body = await body_of(client_for(top_p=0.9, stop=["END"]), server)
    assert body["top_p"] == 0.9
    assert body["stop_sequences" if wire == "anthropic" else "stop"] == ["END"]


async def test_per_call_model_override(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str
) -> None:
    other = "anthropic/claude-other" if wire == "anthropic" else "openai/other-model"
    body = await body_of(client_for(), server, model=other)
    assert body["model"] == other.split("/", 1)[1]


@pytest.mark.parametrize(
    "model", ["openai/gpt-5", "openai/gpt-5-mini", "openai/o3-mini", "openai/o1"]
)
async def test_openai_reasoning_models_get_no_temperature(
    server: LoopbackLLMServer, model: str
) -> None:
    with capture_logs() as logs:
        body = await body_of(
            litellm_client(server, model),
            server,
            temperature=0.2,
            max_output_tokens=100,
            reasoning_effort="low",
        )
    assert "temperature" not in body
    assert body["reasoning_effort"] == "low" and body["max_completion_tokens"] == 100
    assert dropped(logs) == {"temperature": model}


async def test_reasoning_effort_is_dropped_for_models_that_do_not_reason(
    server: LoopbackLLMServer,
) -> None:
    with capture_logs() as logs:
        chat = await body_of(
            litellm_client(server, "openai/gpt-4o"), server, reasoning_effort="high"
        )
        claude = await body_of(
            litellm_client(server, "anthropic/claude-3-5-haiku-20241022"),
            server,
            reasoning_effort="high",
            temperature=0.3,
        )
    assert "reasoning_effort" not in chat
    assert "thinking" not in claude and claude["temperature"] == 0.3
    assert [(e["parameter"], e["model"]) for e in logs if e["event"] == "parameter_dropped"] == [
        ("reasoning_effort", "openai/gpt-4o"),
        ("reasoning_effort", "anthropic/claude-3-5-haiku-20241022"),
    ]


async def test_claude_thinking_replaces_temperature(server: LoopbackLLMServer) -> None:
    with capture_logs() as logs:
        body = await body_of(
            litellm_client(server, "anthropic/claude-sonnet-4-5"),
            server,
            reasoning_effort="medium",
            temperature=0.3,
            max_output_tokens=8000,
        )
    assert body["thinking"]["type"] == "enabled" and body["thinking"]["budget_tokens"] > 0
    assert "temperature" not in body and body["max_tokens"] == 8000
    assert dropped(logs) == {"temperature": "anthropic/claude-sonnet-4-5"}


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"temperature": "hot"}, "temperature"),
        ({"temperature": 3}, "temperature"),
        ({"max_output_tokens": 0}, "max_output_tokens"),
        ({"max_output_tokens": 1.5}, "max_output_tokens"),
        ({"reasoning_effort": "extreme"}, "reasoning_effort"),
    ],
)
async def test_bad_values_are_configuration_errors(
    client_for: ClientFor, server: LoopbackLLMServer, options: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError, match=named):
        await client_for().generate(input="hi", **options)
    assert server.requests == []


async def test_an_unknown_provider_is_a_configuration_error(server: LoopbackLLMServer) -> None:
    client = loopback_client(server, "nosuchprovider/model")
    with pytest.raises(ConfigurationError, match="provider/model"):
        await client.generate(input="hi")
    assert server.requests == []


# -- the rules, without any SDK (the Responses route applies the same ones) ------------------

RULES: list[tuple[str, dict[str, Any], set[str]]] = [
    ("gpt-5", {"temperature": 0.3, "reasoning_effort": "low"}, {"temperature"}),
    ("openai/gpt-5.1", {"temperature": 0.3}, {"temperature"}),
    (
        "openai/gpt-5-chat-latest",
        {"temperature": 0.3, "reasoning_effort": "low"},
        {"reasoning_effort"},
    ),
    ("openai/o4-mini", {"temperature": 1.0}, {"temperature"}),
    ("azure/o3", {"temperature": 0.0, "max_output_tokens": 10}, {"temperature"}),
    ("openai/gpt-4.1", {"temperature": 0.3, "reasoning_effort": "medium"}, {"reasoning_effort"}),
    ("chatgpt-4o-latest", {"reasoning_effort": "low"}, {"reasoning_effort"}),
    (
        "anthropic/claude-sonnet-4-5",
        {"temperature": 0.3, "reasoning_effort": "low"},
        {"temperature"},
    ),
    ("anthropic/claude-sonnet-4-5", {"temperature": 0.3}, set()),
    ("openai/my-local-model", {"temperature": 0.3, "reasoning_effort": "low"}, set()),
    ("gemini/gemini-2.5-flash", {"temperature": 0.3, "reasoning_effort": "low"}, set()),
]


@pytest.mark.parametrize(("model", "values", "drops"), RULES)
def test_built_in_rules(model: str, values: dict[str, Any], drops: set[str]) -> None:
    assert set(unsupported_parameters(model, Sampling(**values))) == drops


def test_a_supported_list_drops_what_it_lacks() -> None:
    sampling = Sampling(temperature=0.3, max_output_tokens=5, reasoning_effort="low")
    found = unsupported_parameters("xai/grok-3", sampling, supported={"temperature", "max_tokens"})
    assert set(found) == {"reasoning_effort"}
    assert unsupported_parameters("x/y", sampling, supported={"max_tokens"}).keys() == {
        "temperature",
        "reasoning_effort",
    }


@pytest.fixture
def unconfigured_structlog() -> Iterator[None]:
    """structlog as an application that never configured it (``capture_logs`` leaves the
    configured flag set behind it)."""
    structlog.reset_defaults()
    yield
    structlog.reset_defaults()


@pytest.mark.usefixtures("unconfigured_structlog")
async def test_drops_are_quiet_unless_debug_logging_is_on(
    server: LoopbackLLMServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    client = litellm_client(server, "openai/o3-mini")
    await body_of(client, server, temperature=0.2)
    assert "parameter_dropped" not in capsys.readouterr().out
    assert not [r for r in caplog.records if "parameter_dropped" in r.getMessage()]
    caplog.set_level(logging.DEBUG, logger="llm_factory_toolkit")
    await body_of(client, server, temperature=0.2)
    (record,) = [r for r in caplog.records if "parameter_dropped" in r.getMessage()]
    assert "parameter='temperature'" in record.getMessage()
