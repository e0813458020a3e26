"""One generation through the default stack vs the bare litellm call, same HTTP turn.

Each variant runs in its own process (litellm binds state to one event loop per process),
interleaved over several repetitions, against the loopback server in another process:

  raw          litellm.acompletion awaited natively on asyncio (the reference)
  raw-bridge   the same call through the toolkit's litellm loop thread, from asyncio
  stack        LLMClient.generate through the default stack, on asyncio
  stack-trio   LLMClient.generate through the default stack, on trio
  stack-off    the default stack without the resilience stages (retry, fallback,
               deadline, usage limits), on asyncio: their happy-path cost is stack - stack-off

    python benchmarks/bench_stack.py --reps 3 --n 300 --m 1000 [--variants stack,stack-off]

``--micro`` measures the resilience stages alone, in one process without HTTP (a scripted
transport), the two stacks interleaved: the CPU they add to each generation.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _loopback import loopback_process

MESSAGES = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Say ok."},
]
VARIANTS = ("raw", "raw-bridge", "stack", "stack-trio", "stack-off")


def make_call(variant: str, base_url: str) -> Callable[[], Awaitable[Any]]:
    """The coroutine function that performs one turn for ``variant``."""
    os.environ.update(
        LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_MODE="PRODUCTION", LITELLM_LOG="ERROR"
    )
    kwargs = {"model": "openai/bench", "api_base": base_url + "/v1", "api_key": "k"}
    if variant.startswith("stack"):
        from llm_factory_toolkit import LLMClient

        stack = without_resilience() if variant == "stack-off" else None
        client = LLMClient(**kwargs, stack=stack)
        return lambda: client.generate(input=MESSAGES)
    from llm_factory_toolkit.transports.litellm_loader import load_litellm

    litellm = load_litellm()
    if variant == "raw":
        return lambda: litellm.acompletion(messages=MESSAGES, **kwargs)
    from llm_factory_toolkit.transports.litellm_bridge import shared_loop_thread

    loop = shared_loop_thread()
    return lambda: loop.run(litellm.acompletion, messages=MESSAGES, **kwargs)


def without_resilience(stack: list[object] | None = None) -> list[object]:
    """``stack`` (the default one) minus the retry, fallback, deadline and usage-limit stages."""
    from llm_factory_toolkit import middleware as m

    resilience = (
        m.FallbackMiddleware,
        m.RetryMiddleware,
        m.DeadlineMiddleware,
        m.UsageLimitsMiddleware,
    )
    given = m.default_middleware() if stack is None else stack
    return [s for s in given if not isinstance(s, resilience)]


async def measure(
    call: Callable[[], Awaitable[Any]], n: int, m: int, width: int
) -> dict[str, float]:
    """Median latency of ``n`` calls in a row, then calls/s of ``m`` calls ``width`` at a time."""
    import anyio

    for _ in range(30):
        await call()
    latencies = []
    cpu_started, main_started = time.process_time(), time.thread_time()
    for _ in range(n):
        started = time.perf_counter()
        await call()
        latencies.append(time.perf_counter() - started)
    cpu_ms = (time.process_time() - cpu_started) / n * 1000
    main_ms = (time.thread_time() - main_started) / n * 1000
    limiter = anyio.CapacityLimiter(width)

    async def one() -> None:
        async with limiter:
            await call()

    started = time.perf_counter()
    async with anyio.create_task_group() as group:
        for _ in range(m):
            group.start_soon(one)
    return {
        "seq_ms": statistics.median(latencies) * 1000,
        "cpu_ms": cpu_ms,
        "main_thread_cpu_ms": main_ms,
        "concurrent_calls_per_s": m / (time.perf_counter() - started),
    }


def micro(n: int, rounds: int = 21) -> None:
    """Per-generation time of the default stack with and without the resilience stages."""
    import anyio

    from llm_factory_toolkit import LLMClient
    from llm_factory_toolkit.middleware import ProviderRoutingMiddleware, default_middleware
    from llm_factory_toolkit.testing import ScriptedTransport

    def client(resilient: bool) -> LLMClient:
        routing = ProviderRoutingMiddleware((), ScriptedTransport())
        stack = default_middleware(routing=routing)
        return LLMClient(
            model="scripted/bench", stack=stack if resilient else without_resilience(stack)
        )

    async def per_call_us(target: LLMClient) -> float:
        started = time.process_time()  # CPU: steadier than wall time on a shared machine
        for _ in range(n):
            await target.generate(input=MESSAGES)
        return (time.process_time() - started) / n * 1e6

    async def run() -> None:
        on, off = client(True), client(False)
        pairs = []
        for _ in range(rounds):
            pairs.append((await per_call_us(on), await per_call_us(off)))
        on_us = statistics.median(p[0] for p in pairs)
        off_us = statistics.median(p[1] for p in pairs)
        added = statistics.median(p[0] - p[1] for p in pairs)
        print(f"CPU per generation: stages on {on_us:.1f} us, off {off_us:.1f} us")
        print(f"the resilience stages add {added:.1f} us (median of {rounds} paired rounds)")

    anyio.run(run)


def child(variant: str, base_url: str, n: int, m: int, width: int) -> None:
    import anyio

    call = make_call(variant, base_url)
    backend = "trio" if variant.endswith("trio") else "asyncio"
    print(json.dumps(anyio.run(measure, call, n, m, width, backend=backend)))


def run_variant(variant: str, base_url: str, args: argparse.Namespace) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", variant, "--url", base_url]
    command += ["--n", str(args.n), "--m", str(args.m), "--width", str(args.width)]
    if os.path.exists("/usr/bin/taskset"):
        command = ["taskset", "-c", "0", *command]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--m", type=int, default=1000)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--micro", action="store_true")
    args = parser.parse_args()
    if args.micro:
        micro(args.n)
        return
    if args.child:
        child(args.child, args.url, args.n, args.m, args.width)
        return
    chosen = ["raw", *(v for v in args.variants.split(",") if v in VARIANTS and v != "raw")]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in chosen}
    with loopback_process() as url:
        for _ in range(args.reps):
            for variant in chosen:
                runs[variant].append(run_variant(variant, url, args))
    report(runs, args)


def report(runs: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    raw = medians["raw"]
    print(f"n={args.n} sequential, m={args.m} at concurrency {args.width}, reps={args.reps}")
    print(
        f"| variant | seq median ms | ratio | CPU ms per call | ratio | caller-thread CPU ms "
        f"| calls/s at c={args.width} | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for variant, values in medians.items():
        seq, cpu, rate = values["seq_ms"], values["cpu_ms"], values["concurrent_calls_per_s"]
        print(
            f"| {variant} | {seq:.2f} | {seq / raw['seq_ms']:.3f} | {cpu:.2f} | "
            f"{cpu / raw['cpu_ms']:.3f} | {values['main_thread_cpu_ms']:.3f} | {rate:.0f} | "
            f"{raw['concurrent_calls_per_s'] / rate:.3f} |"
        )


if __name__ == "__main__":
    main()
