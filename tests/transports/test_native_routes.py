"""The routing table and what the native routes keep faithful to each wire.

Every check reads the requests the loopback server recorded: which API was called, and
what the body carried.
"""

from __future__ import annotations

from typing import Any

import pytest

from llm_factory_toolkit import ConfigurationError, ToolCallDenied
from llm_factory_toolkit.middleware import routing
from llm_factory_toolkit.middleware.routing import ProviderRoutingMiddleware, wire_for
from llm_factory_toolkit.testing import LoopbackLLMServer, Text, ToolCalls, ToolCallSpec, UsageSpec
from llm_factory_toolkit.transports.anthropic_transport import AnthropicTransport
from llm_factory_toolkit.transports.openai_chat import OpenAIChatTransport
from llm_factory_toolkit.transports.openai_compatible import COMPATIBLE_PROVIDERS, chat_settings
from tests.support import final_result, loopback_client, weather_factory

BASE = {"api_base": "http://127.0.0.1:8000/v1"}
SYSTEM = {"role": "system", "content": "Be terse."}
WEATHER_CALL = ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})])


@pytest.mark.parametrize(
    ("model", "options", "wire"),
    [
        ("gpt-4o-mini", {}, "responses"),
        ("openai/o3-mini", {}, "responses"),
        ("openai/gpt-oss-20b", BASE, "chat"),
        ("gpt-4o", BASE, "chat"),
        ("openai/gpt-oss-20b", {**BASE, "route": "responses"}, "responses"),
        ("openai/llama3", {}, "chat"),
        ("groq/llama-3.3-70b", {}, "chat"),
        ("hosted_vllm/qwen", BASE, "chat"),
        ("anthropic/claude-sonnet-4-5", {}, "anthropic"),
        ("claude-haiku-4-5", BASE, "anthropic"),
        ("anthropic/claude-sonnet-4-5", {"route": "litellm"}, "litellm"),
        ("gemini/gemini-2.5-flash", {}, "litellm"),
        ("bedrock/anthropic.claude-v2", {}, "litellm"),
    ],
)
def test_the_routing_table(model: str, options: dict[str, Any], wire: str) -> None:
    assert wire_for(model, options) == wire


def test_route_native_without_a_native_wire_says_so() -> None:
    with pytest.raises(ConfigurationError, match="no native transport"):
        wire_for("gemini/gemini-2.5-flash", {"route": "native"})
    with pytest.raises(ConfigurationError, match="route must be one of"):
        wire_for("gpt-4o", {"route": "fast"})


def test_without_its_sdk_a_native_wire_falls_back_to_litellm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routing, "sdk_installed", lambda module: module != "anthropic")
    assert wire_for("anthropic/claude-sonnet-4-5", {}) == "litellm"
    with pytest.raises(ConfigurationError, match=r"llm-factory-toolkit\[anthropic\]"):
        wire_for("anthropic/claude-sonnet-4-5", {"route": "native"})


def test_one_transport_per_wire() -> None:
    routing = ProviderRoutingMiddleware()
    assert isinstance(routing.choose("openai/x", BASE), OpenAIChatTransport)
    assert routing.choose("openai/x", BASE) is routing.choose("groq/y")
    assert isinstance(routing.choose("anthropic/claude-x"), AnthropicTransport)


pytestmark = pytest.mark.anyio


async def test_an_openai_name_on_a_local_server_goes_to_chat_completions(
    server: LoopbackLLMServer,
) -> None:
    """``openai/gpt-oss-20b`` with an ``api_base`` (a vLLM server) is not sent to Responses."""
    server.script(Text("ok"))
    result = await loopback_client(server, "openai/gpt-oss-20b").generate(input="hi")
    assert result.content == "ok"
    assert server.requests[0].api == "chat"
    assert server.requests[0].body is not None
    assert server.requests[0].body["model"] == "gpt-oss-20b"


async def test_route_option_per_call_and_on_the_client(server: LoopbackLLMServer) -> None:
    server.script(Text("a"), Text("b"), Text("c"))
    client = loopback_client(server, "openai/gpt-4o-mini", route="responses")
    await client.generate(input="hi")
    await client.generate(input="hi", route="native")
    await client.generate(input="hi", route="litellm")
    assert [r.api for r in server.requests] == ["responses", "chat", "chat"]
    assert all("route" not in (r.body or {}) for r in server.requests)


@pytest.mark.parametrize("route", ["native", "litellm"])
async def test_tool_choice_auto_is_sent_with_tools(server: LoopbackLLMServer, route: str) -> None:
    """llama.cpp's server calls tools only when ``tool_choice="auto"`` is sent."""
    server.script(WEATHER_CALL, Text("21 degrees"))
    client = loopback_client(server, "openai/local", route=route, tool_factory=weather_factory())
    await client.generate(input="Weather in Paris?")
    assert [r.body["tool_choice"] for r in server.requests if r.body] == ["auto", "auto"]


async def test_no_tool_choice_without_tools(server: LoopbackLLMServer) -> None:
    server.script(Text("hello"))
    await loopback_client(server, "openai/local", tool_choice="required").generate(input="hi")
    body = server.requests[0].body
    assert body is not None and "tool_choice" not in body and "tools" not in body


@pytest.mark.parametrize("stream", [False, True])
async def test_the_assistant_tool_call_message_keeps_its_content_key(
    server: LoopbackLLMServer, stream: bool
) -> None:
    """llama.cpp's chat template reads ``content`` of every message: HTTP 500 without it."""
    server.script(WEATHER_CALL, Text("21 degrees"))
    client = loopback_client(server, "openai/local", tool_factory=weather_factory())
    await final_result(client, stream, input="Weather in Paris?")
    body = server.requests[1].body
    assert body is not None
    (assistant,) = [m for m in body["messages"] if m["role"] == "assistant"]
    assert "content" in assistant and assistant["content"] is None
    assert assistant["tool_calls"][0]["function"]["name"] == "get_weather"


# -- Anthropic --------------------------------------------------------------------------------


def anthropic_client(server: LoopbackLLMServer, **options: Any) -> Any:
    options.setdefault("tool_factory", weather_factory())
    options.setdefault("route", "native")
    return loopback_client(server, "anthropic/claude-sonnet-4-5", **options)


@pytest.mark.parametrize("route", ["native", "litellm"])
@pytest.mark.parametrize("stream", [False, True])
async def test_thinking_blocks_go_back_with_the_tool_results(
    server: LoopbackLLMServer, stream: bool, route: str
) -> None:
    """With extended thinking on, Anthropic refuses tool results whose turn lost its thinking."""
    server.script(
        ToolCalls(WEATHER_CALL.calls, thinking="Paris: ask the tool.", redacted_thinking="opaque"),
        Text("21 degrees"),
    )
    result = await final_result(
        anthropic_client(server, route=route),
        stream,
        input="Weather in Paris?",
        reasoning_effort="low",
    )
    assert result.content == "21 degrees"
    first, second = (r.body for r in server.requests)
    assert first is not None and second is not None
    assert first["thinking"] == {"type": "enabled", "budget_tokens": 1024}
    assistant = second["messages"][1]
    assert assistant["role"] == "assistant"
    assert [b["type"] for b in assistant["content"]] == [
        "thinking",
        "redacted_thinking",
        "tool_use",
    ]
    assert assistant["content"][0]["thinking"] == "Paris: ask the tool."
    assert assistant["content"][0]["signature"] == "sig-1"
    assert assistant["content"][1]["data"] == "opaque"
    assert result.messages[1]["thinking_blocks"] == assistant["content"][:2]


async def test_a_failed_tool_result_is_marked_is_error(server: LoopbackLLMServer) -> None:
    def get_weather(city: str) -> str:
        raise RuntimeError("weather service down")

    factory = weather_factory()
    factory.register_tool(get_weather, name="get_weather", description="Weather.")
    server.script(WEATHER_CALL, Text("sorry"))
    await anthropic_client(server, tool_factory=factory).generate(input="Weather in Paris?")
    body = server.requests[1].body
    assert body is not None
    (result,) = body["messages"][2]["content"]
    assert result["type"] == "tool_result" and result["is_error"] is True


async def test_a_denied_tool_result_is_marked_is_error(server: LoopbackLLMServer) -> None:
    server.script(WEATHER_CALL, Text("sorry"))
    client = anthropic_client(server)

    @client.hooks.before_tool_call
    async def deny(call: Any) -> None:
        raise ToolCallDenied("not allowed")

    await client.generate(input="Weather in Paris?")
    body = server.requests[1].body
    assert body is not None
    (result,) = body["messages"][2]["content"]
    assert result["is_error"] is True and "not allowed" in result["content"]


async def test_a_successful_tool_result_has_no_is_error(server: LoopbackLLMServer) -> None:
    server.script(WEATHER_CALL, Text("21"))
    await anthropic_client(server).generate(input="Weather in Paris?")
    body = server.requests[1].body
    assert body is not None
    assert "is_error" not in body["messages"][2]["content"][0]


@pytest.mark.parametrize("route", ["native", "litellm"])
async def test_prompt_cache_marks_system_tools_and_last_turn(
    server: LoopbackLLMServer, route: str
) -> None:
    server.script(Text("ok"))
    client = anthropic_client(server, prompt_cache=True, route=route)
    await client.generate(input=[SYSTEM, {"role": "user", "content": "Weather?"}])
    body = server.requests[0].body
    assert body is not None
    ephemeral = {"type": "ephemeral"}
    assert body["system"][-1]["cache_control"] == ephemeral
    assert body["tools"][-1]["cache_control"] == ephemeral
    assert body["messages"][-1]["content"][-1]["cache_control"] == ephemeral
    assert "prompt_cache" not in body


async def test_prompt_cache_parts_and_ttl(server: LoopbackLLMServer) -> None:
    server.script(Text("ok"))
    client = anthropic_client(server, prompt_cache={"messages": False, "ttl": "1h"})
    await client.generate(input=[SYSTEM, {"role": "user", "content": "Weather?"}])
    body = server.requests[0].body
    assert body is not None
    assert body["system"][-1]["cache_control"] == {"type": "ephemeral", "ttl": "1h"}
    assert "cache_control" not in body["messages"][-1]["content"][-1]


@pytest.mark.parametrize("route", ["native", "litellm"])
@pytest.mark.parametrize("stream", [False, True])
async def test_cache_reads_and_writes_are_counted_and_priced(
    server: LoopbackLLMServer, route: str, stream: bool
) -> None:
    """A prompt of 1000 tokens: 600 read from the cache, 300 written to it, 100 fresh."""
    usage = UsageSpec(
        input_tokens=1000, output_tokens=50, cached_input_tokens=600, cache_write_input_tokens=300
    )
    server.script(Text("ok", usage=usage))
    client = loopback_client(server, "anthropic/claude-sonnet-4-5", route=route)
    result = await final_result(client, stream, input="hi")
    counted = result.usage
    assert (counted.input_tokens, counted.cached_input_tokens) == (1000, 600)
    assert counted.cache_write_input_tokens == 300
    expected = 100 * 3e-6 + 600 * 3e-7 + 300 * 3.75e-6 + 50 * 1.5e-5
    assert counted.cost_usd == pytest.approx(expected)


# -- Responses --------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [False, True])
async def test_reasoning_items_go_back_across_tool_rounds(
    server: LoopbackLLMServer, stream: bool
) -> None:
    """Unstored (``store=False``) reasoning is asked for encrypted and sent back as it came."""
    server.script(ToolCalls(WEATHER_CALL.calls, thinking="Ask the tool."), Text("21 degrees"))
    client = loopback_client(
        server, "openai/o4-mini", route="responses", store=False, tool_factory=weather_factory()
    )
    result = await final_result(client, stream, input="Weather in Paris?")
    first, second = (r.body for r in server.requests)
    assert first is not None and second is not None
    assert first["include"] == ["reasoning.encrypted_content"]
    reasoning = [item for item in second["input"] if item.get("type") == "reasoning"]
    assert reasoning == [
        {
            "id": "rs_loopback1",
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "Ask the tool."}],
            "encrypted_content": "enc-1",
        }
    ]
    kinds = [item.get("type") for item in second["input"]]
    assert kinds.index("reasoning") < kinds.index("function_call")
    assert result.messages[1]["reasoning_items"] == reasoning


# -- OpenAI-compatible providers ------------------------------------------------------------


def test_a_compatible_provider_has_its_url_and_key_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GROQ_API_KEY", "gsk-test")
    settings = chat_settings("groq/llama-3.3-70b", {})
    assert settings["base_url"] == COMPATIBLE_PROVIDERS["groq"].base_url
    assert settings["api_key"] == "gsk-test" and settings["max_retries"] == 0


def test_a_compatible_provider_without_its_key_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DEEPSEEK_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="DEEPSEEK_API_KEY"):
        chat_settings("deepseek/deepseek-chat", {})


def test_local_servers_need_no_key_but_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OLLAMA_API_KEY", "HOSTED_VLLM_API_KEY", "HOSTED_VLLM_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    assert chat_settings("ollama_chat/llama3", {})["base_url"] == "http://localhost:11434/v1"
    with pytest.raises(ConfigurationError, match="HOSTED_VLLM_API_BASE"):
        chat_settings("hosted_vllm/qwen", {})


async def test_a_provider_prefix_is_not_sent_as_the_model(server: LoopbackLLMServer) -> None:
    server.script(Text("ok"))
    client = loopback_client(server, "hosted_vllm/Qwen/Qwen2.5-1.5B", api_key=None)
    assert (await client.generate(input="hi")).content == "ok"
    assert server.requests[0].body is not None
    assert server.requests[0].body["model"] == "Qwen/Qwen2.5-1.5B"
