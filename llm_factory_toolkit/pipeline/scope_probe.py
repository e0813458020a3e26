"""Which cancel scope is innermost in the running task, to notice one left open.

``generate(stream=True)`` runs the pipeline inside the consumer's awaits (see ``streaming``).
That is safe only while no stage holds a cancel scope (or task group) open when a chunk goes
to the consumer: the consumer's own scopes would then interleave with it, which corrupts the
scope stack on both backends. Neither anyio nor trio exposes the current scope, so this reads
the one thing each keeps per task: trio's cancel status, anyio's task state on asyncio.
"""

from __future__ import annotations

import sniffio


def innermost_scope() -> object:
    """An identity for the running task's innermost cancel scope (None: none entered)."""
    if sniffio.current_async_library() == "trio":
        import trio

        return trio.lowlevel.current_task()._cancel_status
    from anyio._backends._asyncio import _task_states, current_task  # type: ignore[attr-defined]

    state = _task_states.get(current_task())  # type: ignore[arg-type]
    return None if state is None else state.cancel_scope
