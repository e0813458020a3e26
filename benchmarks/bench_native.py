"""Native routes against the bare SDKs: time to the first generation, and CPU per call.

Each variant runs in a fresh process pinned to CPU 0 (the loopback server runs in its own
process on CPU 1), variants interleaved over several repetitions. A child reports when its
first generation completed, measured from just before the parent started it (interpreter
start, imports, client set-up and the first HTTP turn included), then the CPU time of its
process per call over ``n`` sequential calls after a warm-up.

  sdk               AsyncOpenAI().chat.completions.create (the reference for Chat Completions)
  native            LLMClient.generate, openai/<name> with api_base: the native Chat route
  native-trio       the same on trio
  litellm           LLMClient.generate with route="litellm"
  sdk-anthropic     AsyncAnthropic().messages.create (the reference for Anthropic)
  native-anthropic  LLMClient.generate, anthropic/<name>: the native Anthropic route

    python benchmarks/bench_native.py --reps 5 --n 200
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _loopback import arguments, loopback_process, run_child

MESSAGES = [
    {"role": "system", "content": "You are terse."},
    {"role": "user", "content": "Say ok."},
]
VARIANTS = ("sdk", "native", "native-trio", "litellm", "sdk-anthropic", "native-anthropic")
REFERENCE = {"native": "sdk", "native-trio": "sdk", "litellm": "sdk"}
REFERENCE["native-anthropic"] = "sdk-anthropic"


def make_call(variant: str, url: str) -> Callable[[], Awaitable[Any]]:
    """The coroutine function that performs one turn for ``variant``."""
    os.environ.update(LITELLM_LOCAL_MODEL_COST_MAP="True", LITELLM_MODE="PRODUCTION")
    if variant == "sdk":
        from openai import AsyncOpenAI

        openai = AsyncOpenAI(api_key="k", base_url=url + "/v1", max_retries=0)
        return lambda: openai.chat.completions.create(model="bench", messages=MESSAGES)  # type: ignore[arg-type]
    if variant == "sdk-anthropic":
        from anthropic import AsyncAnthropic

        anthropic = AsyncAnthropic(api_key="k", base_url=url, max_retries=0)
        system, user = MESSAGES
        return lambda: anthropic.messages.create(
            model="claude-bench", system=system["content"], messages=[user], max_tokens=64
        )
    from llm_factory_toolkit import LLMClient

    if variant == "native-anthropic":
        client = LLMClient("anthropic/claude-bench", api_key="k", api_base=url, max_tokens=64)
    else:
        route = "litellm" if variant == "litellm" else "native"
        client = LLMClient("openai/bench", api_key="k", api_base=url + "/v1", route=route)
    return lambda: client.generate(input=MESSAGES)


async def measure(call: Callable[[], Awaitable[Any]], n: int) -> dict[str, float]:
    """The first call's completion time, then CPU per call over ``n`` calls in a row."""
    await call()
    first_done = time.time()
    for _ in range(20):
        await call()
    started = time.process_time()
    for _ in range(n):
        await call()
    return {"first_done": first_done, "cpu_ms": (time.process_time() - started) / n * 1000}


def child(variant: str, url: str, n: int) -> None:
    import anyio

    backend = "trio" if variant.endswith("trio") else "asyncio"

    async def run() -> dict[str, float]:
        return await measure(make_call(variant, url), n)

    print(json.dumps(anyio.run(run, backend=backend)))


def run_variant(variant: str, url: str, n: int) -> dict[str, float]:
    started = time.time()
    values = run_child(__file__, variant, "--url", url, "--n", str(n))
    return {"first_ms": (values["first_done"] - started) * 1000, "cpu_ms": values["cpu_ms"]}


def main() -> None:
    args = arguments(n=200, reps=5)
    if args.child:
        child(args.child, args.url, args.n)
        return
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    with loopback_process() as url:
        for _ in range(args.reps):
            for variant in VARIANTS:
                runs[variant].append(run_variant(variant, url, args.n))
    report(runs, args)


def report(runs: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> None:
    medians = {v: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for v, rs in runs.items()}
    print(f"reps={args.reps}, n={args.n} sequential calls for CPU")
    print("| variant | first generation ms | ratio | CPU ms per call | ratio |")
    print("|---|---:|---:|---:|---:|")
    for variant, values in medians.items():
        reference = medians[REFERENCE.get(variant, variant)]
        first, cpu = values["first_ms"], values["cpu_ms"]
        print(
            f"| {variant} | {first:.0f} | {first / reference['first_ms']:.2f} | {cpu:.2f} | "
            f"{cpu / reference['cpu_ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
