"""ToolSession: loading within limits, pinning, persistence, token budgets."""

from __future__ import annotations

import json

import pytest
import tiktoken

from llm_factory_toolkit import ConfigurationError, ToolSession
from llm_factory_toolkit.tools.token_budget import (
    count_tokens,
    definition_token_counter,
    definition_tokens,
    estimate_tokens,
)

from .conftest import build_factory


class TestLoading:
    def test_load_unload_and_query(self) -> None:
        """The INTEGRATION.md walk-through."""
        session = ToolSession(max_tools=50)
        assert session.load(["tool_a", "tool_b"]) == []
        session.unload(["tool_a"])
        assert session.is_active("tool_b") and not session.is_active("tool_a")
        assert session.list_active() == ["tool_b"]
        assert session.active_tools == {"tool_b"}

    def test_list_active_is_sorted_and_load_order_is_kept(self) -> None:
        session = ToolSession()
        session.load(["zeta", "alpha", "mid"])
        assert session.list_active() == ["alpha", "mid", "zeta"]
        assert session.load_order == ("zeta", "alpha", "mid")

    def test_partial_load_returns_the_refused_names_in_order(self) -> None:
        """At the limit, the rest is refused; duplicates and active names are not failures."""
        session = ToolSession(max_tools=3)
        session.load(["a"])
        refused = session.load(["a", "b", "b", "c", "d", "e"])
        assert refused == ["d", "e"]
        assert session.load_order == ("a", "b", "c")

    def test_try_load_says_why(self) -> None:
        session = ToolSession(max_tools=1)
        outcome = session.try_load(["a", "a", "b"])
        assert outcome.loaded == ["a"]
        assert outcome.already_active == []
        assert "limit of 1 active tools" in outcome.refused["b"]

    def test_pinned_tools_cannot_be_unloaded(self) -> None:
        session = ToolSession()
        session.load(["core"], pin=True)
        session.load(["extra"])
        assert session.unload(["core", "extra", "never_loaded"]) == ["core"]
        assert session.list_active() == ["core"]
        assert session.is_pinned("core")

    def test_changes_are_queued_for_the_event_bus(self) -> None:
        """Each load or unload that changed something is one change, drained once."""
        session = ToolSession(max_tools=1)
        session.load(["a", "b"])
        session.load(["a"])  # nothing new: no change
        session.unload(["a"])
        changes = session.take_changes()
        assert [(c.kind, c.tool_names, c.refused) for c in changes] == [
            ("loaded", ("a",), ("b",)),
            ("unloaded", ("a",), ()),
        ]
        assert session.take_changes() == []

    @pytest.mark.parametrize("bad", [0, -1, "5", 2.5, True])
    def test_bad_limits_are_configuration_errors(self, bad: object) -> None:
        with pytest.raises(ConfigurationError, match="max_tools"):
            ToolSession(max_tools=bad)  # type: ignore[arg-type]
        with pytest.raises(ConfigurationError, match="token_budget"):
            ToolSession(token_budget=bad)  # type: ignore[arg-type]


class TestPersistence:
    def test_round_trip_through_json(self) -> None:
        session = ToolSession(max_tools=7, token_budget=900, metadata={"user": "u1"})
        session.token_counter = lambda name: 100
        session.load(["core"], pin=True)
        session.load(["b", "a"])
        data = json.loads(json.dumps(session.to_dict()))
        assert data == {
            "session_id": session.session_id,
            "max_tools": 7,
            "token_budget": 900,
            "active_tools": ["core", "b", "a"],
            "pinned_tools": ["core"],
            "tool_tokens": {"core": 100, "b": 100, "a": 100},
            "metadata": {"user": "u1"},
        }
        restored = ToolSession.from_dict(data)
        assert restored.to_dict() == data
        assert restored.tokens_used == 300
        assert restored.unload(["core"]) == ["core"]

    def test_from_empty_dict_gives_defaults(self) -> None:
        session = ToolSession.from_dict({})
        assert (session.max_tools, session.token_budget, session.list_active()) == (50, None, [])
        assert session.metadata == {} and session.session_id

    def test_from_dict_rejects_bad_limits(self) -> None:
        with pytest.raises(ConfigurationError):
            ToolSession.from_dict({"max_tools": "many"})


class TestTokenBudget:
    def test_loading_stops_at_the_budget(self) -> None:
        """A tool whose definition would not fit is refused; a smaller later one still fits."""
        sizes = {"big": 600, "medium": 300, "small": 100, "huge": 700}
        session = ToolSession(token_budget=1000, token_counter=sizes.get)
        assert session.load(["medium", "big"]) == [] and session.tokens_used == 900
        outcome = session.try_load(["huge", "small"])
        assert outcome.loaded == ["small"] and session.tokens_used == 1000
        assert "700 tokens and 100 of the 1000-token budget are left" in outcome.refused["huge"]
        session.unload(["big", "small"])
        assert session.load(["huge"]) == [] and session.tokens_used == 1000

    def test_unmeasured_tools_are_measured_when_a_counter_is_set(self) -> None:
        """Loaded before any counter: unmeasured; a counter set later counts them."""
        session = ToolSession(token_budget=1000)
        assert session.load(["a", "b"]) == [] and session.tokens_used == 0
        session.token_counter = {"a": 700, "b": 200, "c": 200}.get
        assert session.tokens_used == 900
        assert session.load(["c"]) == ["c"]

    def test_definition_counter_measures_the_factory_definitions(self) -> None:
        """Real definitions, measured with the model's tokenizer, fill a real budget."""
        factory = build_factory()
        counter = definition_token_counter(factory, "openai/gpt-4o-mini")
        size = counter("send_email")
        assert size == definition_tokens(
            factory.registrations["send_email"].definition, "openai/gpt-4o-mini"
        )
        assert counter("not_registered") is None
        session = ToolSession(token_budget=size * 2 + 1, token_counter=counter)
        refused = session.load(["send_email", "send_sms", "search_crm", "get_contact"])
        assert len(refused) >= 2 and session.tokens_used <= size * 2 + 1

    def test_openai_models_count_with_tiktoken(self) -> None:
        """For an OpenAI model the count is the model's encoding (litellm's bundled tiktoken)."""
        text = json.dumps(build_factory().get_tool_definitions())
        counted = count_tokens(text, "gpt-4o-mini")  # first: litellm points tiktoken at its files
        exact = len(tiktoken.encoding_for_model("gpt-4o-mini").encode(text))
        assert abs(counted - exact) <= 2  # litellm may add a token or two of framing
        assert abs(counted - estimate_tokens(text)) > 10

    def test_models_needing_a_download_use_the_estimate(self) -> None:
        """Llama's tokenizer would be downloaded: the documented estimate is used instead."""
        text = "x" * 401
        assert count_tokens(text, "together_ai/meta-llama/llama-3-70b") == estimate_tokens(text)
        assert estimate_tokens(text) == 101
        assert count_tokens(text) == 101
