"""Property: whatever ``tool_execution_context`` holds, none of its values reaches the model or
an observer.

For random contexts (strings, large integers, nested lists and dicts of them), a generation
runs tools that receive the values (by name and through ``**kwargs``), that echo them in their
results, that fail while quoting them, and that the model tries to spoof; the provider then
fails, so the run ends in an exception carrying the transcript. Every request body the loopback
server recorded, every event, every span (content capture on), every log line at DEBUG (the
standard-library route or a configured structlog) and the exception with its transcript are
scanned for each value in each of its renderings. The tools' own record proves the values did
reach them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import structlog
from hypothesis import HealthCheck, given, settings, strategies as st
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from structlog.testing import capture_logs

from llm_factory_toolkit import LLMToolkitError, Telemetry, ToolFactory
from llm_factory_toolkit.log import LOGGER_NAME
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    ToolCalls,
    ToolCallSpec,
    capture_events as capture,
)
from tests.support import loopback_client

from .helpers import MODELS

MARKER = "zq-secret-"
"""Prefix of every generated string, so a match in a body can only be a leak."""

strings = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1).map(
    lambda text: MARKER + text
)
integers = st.integers(10**12, 10**15) | st.integers(-(10**15), -(10**12))
"""Thirteen digits or more: no id, count or timestamp of a run contains one by chance."""
leaves = strings | integers
nested = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True).filter(
    lambda name: (
        name not in {"account", "amount", "api_key", "pin", "tool_runtime", "tool_session"}
        and not name.startswith("tool_")
    )
)
contexts = st.fixed_dictionaries(
    {"api_key": strings, "pin": integers}, optional={"nested": nested}
).flatmap(lambda base: st.dictionaries(names, nested, max_size=3).map(lambda x: {**x, **base}))


def leaking_tools(received: dict[str, Any]) -> ToolFactory:
    """Tools that receive the context: one echoes it all, two fail while quoting it."""
    factory = ToolFactory()

    def inspect_account(account: str, **context: Any) -> dict[str, Any]:
        received["inspect_account"] = context
        return {"account": account, "context": context}

    def charge(amount: int, api_key: str) -> str:
        received["charge"] = api_key
        raise PermissionError(f"key {api_key} was refused for {amount}")

    async def unlock(pin: int, nested: Any = None) -> str:
        raise ValueError(f"pin {pin} is wrong; details: {nested!r}")

    factory.register_tool(inspect_account)
    factory.register_tool(charge, context_params=["api_key"])
    factory.register_tool(unlock, context_params=["pin", "nested"])
    return factory


def script(server: LoopbackLLMServer) -> None:
    server.reset()
    server.script(
        ToolCalls(
            [
                ToolCallSpec("inspect_account", {"account": "a1"}),
                ToolCallSpec("charge", {"amount": 3, "api_key": "model-made-up"}),
                ToolCallSpec("charge", {"amount": "not a number"}),
                ToolCallSpec("unlock", {}),
            ]
        ),
        ToolCalls([ToolCallSpec("inspect_account", {"account": "a2", "nested": "spoof"})]),
        Fail(400, "the provider refused"),
    )


def renderings(value: Any) -> set[str]:
    if not isinstance(value, str):
        return {str(value)}
    return {value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]}


def leaks(value: Any, texts: list[str]) -> bool:
    return any(form in text for text in texts for form in renderings(value))


def values_of(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in values_of(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in values_of(item)]
    return [value]


@contextmanager
def debug_logs(through_structlog: bool) -> Iterator[list[str]]:
    """Every log line the library writes at DEBUG, through the route asked for."""
    lines: list[str] = []
    if through_structlog:
        try:
            with capture_logs() as entries:
                yield lines
        finally:
            structlog.reset_defaults()
        lines.extend(json.dumps(entry, default=str) for entry in entries)
        return

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    logger, handler = logging.getLogger(LOGGER_NAME), Keep(logging.DEBUG)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def span_texts(exporter: InMemorySpanExporter) -> list[str]:
    return [
        json.dumps(
            [dict(span.attributes or {}), [dict(e.attributes or {}) for e in span.events]],
            default=str,
        )
        + str(span.status.description)
        for span in exporter.get_finished_spans()
    ]


@pytest.mark.anyio
@pytest.mark.parametrize("model", MODELS)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(context=contexts, through_structlog=st.booleans())
async def test_no_context_value_reaches_the_model_or_an_observer(
    server: LoopbackLLMServer, model: str, context: dict[str, Any], through_structlog: bool
) -> None:
    received: dict[str, Any] = {}
    script(server)
    exporter, provider = InMemorySpanExporter(), TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry = Telemetry(tracer_provider=provider, capture_content=True)
    client = loopback_client(
        server, model, tool_factory=leaking_tools(received), telemetry=telemetry
    )
    with (
        capture(client.events) as log,
        debug_logs(through_structlog) as lines,
        pytest.raises(LLMToolkitError) as raised,
    ):
        await client.generate(input="Check my account.", tool_execution_context=context)

    assert len(server.requests) == 3 and raised.value.transcript
    assert {name: received["inspect_account"][name] for name in context} == context
    assert received["charge"] == context["api_key"]
    assert any("tool_raised" in line for line in lines)
    observed = {
        "a request body": [request.raw_body.decode() for request in server.requests],
        "an event": [json.dumps(dataclasses.asdict(e), default=str) + repr(e) for e in log],
        "a span": span_texts(exporter),
        "a log line": lines,
        "the exception": [str(raised.value), repr(raised.value.transcript)],
    }
    for value in values_of(context):
        for where, texts in observed.items():
            assert not leaks(value, texts), f"{value!r} reached {where}"
