"""``safe_math_evaluator``: arithmetic for the model, with no way to run code or to stall.

The expression is checked here (length, syntax, size of the tree) and evaluated by
``math_eval`` in a separate worker process (``worker_pool``), never in this one.
"""

from __future__ import annotations

from ..pipeline.observed import error_result
from .math_eval import check
from .models import ToolExecutionResult
from .worker_pool import WorkerPool, WorkerUnavailable, worker_command

TIME_LIMIT = 2.0

_POOL = WorkerPool(worker_command("llm_factory_toolkit.tools.math_worker"))


async def safe_math_evaluator(expression: str) -> ToolExecutionResult:
    """Evaluates an arithmetic expression, e.g. "2 + 3" or "sqrt(2) * pi".

    Guarantee: nothing is executed but arithmetic (the expression is interpreted node by
    node, never ``eval``-ed), and the evaluation runs in a child process: the event loop only
    waits on a pipe, so it never stalls, and after ``TIME_LIMIT`` seconds the child is killed
    (``SIGKILL``) and reaped, so no CPU is spent on the expression after the limit. The
    answer is then ``{"status": "timeout"}``.
    """
    try:
        check(expression)
        reply = await _POOL.request({"expression": expression}, TIME_LIMIT)
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
