"""Leaving without ``aclose()``: per-loop client caches die with their loop, and a process
that exits prints nothing, on asyncio and trio, litellm's aiohttp sessions included. Each test
runs a child interpreter against the loopback server and reads its stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from llm_factory_toolkit.testing import LoopbackLLMServer

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import gc, sys, weakref
import anyio
from llm_factory_toolkit import LLMClient

url, model, backends, runs = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4])
client = LLMClient(model=model, api_key="test", api_base=url, max_retries=0)
loops = []

async def generate():
    import anyio.lowlevel
    loops.append(weakref.ref(anyio.lowlevel.current_token().native_token))
    result = await client.generate("hi")
    assert result.content == "ok", result.content

for n in range(runs):
    anyio.run(generate, backend=backends[n % len(backends)])
gc.collect()
print(sum(ref() is not None for ref in loops))
"""


def run_child(server: LoopbackLLMServer, model: str, backend: str, runs: int) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, server.openai_base_url, model, backend, str(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr


@pytest.mark.parametrize("backend", ["asyncio", "trio", "trio,asyncio"])
def test_responses_clients_die_with_their_loop_and_exit_is_quiet(
    server: LoopbackLLMServer, backend: str
) -> None:
    alive, stderr = run_child(server, "gpt-4o-mini", backend, runs=8)
    assert len(server.requests) == 8
    assert alive == "0"  # no event loop kept alive by a cached client
    assert stderr == ""


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_litellm_exit_without_aclose_is_quiet(server: LoopbackLLMServer, backend: str) -> None:
    alive, stderr = run_child(server, "openai/test-model", backend, runs=3)
    assert len(server.requests) == 3
    assert alive == "0"
    assert stderr == ""
