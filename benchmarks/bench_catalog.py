"""Dynamic tool loading: catalog search latency and quality, and the visibility stage's cost.

    python benchmarks/bench_catalog.py                 # everything
    python benchmarks/bench_catalog.py --part quality  # or latency, visibility

Latency: ``InMemoryToolCatalog.search(query, limit=10)`` at 100 to 100,000 tools, beside the
plain substring scan the original catalog used (all query words must be substrings of the
tool's text, or contain one of its words of 3+ letters; results in registration order). The
scan is given its lower-cased text and word sets precomputed, which favours it.
Quality: recall@5 and MRR@10 of both over the labelled queries of ``catalog_queries.py``.
Visibility: one pass of ``ToolVisibilityMiddleware.wrap_model_call`` with 50 active tools.
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import anyio
from catalog_queries import LABELLED_QUERIES, Tool, base_catalog, scaled_catalog, vendor_names

from llm_factory_toolkit import InMemoryToolCatalog, ToolCatalogEntry, ToolFactory, ToolSession
from llm_factory_toolkit.core.calls import (
    GenerationContext,
    GenerationRequest,
    ModelCall,
    ModelResponse,
)
from llm_factory_toolkit.middleware.tool_visibility import ToolVisibilityMiddleware
from llm_factory_toolkit.pipeline.bus import EventBus
from llm_factory_toolkit.pipeline.hooks import HookRegistry
from llm_factory_toolkit.pipeline.loop import new_model_call

SIZES = (100, 1_000, 10_000, 100_000)


class PlainScan:
    """The original catalog's search: a substring scan in registration order."""

    def __init__(self, tools: Sequence[Tool]) -> None:
        self.rows = []
        for tool in tools:
            text = f"{tool.name} {tool.description} {' '.join(tool.tags)}".lower()
            words = {w for w in re.split(r"[\s_\-]+", text) if len(w) >= 3}
            self.rows.append((tool.name, text, words))

    def search(self, query: str, limit: int = 10) -> list[str]:
        tokens = query.lower().split()
        found = []
        for name, text, words in self.rows:
            if all(t in text or any(w in t for w in words) for t in tokens):
                found.append(name)
                if len(found) == limit:
                    break
        return found


def catalog_of(tools: Sequence[Tool]) -> InMemoryToolCatalog:
    return InMemoryToolCatalog.from_entries(
        ToolCatalogEntry(t.name, t.description, {}, t.category, list(t.tags), t.group)
        for t in tools
    )


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def latency_queries(size: int) -> list[str]:
    """The labelled queries, half of them qualified by a vendor present at this size."""
    vendors = vendor_names(max(1, size // len(base_catalog())))
    plain = [query for query, _ in LABELLED_QUERIES]
    return plain + [f"{vendors[n % len(vendors)]} {q}" for n, q in enumerate(plain[::2])]


def bench_latency() -> None:
    print(
        "| tools | build s | ranked p50 ms | ranked p95 ms | ranked cold p50 ms |"
        " scan p50 ms | scan p95 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size in SIZES:
        print(latency_row(size))


def latency_row(size: int) -> str:
    """One table row: build time, then search times over the size's queries."""
    tools = scaled_catalog(size)
    started = time.perf_counter()
    catalog = catalog_of(tools)
    build = time.perf_counter() - started
    scan, queries = PlainScan(tools), latency_queries(size)
    warm = [timed(lambda q=q: catalog.search(q, limit=10)) for q in queries]
    cold = []
    for q in queries:
        catalog._index._vocab._cache.clear()  # no expansion cached from earlier queries
        cold.append(timed(lambda q=q: catalog.search(q, limit=10)))
    scanned = queries if size <= 10_000 else queries[:: len(queries) // 40]
    scans = [timed(lambda q=q: scan.search(q)) for q in scanned]
    return (
        f"| {size:,} | {build:.2f} | {p(warm, 50):.3f} | {p(warm, 95):.3f} |"
        f" {p(cold, 50):.3f} | {p(scans, 50):.2f} | {p(scans, 95):.2f} |"
    )


def p(samples: list[float], percentile: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[percentile - 1]


def bench_quality() -> None:
    tools = base_catalog()
    names = {t.name for t in tools}
    for _, relevant in LABELLED_QUERIES:
        assert set(relevant) <= names, relevant
    catalog, scan = catalog_of(tools), PlainScan(tools)
    rows = {
        "ranked index": lambda q: [e.name for e in catalog.search(q, limit=10)],
        "plain scan": lambda q: scan.search(q, limit=10),
    }
    print(f"{len(LABELLED_QUERIES)} labelled queries over {len(tools)} tools\n")
    print("| search | recall@5 | MRR@10 | hit@1 | queries with no result |")
    print("|---|---:|---:|---:|---:|")
    for label, search in rows.items():
        recall, rr, hit1, empty = [], [], 0, 0
        for query, relevant in LABELLED_QUERIES:
            found = search(query)
            empty += not found
            recall.append(len(set(found[:5]) & set(relevant)) / len(relevant))
            rank = next((i for i, name in enumerate(found, 1) if name in relevant), None)
            rr.append(1 / rank if rank else 0.0)
            hit1 += rank == 1
        print(
            f"| {label} | {statistics.mean(recall):.3f} | {statistics.mean(rr):.3f} |"
            f" {hit1 / len(rr):.3f} | {empty} |"
        )


def visibility_context(registered: int) -> GenerationContext:
    factory = ToolFactory()
    parameters = {"type": "object", "properties": {"q": {"type": "string"}}}
    for n in range(registered):
        factory.register_tool(
            lambda q="": q, name=f"tool_{n}", description="A tool.", parameters=parameters
        )
    session = ToolSession()
    session.load([f"tool_{n}" for n in range(0, registered, registered // 50)][:50])
    return GenerationContext(
        request=GenerationRequest(messages=(), model="bench/model"),
        run_id="bench",
        pipeline=None,  # type: ignore[arg-type]
        bus=EventBus(),
        hooks=HookRegistry(),
        tool_factory=factory,
        tool_session=session,
    )


async def stage_microseconds(ctx: GenerationContext, rounds: int) -> float:
    stage, reply = ToolVisibilityMiddleware(), ModelResponse(message={"role": "assistant"})

    async def answer(call: ModelCall) -> ModelResponse:
        return reply

    calls = [new_model_call(ctx) for _ in range(rounds)]
    started = time.perf_counter()
    for call in calls:
        await stage.wrap_model_call(call, answer)
    assert len(calls[-1].tools or ()) == len(ctx.tool_session.load_order)  # type: ignore[union-attr]
    return (time.perf_counter() - started) / rounds * 1e6


def bench_visibility() -> None:
    print("| registered tools | active tools | stage µs per model call | same, GC paused |")
    print("|---:|---:|---:|---:|")
    for registered in (100, 1_000, 10_000):
        ctx = visibility_context(registered)
        runs = [anyio.run(stage_microseconds, ctx, 2000) for _ in range(5)]
        gc.disable()  # the collector's share grows with the objects the registry holds
        quiet = [anyio.run(stage_microseconds, ctx, 2000) for _ in range(5)]
        gc.enable()
        active = len(ctx.tool_session.load_order)  # type: ignore[union-attr]
        print(
            f"| {registered:,} | {active} | {statistics.median(runs):.1f} |"
            f" {statistics.median(quiet):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--part", choices=["latency", "quality", "visibility", "all"], default="all"
    )
    part = parser.parse_args().part
    for name, bench in (
        ("quality", bench_quality),
        ("latency", bench_latency),
        ("visibility", bench_visibility),
    ):
        if part in (name, "all"):
            print(f"\n## {name}\n")
            bench()


if __name__ == "__main__":
    main()
