"""``safe_math_evaluator``: arithmetic for the model, with no way to run code or to stall.

The expression is checked here (length, syntax, size of the tree) and evaluated by
``math_eval`` in a separate worker process (``worker_pool``), never in this one.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..pipeline.observed import error_result
from .models import ToolExecutionResult

if TYPE_CHECKING:
    from .worker_pool import WorkerPool

TIME_LIMIT = 2.0


async def safe_math_evaluator(expression: str) -> ToolExecutionResult:
    """Evaluates an arithmetic expression, e.g. "2 + 3" or "sqrt(2) * pi".

    Guarantee: nothing is executed but arithmetic (the expression is interpreted node by
    node, never ``eval``-ed), and the evaluation runs in a child process: the event loop only
    waits on a pipe, so it never stalls, and after ``TIME_LIMIT`` seconds the child is killed
    (``SIGKILL``) and reaped, so no CPU is spent on the expression after the limit. The
    answer is then ``{"status": "timeout"}``.
    """
    from .math_eval import check
    from .worker_pool import WorkerUnavailable

    try:
        check(expression)
        reply = await pool().request({"expression": expression}, TIME_LIMIT)
    except TimeoutError:
        return error_result(f"evaluation took longer than {TIME_LIMIT} seconds", "timeout")
    except (SyntaxError, ValueError, RecursionError) as exc:
        return error_result(f"Invalid math expression: {exc}", "invalid_expression")
    except WorkerUnavailable as exc:
        return error_result(f"the evaluator is unavailable: {exc}", "evaluator_unavailable")
    if "error" in reply:
        return error_result(reply["error"], reply["status"])
    return ToolExecutionResult(
        content=reply["content"], payload=reply["payload"], metadata={"expression": expression}
    )


@functools.cache
def pool() -> WorkerPool:
    """The evaluator's worker processes (``subprocess`` loads only when a tool first runs)."""
    from .worker_pool import WorkerPool, worker_command

    return WorkerPool(worker_command("llm_factory_toolkit.tools.math_worker"))
