"""The process ``safe_math_evaluator`` runs expressions in: one JSON line in, one out.

It says ``{"ready": true}`` once sympy is imported, then answers each
``{"expression": ...}`` with ``math_eval.evaluate``'s reply. It dies with its parent (Linux),
and ends when its input closes.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import Any

from .math_eval import evaluate, preload


def main() -> None:
    _die_with_parent()
    preload()
    _send({"ready": True})
    for line in sys.stdin:
        _send(_answer(line))


def _answer(line: str) -> dict[str, Any]:
    try:
        return evaluate(json.loads(line)["expression"])
    except Exception as exc:  # whatever sympy raises, the model reads it as an invalid input
        return {
            "error": f"Invalid math expression: {type(exc).__name__}",
            "status": "invalid_expression",
        }


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, even in the middle of a request."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL)
