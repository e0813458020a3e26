"""Property: whatever ``tool_execution_context`` holds, none of its values reaches the model.

For random contexts, a generation runs tools that receive the values (by name and through
``**kwargs``), that fail while quoting them, and that the model tries to spoof. Every request
body the loopback server recorded, and every event observers saw, is then scanned for each
value, raw and JSON-escaped. The tools' own record proves the values did reach them.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from llm_factory_toolkit import ToolFactory
from llm_factory_toolkit.testing import (
    LoopbackLLMServer,
    Text,
    ToolCalls,
    ToolCallSpec,
    capture_events as capture,
)
from tests.support import loopback_client

from .helpers import MODELS

MARKER = "zq-secret-"
"""Prefix of every generated value, so a match in a body can only be a leak."""

secrets = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).map(
    lambda text: MARKER + text
)
names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: (
        name not in {"account", "amount", "api_key", "tool_runtime", "tool_session"}
        and not name.startswith("tool_")
    )
)
contexts = st.fixed_dictionaries(
    {"api_key": secrets},
    optional={"nested": st.dictionaries(st.text(max_size=5), secrets, max_size=3)},
).flatmap(lambda base: st.dictionaries(names, secrets, max_size=4).map(lambda x: {**x, **base}))


def leaking_tools(received: dict[str, Any]) -> ToolFactory:
    """Tools that receive the context, one of which fails while quoting it."""
    factory = ToolFactory()

    def inspect_account(account: str, **context: Any) -> dict[str, Any]:
        received["inspect_account"] = context
        return {"account": account, "context_keys": len(context)}

    def charge(amount: int, api_key: str) -> str:
        received["charge"] = api_key
        raise PermissionError(f"key {api_key} was refused for {amount}")

    factory.register_tool(inspect_account)
    factory.register_tool(charge, context_params=["api_key"])
    return factory


def script(server: LoopbackLLMServer) -> None:
    server.reset()
    server.script(
        ToolCalls(
            [
                ToolCallSpec("inspect_account", {"account": "a1"}),
                ToolCallSpec("charge", {"amount": 3, "api_key": "model-made-up"}),
                ToolCallSpec("charge", {"amount": "not a number"}),
            ]
        ),
        ToolCalls([ToolCallSpec("inspect_account", {"account": "a2", "nested": "spoof"})]),
        Text("Done."),
    )


def leaks(value: str, texts: list[str]) -> bool:
    escaped = json.dumps(value)[1:-1]
    ascii_escaped = json.dumps(value, ensure_ascii=True)[1:-1]
    return any(form in text for text in texts for form in (value, escaped, ascii_escaped))


def values_of(context: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for value in context.values():
        found.extend(values_of(value) if isinstance(value, dict) else [value])
    return found


@pytest.mark.anyio
@pytest.mark.parametrize("model", MODELS)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(context=contexts)
async def test_no_context_value_reaches_a_request_body_or_an_event(
    server: LoopbackLLMServer, model: str, context: dict[str, Any]
) -> None:
    received: dict[str, Any] = {}
    script(server)
    client = loopback_client(server, model, tool_factory=leaking_tools(received))
    async with client:  # each example may run on its own event loop: close on this one
        with capture(client.events) as log:
            result = await client.generate(
                input="Check my account.", tool_execution_context=context
            )

    assert result.content == "Done." and len(server.requests) == 3
    assert {name: received["inspect_account"][name] for name in context} == context
    assert received["charge"] == context["api_key"]
    bodies = [request.raw_body.decode() for request in server.requests]
    events = [json.dumps(dataclasses.asdict(event), default=str) for event in log]
    events += [repr(event) for event in log]
    for value in values_of(context):
        assert not leaks(value, bodies), f"{value!r} reached the model"
        assert not leaks(value, events), f"{value!r} reached an event"
