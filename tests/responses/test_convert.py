"""The conversions between Chat Completions and the Responses API, one rule at a time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, strategies as st
from openai.types.responses import Response

from llm_factory_toolkit import ConfigurationError
from llm_factory_toolkit.exceptions import ServerError, UnsupportedFeatureError
from llm_factory_toolkit.middleware.search_tools import flat_annotation
from llm_factory_toolkit.transports.responses_convert import (
    function_tools,
    input_items,
    text_format,
    tool_choice,
)
from llm_factory_toolkit.transports.responses_output import StreamReader, model_response_from
from llm_factory_toolkit.transports.responses_schema import is_strict_schema

from .conftest import FILE_CALL, WEB_CALL


def test_content_parts() -> None:
    message = {
        "role": "user",
        "content": [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "https://x/cat.png", "detail": "low"}},
            {"type": "image_url", "image_url": "data:image/png;base64,AAA"},
            {"type": "file", "file": {"file_id": "file_1"}},
            {"type": "input_text", "text": "already Responses-shaped"},
        ],
    }
    (item,) = input_items([message])
    assert item == {
        "role": "user",
        "content": [
            {"type": "input_text", "text": "What is this?"},
            {"type": "input_image", "image_url": "https://x/cat.png", "detail": "low"},
            {"type": "input_image", "image_url": "data:image/png;base64,AAA", "detail": "auto"},
            {"type": "input_file", "file_id": "file_1"},
            {"type": "input_text", "text": "already Responses-shaped"},
        ],
    }


def test_assistant_text_parts_and_tool_content_parts_are_joined() -> None:
    items = input_items(
        [
            {"role": "developer", "content": "Rules."},
            {"role": "assistant", "content": [{"type": "text", "text": "a"}, {"type": "text"}]},
            {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "42"}]},
        ]
    )
    assert items == [
        {"role": "developer", "content": "Rules."},
        {"role": "assistant", "content": "a"},
        {"type": "function_call_output", "call_id": "c1", "output": "42"},
    ]


def test_unknown_roles_and_audio_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="'function'"):
        input_items([{"role": "function", "name": "f", "content": "x"}])
    audio = {"type": "input_audio", "input_audio": {"data": "AAA", "format": "wav"}}
    with pytest.raises(UnsupportedFeatureError, match="audio"):
        input_items([{"role": "user", "content": [audio]}])


_names = st.text(alphabet="abcdefghij_", min_size=1, max_size=12)
_calls = st.lists(st.tuples(_names, st.dictionaries(_names, st.integers())), max_size=3)
_turns = st.lists(st.tuples(st.text(max_size=20), _calls), min_size=1, max_size=4)


def _transcript(turns: list[tuple[str, list[tuple[str, dict[str, int]]]]]) -> list[Any]:
    messages: list[Any] = [{"role": "user", "content": "go"}]
    for turn, (text, calls) in enumerate(turns):
        ids = [f"call_{turn}_{n}" for n in range(len(calls))]
        tool_calls = [
            {"id": i, "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
            for i, (n, a) in zip(ids, calls, strict=True)
        ]
        messages.append({"role": "assistant", "content": text or None, "tool_calls": tool_calls})
        messages += [{"role": "tool", "tool_call_id": i, "content": "ok"} for i in ids]
    return messages


@given(_turns)
def test_tool_transcripts_keep_order_and_pairing(turns: Any) -> None:
    """Every call becomes a function_call, every result its output, in transcript order."""
    messages = _transcript(turns)
    items = input_items(messages)
    calls = [m for m in messages if m["role"] == "assistant" for m in m["tool_calls"]]
    fc = [i for i in items if i.get("type") == "function_call"]
    out = [i for i in items if i.get("type") == "function_call_output"]
    assert [i["call_id"] for i in fc] == [c["id"] for c in calls] == [i["call_id"] for i in out]
    assert [json.loads(i["arguments"]) for i in fc] == [
        json.loads(c["function"]["arguments"]) for c in calls
    ]
    texts = [i["content"] for i in items if i.get("role") == "assistant"]
    assert texts == [text for text, _ in turns if text]
    for item in fc:
        assert items.index(item) < items.index(
            next(o for o in out if o["call_id"] == item["call_id"])
        )


OBJECT = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
CLOSED = {**OBJECT, "additionalProperties": False}


@pytest.mark.parametrize(
    ("schema", "strict"),
    [
        (CLOSED, True),
        (OBJECT, False),
        ({**CLOSED, "required": []}, False),
        ({"type": "object", "properties": {}, "additionalProperties": False}, True),
        ({**CLOSED, "properties": {"a": {"type": "array", "items": OBJECT}}}, False),
        ({**CLOSED, "properties": {"a": {"type": "array", "items": CLOSED}}}, True),
        ({**CLOSED, "properties": {"a": {"anyOf": [CLOSED, {"type": "null"}]}}}, True),
        ({**CLOSED, "properties": {"a": {"oneOf": [CLOSED]}}}, False),
        ({**CLOSED, "$defs": {"D": OBJECT}}, False),
        ({"anyOf": [CLOSED]}, False),
        ("not a schema", False),
    ],
)
def test_strict_schema_detection(schema: Any, strict: bool) -> None:
    assert is_strict_schema(schema) is strict


def test_function_tools() -> None:
    chat: list[dict[str, Any]] = [
        {"type": "function", "function": {"name": "f", "description": "F.", "parameters": CLOSED}},
        {"type": "function", "function": {"name": "g", "parameters": CLOSED, "strict": False}},
        {"type": "web_search"},
    ]
    assert function_tools(chat) == [
        {
            "type": "function",
            "name": "f",
            "parameters": CLOSED,
            "strict": True,
            "description": "F.",
        },
        {"type": "function", "name": "g", "parameters": CLOSED, "strict": False},
        {"type": "web_search"},
    ]


def test_tool_choice_and_text_format() -> None:
    assert tool_choice({"type": "function", "function": {"name": "f"}}) == {
        "type": "function",
        "name": "f",
    }
    assert tool_choice("required") == "required"
    assert text_format(None) is None
    assert text_format({"type": "json_object"}) == {"format": {"type": "json_object"}}
    spec = {"name": "person", "schema": CLOSED, "strict": True}
    assert text_format({"type": "json_schema", "json_schema": spec}) == {
        "format": {"type": "json_schema", "name": "person", "schema": CLOSED, "strict": True}
    }
    with pytest.raises(ConfigurationError, match="response_format"):
        text_format({"format": "json_schema"})


def test_flat_annotation() -> None:
    nested = {"type": "url_citation", "url_citation": {"url": "u", "title": "t"}}
    assert flat_annotation(nested) == {"type": "url_citation", "url": "u", "title": "t"}
    assert flat_annotation({"type": "url_citation", "url": "u"}) == {
        "type": "url_citation",
        "url": "u",
    }


def _response(output: list[dict[str, Any]], **fields: Any) -> Response:
    return Response.model_validate(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": 0,
            "model": "gpt-4o",
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "status": "completed",
            **fields,
        }
    )


def test_hosted_search_items_and_reasoning_go_to_metadata() -> None:
    reasoning = {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "I"}],
    }
    refusal = {
        "type": "message",
        "id": "m1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "refusal", "refusal": "No."}],
    }
    response = model_response_from(_response([reasoning, WEB_CALL, FILE_CALL, refusal]))
    assert response.content is None and response.finish_reason == "stop"
    assert response.metadata["web_search_calls"] == [WEB_CALL]
    assert response.metadata["file_search_calls"][0]["results"][0]["filename"] == "plan.md"
    assert response.metadata["reasoning"][0]["summary"][0]["text"] == "I"
    assert response.metadata["refusal"] == "No."


def test_incomplete_answer_is_cut_for_length() -> None:
    response = _response(
        [], status="incomplete", incomplete_details={"reason": "max_output_tokens"}
    )
    assert model_response_from(response).finish_reason == "length"


class _Event:
    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)


def test_stream_reader_takes_arguments_sent_only_when_done() -> None:
    reader = StreamReader("gpt-4o")
    item = _Event(type="function_call", call_id="c1", name="f")
    added = reader.delta(_Event(type="response.output_item.added", output_index=0, item=item))
    done = reader.delta(
        _Event(type="response.function_call_arguments.done", output_index=0, arguments="{}")
    )
    assert added is not None and added.tool_calls[0].name == "f"
    assert done is not None and done.tool_calls[0].arguments == "{}"


def test_stream_reader_failures() -> None:
    reader = StreamReader("gpt-4o")
    failed = _response([], status="failed", error={"code": "server_error", "message": "boom"})
    with pytest.raises(ServerError, match="boom"):
        reader.delta(_Event(type="response.failed", response=failed))
    with pytest.raises(Exception, match="ended before it completed"):
        reader.check_finished()
