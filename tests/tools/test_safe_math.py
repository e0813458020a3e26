"""``safe_math_evaluator``: no code runs from an expression, and none can stall the process.

The interpreter is checked in this process on both number systems (sympy's and Python's
``math``); the tool itself is checked end to end, through its worker process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from llm_factory_toolkit.tools import math_eval, safe_math

BACKENDS = {"sympy": None, "python": math_eval._PYTHON}


@pytest.fixture(params=sorted(BACKENDS))
def evaluate(request: pytest.FixtureRequest) -> Callable[[str], dict[str, Any]]:
    """``math_eval.evaluate`` in one of the two number systems."""
    backend = BACKENDS[request.param]
    return lambda expression: math_eval.evaluate(expression, backend)


@pytest.mark.parametrize(
    ("expression", "content", "payload"),
    [("2 + 3", "5", 5.0), ("2^10", "1024", 1024.0), ("-(7 // 2) % 5", "2", 2.0)],
)
def test_arithmetic(
    evaluate: Callable[[str], dict[str, Any]], expression: str, content: str, payload: float
) -> None:
    assert evaluate(expression) == {"content": content, "payload": payload}


def test_functions_and_constants(evaluate: Callable[[str], dict[str, Any]]) -> None:
    reply = evaluate("sqrt(16) + floor(pi) - log(exp(2))")
    assert reply["payload"] == pytest.approx(5.0)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('pathlib').Path('PWNED').touch()",
        "().__class__.__bases__[0].__subclasses__()",
        "open('/etc/passwd').read()",
        "x + 1",
        "[1, 2][0]",
        "(lambda: 1)()",
        "'a' * 3",
        "True + 1",
        "sqrt(x=4)",
        "2 if 1 else 3",
    ],
)
def test_anything_but_arithmetic_is_refused(
    evaluate: Callable[[str], dict[str, Any]],
    expression: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert evaluate(expression)["status"] == "invalid_expression"
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("1+" * 300 + "1", "longer than 500 characters"),
        ("+".join(["1"] * 120), "more than 200 parts"),
        ("9**9**9", "too large"),
        ("2**1000000", "too large"),
        ("(2**60000)**2", "too large"),
        ("1/0", ""),
        ("", "empty"),
        ("2 +", ""),
    ],
)
def test_size_is_bounded(
    evaluate: Callable[[str], dict[str, Any]], expression: str, reason: str
) -> None:
    reply = evaluate(expression)
    assert reply["status"] == "invalid_expression" and reason in reply["error"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("expression", "content", "status"),
    [
        ("sqrt(16) + pi", "pi + 4", None),
        ("x + 1", None, "invalid_expression"),
        ("", None, "invalid_expression"),
    ],
)
async def test_the_tool_answers_from_its_worker_process(
    expression: str, content: str | None, status: str | None
) -> None:
    result = await safe_math.safe_math_evaluator(expression)
    if status is None:
        assert (result.content, result.error) == (content, None)
        assert result.payload == pytest.approx(7.14159265)
    else:
        assert json.loads(result.content)["status"] == status


def _cpu_ticks(pid: int) -> int:
    """User plus system CPU time a live process has used, in clock ticks."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.anyio
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("expression", ["sqrt(3**20000+1)", "exp(2**99999)"])
async def test_a_runaway_expression_neither_stalls_the_loop_nor_outlives_the_limit(
    expression: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_math, "TIME_LIMIT", 1.0)
    await safe_math.safe_math_evaluator("1 + 1")  # a warm worker: the limit is the evaluation's
    gaps: list[float] = []
    workers: set[int] = set()

    async def tick() -> None:
        last = anyio.current_time()
        while True:
            await anyio.sleep(0.01)
            workers.update(worker.pid for worker in safe_math.pool().running)
            now = anyio.current_time()
            gaps.append(now - last)
            last = now

    async with anyio.create_task_group() as group:
        group.start_soon(tick)
        result = await safe_math.safe_math_evaluator(expression)
        group.cancel_scope.cancel()

    assert json.loads(result.content)["status"] == "timeout"
    assert len(gaps) > 50 and max(gaps) < 0.1, f"the loop stalled for {max(gaps):.3f} s"
    killed = workers - {worker.pid for worker in safe_math.pool().running}
    assert killed and not any(_alive(pid) for pid in killed)
    survivors = {worker.pid: _cpu_ticks(worker.pid) for worker in safe_math.pool().running}
    await anyio.sleep(0.3)
    assert {pid: _cpu_ticks(pid) for pid in survivors} == survivors
