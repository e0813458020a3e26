"""The one place asyncio is used: a process-wide event loop thread that runs litellm.

``litellm.acompletion`` only runs on asyncio (on trio it fails in every mode), and it keeps
state bound to the first event loop it sees (its logging worker), which breaks when a process
uses several loops: one per test, or repeated ``asyncio.run``. So every litellm call, on
either backend, runs on one daemon thread's asyncio loop, and the caller awaits the outcome
without parking a worker thread. Cancelling the caller cancels the asyncio task, which aborts
the HTTP request at once. Measured: the bridge costs about the same as a native call.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import anyio
import sniffio

T = TypeVar("T")


class LoopThread:
    """An asyncio event loop running forever on its own daemon thread."""

    def __init__(self, name: str = "llm-factory-toolkit-litellm") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.close)

    async def run(
        self, fn: Callable[..., Coroutine[Any, Any, T]], /, *args: Any, **kwargs: Any
    ) -> T:
        """Run ``await fn(*args, **kwargs)`` on the loop thread; await it from any backend."""
        future = asyncio.run_coroutine_threadsafe(_as_asyncio(fn, args, kwargs), self.loop)
        done = anyio.Event()
        wake = _threadsafe_caller()
        future.add_done_callback(lambda _: wake(done.set))
        try:
            await done.wait()
        except BaseException:
            future.cancel()
            raise
        return future.result()

    def close(self, timeout: float = 5.0) -> None:
        """Close litellm's pooled HTTP sessions, end pending tasks and stop the loop.

        Registered at exit, so a process that used litellm ends without "unclosed client
        session" or "task was destroyed" noise.
        """
        if self.loop.is_closed() or not self._thread.is_alive():
            return
        done = asyncio.run_coroutine_threadsafe(_release_everything(), self.loop)
        with contextlib.suppress(Exception):
            done.result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()


async def _release_everything() -> None:
    from .litellm_no_resend import close_handler

    litellm: Any = sys.modules.get("litellm")
    if litellm is not None:
        with contextlib.suppress(Exception):
            await close_handler()
        with contextlib.suppress(Exception):
            await litellm.close_litellm_async_clients()
        # Anthropic streaming uses a module-level client that the call above does not close.
        handler = vars(litellm).get("module_level_aclient")  # only if it was ever created
        transport = getattr(handler, "client", None)
        with contextlib.suppress(Exception):
            await transport._transport.aclose()  # type: ignore[union-attr]
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def _as_asyncio(
    fn: Callable[..., Coroutine[Any, Any, T]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    # The caller's context is copied into this task; under trio it says "trio", which would
    # make anyio and httpx inside litellm look for a trio run loop on this thread.
    sniffio.current_async_library_cvar.set(None)
    return await fn(*args, **kwargs)


def _threadsafe_caller() -> Callable[[Callable[[], None]], object]:
    """A function that schedules a callback on the caller's event loop from another thread."""
    if sniffio.current_async_library() == "trio":
        import trio

        return trio.lowlevel.current_trio_token().run_sync_soon
    return asyncio.get_running_loop().call_soon_threadsafe


_lock = threading.Lock()
_shared: LoopThread | None = None


def shared_loop_thread() -> LoopThread:
    """The process-wide loop thread, started on first use."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = LoopThread()
        return _shared
