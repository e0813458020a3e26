"""Fixtures for observability tests: an in-memory span exporter and helpers to read a trace."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import structlog
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from structlog.testing import capture_logs

from llm_factory_toolkit import Telemetry


@dataclass
class Traces:
    """A private tracer provider whose finished spans are kept in memory."""

    provider: TracerProvider
    exporter: InMemorySpanExporter

    @property
    def spans(self) -> tuple[ReadableSpan, ...]:
        return tuple(self.exporter.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        """Finished spans whose name starts with ``prefix``, in the order they started."""
        found = [s for s in self.spans if s.name.startswith(prefix)]
        return sorted(found, key=lambda s: s.start_time or 0)

    def one(self, prefix: str) -> ReadableSpan:
        (span,) = self.named(prefix)
        return span

    def telemetry(self, **options: Any) -> Telemetry:
        return Telemetry(tracer_provider=self.provider, **options)


def new_traces() -> Traces:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Traces(provider, exporter)


@pytest.fixture
def traces() -> Iterator[Traces]:
    found = new_traces()
    yield found
    found.provider.shutdown()


def parent_id(span: ReadableSpan) -> int | None:
    return span.parent.span_id if span.parent is not None else None


def span_id(span: ReadableSpan) -> int:
    assert span.context is not None
    return span.context.span_id


def children_of(spans: Sequence[ReadableSpan], parent: ReadableSpan) -> list[str]:
    """Names of ``parent``'s direct children, in start order."""
    kids = [s for s in spans if parent_id(s) == span_id(parent)]
    return [s.name for s in sorted(kids, key=lambda s: s.start_time or 0)]


@contextmanager
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    """structlog's ``capture_logs``, leaving structlog unconfigured if it was before."""
    was_configured = structlog.is_configured()
    try:
        with capture_logs() as entries:
            yield entries
    finally:
        if not was_configured:
            structlog.reset_defaults()
