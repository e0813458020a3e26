"""The streamed-answer assembler: recorded chunk shapes, then generated streams cut anywhere.

``fixtures/chat_stream_cases.json`` holds Chat Completions chunk streams (the shape litellm
gives every provider's stream), each with the message it must assemble into or the error it
must raise. They go through the same reader the litellm transport uses.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from llm_factory_toolkit import MalformedResponseError
from llm_factory_toolkit.transports.assembly import StreamAssembler
from llm_factory_toolkit.transports.base import StreamDelta, ToolCallDelta
from llm_factory_toolkit.transports.litellm_response import delta_from_chunk

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "chat_stream_cases.json").read_text(encoding="utf-8")
)


class Attributes:
    """A chunk dict seen through attributes, like litellm's objects (absent fields are None)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return _wrap(self._data.get(name))


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return Attributes(value)
    if isinstance(value, list):
        return [_wrap(item) for item in value]
    return value


def assemble(deltas: list[StreamDelta]) -> Any:
    assembler = StreamAssembler()
    for delta in deltas:
        assembler.add(delta)
    return assembler.response(provider="test")


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_recorded_stream_shapes(case: dict[str, Any]) -> None:
    deltas = [delta_from_chunk(Attributes(chunk)) for chunk in case["chunks"]]
    expected = case["expected"]
    if "error" in expected:
        with pytest.raises(MalformedResponseError, match=expected["error"]):
            assemble(deltas)
        return
    response = assemble(deltas)
    assert response.message["content"] == expected["content"]
    calls = response.message.get("tool_calls", [])
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        (c["name"], c["arguments"]) for c in expected["tool_calls"]
    ]
    for call, wanted in zip(calls, expected["tool_calls"], strict=True):
        assert call["type"] == "function"
        assert call["id"] == wanted["id"] if wanted["id"] else call["id"].startswith("call_")
    assert len({c["id"] for c in calls}) == len(calls)
    assert response.finish_reason == expected["finish_reason"]
    if "output_tokens" in expected:
        assert response.usage is not None
        assert response.usage.output_tokens == expected["output_tokens"]


def test_generated_ids_are_stable_within_one_response() -> None:
    """The message and the tool calls the loop reads agree on a generated id."""
    response = assemble(
        [
            StreamDelta(tool_calls=(ToolCallDelta(0, None, "f", "{}"),)),
            StreamDelta(finish_reason="x"),
        ]
    )
    (call,) = response.message["tool_calls"]
    assert [c.id for c in response.tool_calls] == [call["id"]]


# -- generated streams ----------------------------------------------------------------------

VALUES = st.one_of(
    st.integers(-1000, 1000),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    st.lists(st.booleans(), max_size=3),
    st.dictionaries(st.sampled_from("xyz"), st.none(), max_size=2),
)
ARGUMENTS = st.dictionaries(st.text(alphabet="abcdef_", min_size=1, max_size=6), VALUES, max_size=4)


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[StreamDelta]]:
    """Calls, and a stream of them cut at arbitrary UTF-16 code units, in one provider style."""
    calls = [
        {
            "name": draw(st.sampled_from(["get_weather", "search", "f"])),
            "arguments": json.dumps(draw(ARGUMENTS), ensure_ascii=draw(st.booleans())),
        }
        for _ in range(draw(st.integers(1, 4)))
    ]
    ids = draw(st.sampled_from(["first", "every", "none"]))
    shared_index = draw(st.booleans())
    separate_head = draw(st.booleans())
    text = draw(st.text(max_size=20))
    deltas = [StreamDelta(content=piece) for piece in _cut(draw, text)]
    for n, call in enumerate(calls):
        call_id = f"call_{n}_{draw(st.integers(0, 99))}" if ids != "none" else None
        call["id"] = call_id
        pieces = _cut(draw, call["arguments"])
        if separate_head:
            pieces.insert(0, "")
        for k, piece in enumerate(pieces):
            head = k == 0 or ids == "every"
            fragment = ToolCallDelta(
                0 if shared_index else n,
                call_id if head else None,
                call["name"] if head else None,
                piece,
            )
            deltas.append(StreamDelta(tool_calls=(fragment,)))
    deltas.append(StreamDelta(finish_reason="tool_calls"))
    return calls, deltas


def _cut(draw: st.DrawFn, text: str) -> list[str]:
    """``text`` cut at random UTF-16 code units, so a cut may fall inside a surrogate pair."""
    units = text.encode("utf-16-le", "surrogatepass")
    length = len(units) // 2
    points = sorted(draw(st.sets(st.integers(1, max(1, length - 1)), max_size=6)))
    bounds = [0, *[p for p in points if p < length], length]
    return [
        units[2 * a : 2 * b].decode("utf-16-le", "surrogatepass")
        for a, b in itertools.pairwise(bounds)
        if b > a
    ]


@settings(max_examples=300, deadline=None)
@given(streams())
def test_any_cut_any_provider_style_gives_back_the_calls(
    generated: tuple[list[dict[str, Any]], list[StreamDelta]],
) -> None:
    calls, deltas = generated
    response = assemble(deltas)
    assembled = response.message["tool_calls"]
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in assembled] == [
        (c["name"], c["arguments"]) for c in calls
    ]
    for call, original in zip(assembled, calls, strict=True):
        assert json.loads(call["function"]["arguments"]) == json.loads(original["arguments"])
        if original["id"] is not None:
            assert call["id"] == original["id"]
    assert len({c["id"] for c in assembled}) == len(calls)
