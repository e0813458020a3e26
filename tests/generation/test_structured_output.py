"""Structured output: every ``response_format`` form, validation, re-asks, and tools first.

End to end through the loopback server on both wires and both routes. On the Anthropic wire
litellm turns a JSON schema into a forced ``json_tool_call`` tool (the test model has no native
structured output), so there the scripted model answers through that tool, as Claude would;
the native route asks for the schema in ``output_config`` and the answer is JSON text.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel, Field

from llm_factory_toolkit import (
    ConfigurationError,
    GenerationResult,
    StructuredOutputError,
    ToolFactory,
)
from llm_factory_toolkit.middleware.structured_output import (
    InvalidOutput,
    normalize_response_format,
)
from llm_factory_toolkit.testing import JSONReply, LoopbackLLMServer, Text, ToolCalls, ToolCallSpec
from llm_factory_toolkit.testing.script import Turn

from .conftest import ClientFor, sent_messages

pytestmark = pytest.mark.anyio


class Address(BaseModel):
    city: str


class UserInfo(BaseModel):
    name: str = Field(description="The full name of the person.")
    age: int | None = Field(default=None, description="The age, if known.")
    home: Address


PERSON_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name"],
}
SPEC_FORM = {"format": "json_schema", "json_schema": {"name": "person", "schema": PERSON_SCHEMA}}
BOB = {"name": "Bob", "age": 30, "home": {"city": "New York"}}


@pytest.fixture
def json_tool(wire: str, route: str) -> bool:
    """Whether the structured answer comes through litellm's JSON tool (Anthropic, litellm)."""
    return wire == "anthropic" and route == "litellm"


def answer(json_tool: bool, data: Any) -> Turn:
    """The model's structured answer: JSON text, or litellm's JSON tool on Anthropic."""
    if json_tool:
        return ToolCalls([ToolCallSpec("json_tool_call", data)])
    return JSONReply(data)


# -- the forms ------------------------------------------------------------------------------


async def test_json_object_mode(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str
) -> None:
    """The content stays JSON text, checked to be an object."""
    server.script(JSONReply({"name": "Alice", "city": "Paris"}))
    result = await client_for().generate(
        input="Alice lives in Paris.", response_format={"type": "json_object"}
    )
    assert json.loads(result.content) == {"name": "Alice", "city": "Paris"}
    if wire == "chat":
        assert server.requests[0].body["response_format"] == {"type": "json_object"}


async def test_json_schema_dict_form_of_the_spec(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str, json_tool: bool
) -> None:
    """``{"format": "json_schema", ...}`` reaches the provider as a JSON schema."""
    server.script(answer(json_tool, {"name": "Bob", "age": 30}))
    result = await client_for().generate(input="Bob is 30.", response_format=SPEC_FORM)
    assert json.loads(result.content) == {"name": "Bob", "age": 30}
    body = server.requests[0].body
    assert body is not None
    if wire == "chat":
        assert body["response_format"] == {
            "type": "json_schema",
            "json_schema": {"name": "person", "schema": PERSON_SCHEMA, "strict": False},
        }
    elif not json_tool:
        assert body["output_config"]["format"] == {"type": "json_schema", "schema": PERSON_SCHEMA}
    else:
        (tool,) = body["tools"]
        assert tool["name"] == "json_tool_call" and tool["input_schema"] == PERSON_SCHEMA


async def test_pydantic_model_gives_a_validated_instance(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str, json_tool: bool
) -> None:
    server.script(answer(json_tool, BOB))
    result = await client_for().generate(input="Bob, 30, New York.", response_format=UserInfo)
    assert isinstance(result.content, UserInfo)
    assert result.content == UserInfo(name="Bob", age=30, home=Address(city="New York"))
    body = server.requests[0].body
    assert body is not None
    if wire == "chat":
        sent = body["response_format"]["json_schema"]
        assert sent["name"] == "UserInfo" and sent["strict"] is True
        assert sent["schema"] == to_strict_json_schema(UserInfo)


async def test_streamed_structured_output(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str, json_tool: bool
) -> None:
    """The JSON text streams; the final chunk's result holds the instance."""
    server.script(answer(json_tool, BOB))
    stream = await client_for().generate(input="Bob", response_format=UserInfo, stream=True)
    chunks = [chunk async for chunk in stream]
    assert json.loads("".join(c.content for c in chunks)) == BOB
    result = chunks[-1].result
    assert result is not None and isinstance(result.content, UserInfo)


# -- re-asking ------------------------------------------------------------------------------


async def test_an_invalid_answer_is_asked_again_with_the_errors(
    client_for: ClientFor, server: LoopbackLLMServer, wire: str, json_tool: bool
) -> None:
    server.script(answer(json_tool, {"name": "Bob", "home": {}}), answer(json_tool, BOB))
    result = await client_for().generate(input="Bob", response_format=UserInfo)
    assert result.content.home.city == "New York"
    assert len(server.requests) == 2
    reask = result.messages[-2]
    assert reask["role"] == "user" and "home.city: Field required" in reask["content"]
    assert "home.city: Field required" in sent_messages(server.requests[1].body)


@pytest.mark.parametrize("retries", [0, 1, 2])
async def test_retries_run_out_with_the_raw_text(
    client_for: ClientFor, server: LoopbackLLMServer, retries: int
) -> None:
    server.script(*[Text("Bob lives in New York.") for _ in range(retries + 2)])
    with pytest.raises(StructuredOutputError) as caught:
        await client_for().generate(
            input="Bob", response_format=UserInfo, structured_output_retries=retries
        )
    error = caught.value
    assert len(server.requests) == retries + 1
    assert error.raw_text == "Bob lives in New York."
    assert "Invalid JSON" in error.errors
    assert error.transcript[-1] == {"role": "assistant", "content": "Bob lives in New York."}
    assert [m["role"] for m in error.transcript].count("assistant") == retries + 1


async def test_a_fenced_json_answer_is_accepted(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    server.script(Text('```json\n{"name": "Ann", "home": {"city": "Oslo"}}\n```'))
    result = await client_for().generate(input="Ann", response_format=UserInfo)
    assert result.content == UserInfo(name="Ann", home=Address(city="Oslo"))


# -- tools first ----------------------------------------------------------------------------


class Report(BaseModel):
    city: str
    celsius: int


async def weather_report(client_for: ClientFor, weather: ToolFactory) -> GenerationResult:
    """Asks for the weather in Paris as a ``Report``, with the weather tool and no retries."""
    client = client_for(tool_factory=weather)
    return await client.generate(
        input="Weather in Paris?", response_format=Report, structured_output_retries=0
    )


async def test_tools_run_first_then_the_structured_answer(
    client_for: ClientFor,
    server: LoopbackLLMServer,
    weather: ToolFactory,
    wire: str,
    json_tool: bool,
) -> None:
    """The model can call tools while a format is requested, then answers in JSON.

    On the Anthropic wire the format is held back while tools are offered (litellm would
    force its JSON tool and lock ours out), so a JSON answer there is plain text.
    """
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        JSONReply({"city": "Paris", "celsius": 21}),
    )
    result = await weather_report(client_for, weather)
    assert result.content == Report(city="Paris", celsius=21)
    first = server.requests[0].body
    assert first is not None
    names = [t.get("name") or t["function"]["name"] for t in first["tools"]]
    assert names == ["get_weather"] and first.get("tool_choice") in (None, "auto", {"type": "auto"})
    assert ("response_format" in first) == (wire == "chat")
    assert ("output_config" in first) == (wire == "anthropic" and not json_tool)
    assert '"celsius": 21' in sent_messages(server.requests[1].body)


async def test_a_free_text_answer_after_tools_gets_one_final_request(
    client_for: ClientFor,
    server: LoopbackLLMServer,
    weather: ToolFactory,
    wire: str,
    json_tool: bool,
) -> None:
    """After tools, a prose answer is followed by the request for the final structured one.

    It does not use up a retry: on the Anthropic wire it is the first request that carries
    the format at all (litellm's forced JSON tool would have locked the tools out before).
    """
    server.script(
        ToolCalls([ToolCallSpec("get_weather", {"city": "Paris"})]),
        Text("It is 21 degrees in Paris."),
        answer(json_tool, {"city": "Paris", "celsius": 21}),
    )
    result = await weather_report(client_for, weather)
    assert result.content == Report(city="Paris", celsius=21)
    final = server.requests[2].body
    assert final is not None
    if wire == "chat":
        assert final["tool_choice"] == "none" and "response_format" in final
    elif not json_tool:
        assert final["tool_choice"] == {"type": "none"} and "output_config" in final
    else:
        assert final["tool_choice"] == {"name": "json_tool_call", "type": "tool"}
        assert {t["name"] for t in final["tools"]} == {"get_weather", "json_tool_call"}
    assert result.tool_messages[1]["role"] == "tool"


# -- normalization and bad input ------------------------------------------------------------


def test_the_forms_normalize_to_the_chat_completions_form() -> None:
    chat_form = {
        "type": "json_schema",
        "json_schema": {"name": "p", "schema": PERSON_SCHEMA, "strict": True},
    }
    flat_form = {"type": "json_schema", "name": "p", "schema": PERSON_SCHEMA, "strict": True}
    spec = normalize_response_format(SPEC_FORM)
    assert spec is not None and spec.response_format["json_schema"]["strict"] is False
    for form in (chat_form, flat_form):
        output = normalize_response_format(form)
        assert output is not None and output.response_format == chat_form
    assert normalize_response_format(None) is None
    assert normalize_response_format({"type": "text"}) is None
    named = normalize_response_format(
        {"type": "json_schema", "json_schema": {"name": "my format!", "schema": {}}}
    )
    assert named is not None and named.response_format["json_schema"]["name"] == "my_format_"


@pytest.mark.parametrize(
    "bad",
    [
        "json",
        {"type": "xml"},
        {"type": "json_schema"},
        {"format": "json_schema", "json_schema": {"name": "x", "schema": {"type": "objekt"}}},
        UserInfo(name="a", home=Address(city="b")),
        dict,
    ],
)
def test_a_bad_response_format_is_a_configuration_error(bad: Any) -> None:
    with pytest.raises(ConfigurationError, match="response_format"):
        normalize_response_format(bad)


async def test_bad_retry_count_is_a_configuration_error(
    client_for: ClientFor, server: LoopbackLLMServer
) -> None:
    with pytest.raises(ConfigurationError, match="structured_output_retries"):
        await client_for().generate(
            input="x", response_format=UserInfo, structured_output_retries=-1
        )
    assert server.requests == []


def test_schema_validation_errors_say_where() -> None:
    output = normalize_response_format(SPEC_FORM)
    assert output is not None
    assert output.content_of('{"name": "Bob", "age": 30}') == '{"name": "Bob", "age": 30}'
    for bad, message in [
        (
            '{"age": "x"}',
            "(root): 'name' is a required property; age: 'x' is not of type 'integer'",
        ),
        ("[1]", "(root): [1] is not of type 'object'"),
        ("  ", "the answer was empty; a JSON value was required"),
    ]:
        with pytest.raises(InvalidOutput) as caught:
            output.content_of(bad)
        assert str(caught.value) == message
