"""Helpers shared across the test packages: clients aimed at the loopback server, a weather
tool, request-body readers, and waiting for state that another thread changes."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Mapping
from typing import Any

import anyio

from llm_factory_toolkit import GenerationResult, LLMClient, StreamChunk, ToolFactory
from llm_factory_toolkit.testing import LoopbackLLMServer, RecordedRequest


def loopback_client(server: LoopbackLLMServer, model: str, **options: Any) -> LLMClient:
    """A client whose model calls go to ``server``: Anthropic Messages for ``anthropic/...``
    models, the OpenAI-compatible endpoints otherwise (through litellm, or through the openai
    SDK on the Responses route for OpenAI's own models: close it, it pools connections).

    The key is ``"test"``, SDK retries are off and answers are capped at 256 tokens unless
    ``options`` say otherwise; an option given as ``None`` is not passed at all (the
    client's own default: ``api_key=None`` for no key, ``max_tokens=None`` for no cap).
    """
    anthropic = model.startswith("anthropic/")
    base = server.anthropic_base_url if anthropic else server.openai_base_url
    options.setdefault("api_key", "test")
    options.setdefault("max_retries", 0)
    options.setdefault("max_tokens", 256)
    given = {name: value for name, value in options.items() if value is not None}
    return LLMClient(model=model, api_base=base, **given)


def weather_factory(
    celsius: Mapping[str, int] | None = None,
    *,
    default: int = 21,
    strict: bool = False,
    calls: list[str] | None = None,
) -> ToolFactory:
    """One sync tool, ``get_weather(city)``, answering ``{"city": city, "celsius": n}``.

    ``n`` comes from ``celsius`` by city, else ``default``. ``strict`` closes the parameter
    schema (``additionalProperties: False``); ``calls`` records every city asked for.
    """
    table = dict(celsius or {})

    def get_weather(city: str) -> dict[str, object]:
        if calls is not None:
            calls.append(city)
        return {"city": city, "celsius": table.get(city, default)}

    parameters: dict[str, Any] = {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    }
    if strict:
        parameters["additionalProperties"] = False
    factory = ToolFactory()
    factory.register_tool(
        get_weather, description="Current weather for a city.", parameters=parameters
    )
    return factory


def slow_lookup_factory(finished: list[str], seconds: float = 5.0) -> ToolFactory:
    """One async tool, ``slow_lookup(city)``, that sleeps ``seconds`` and notes in
    ``finished`` every city whose call ended, cancelled or not."""

    async def slow_lookup(city: str) -> str:
        try:
            await anyio.sleep(seconds)
        finally:
            finished.append(city)
        return city

    factory = ToolFactory()
    factory.register_tool(
        slow_lookup, parameters={"type": "object", "properties": {"city": {"type": "string"}}}
    )
    return factory


async def collect(stream: AsyncIterable[StreamChunk]) -> list[StreamChunk]:
    """Every chunk of a stream, in order."""
    return [chunk async for chunk in stream]


async def final_result(client: LLMClient, stream: bool, **options: Any) -> GenerationResult:
    """``client.generate(**options)``, streamed or not: the ``GenerationResult`` either way
    (streamed, the one the final chunk carries)."""
    if not stream:
        whole: GenerationResult = await client.generate(**options)
        return whole
    chunks = await collect(await client.generate(stream=True, **options))
    result = chunks[-1].result
    assert result is not None
    return result


async def eventually(predicate: Callable[[], object], seconds: float = 3.0) -> None:
    """Poll state that changes on another thread (the server's, the loop thread's)."""
    for _ in range(int(seconds / 0.005)):
        if predicate():
            return
        await anyio.sleep(0.005)
    assert predicate(), "condition not reached in time"


def tool_results(request: RecordedRequest) -> dict[str, str]:
    """The tool results a request carried back to the model, by tool call id, as text, in
    either wire format (Chat Completions or Anthropic Messages)."""
    assert request.body is not None
    found: dict[str, str] = {}
    for message in request.body.get("messages", []):
        if message.get("role") == "tool":
            found[message["tool_call_id"]] = message["content"]
        for block in message.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                found[block["tool_use_id"]] = _text(block["content"])
    return found


def offered_tools(request: RecordedRequest) -> dict[str, dict[str, Any]]:
    """The tools a request offered, by name, with their parameter schemas, in either wire
    format."""
    assert request.body is not None
    offered: dict[str, dict[str, Any]] = {}
    for tool in request.body.get("tools", []):
        if "function" in tool:
            offered[tool["function"]["name"]] = tool["function"].get("parameters", {})
        else:
            offered[tool["name"]] = tool.get("input_schema", {})
    return offered


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)
