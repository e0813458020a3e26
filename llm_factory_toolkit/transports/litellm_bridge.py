"""The one place asyncio is used: a process-wide event loop thread that runs litellm.

``litellm.acompletion`` only runs on asyncio (on trio it fails in every mode), and it keeps
state bound to the first event loop it sees (its logging worker), which breaks when a process
uses several loops: one per test, or repeated ``asyncio.run``. So every litellm call, on
either backend, runs on one daemon thread's asyncio loop, and the caller awaits the outcome
without parking a worker thread. Cancelling the caller cancels the asyncio task, which aborts
the HTTP request at once. Measured: the bridge costs about the same as a native call.

The thread is per process: a forked child (gunicorn ``--preload``, Celery prefork) starts its
own on first use, and so does the next call after ``close()``. A caller whose event loop is
closed while its call is in flight has the request cancelled, quietly; a result the caller
can no longer take (it was cancelled as the call finished) is released on the loop thread.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

import anyio
import sniffio

T = TypeVar("T")
Release = Callable[[Any], Coroutine[Any, Any, object]]
_LIVENESS_SECONDS = 0.5


class LoopThread:
    """An asyncio event loop running forever on its own daemon thread."""

    def __init__(self, name: str = "llm-factory-toolkit-litellm") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=name, daemon=True)
        self._thread.start()
        atexit.register(self.close)

    @property
    def closed(self) -> bool:
        return self.loop.is_closed() or not self._thread.is_alive()

    async def run(
        self,
        fn: Callable[..., Coroutine[Any, Any, T]],
        /,
        *args: Any,
        release: Release | None = None,
        **kwargs: Any,
    ) -> T:
        """Run ``await fn(*args, **kwargs)`` on the loop thread; await it from any backend.

        ``release`` closes a result the caller was cancelled too late to take.
        """
        caller = _Caller()
        handoff: _Handoff[T] = _Handoff(release, self.loop)
        job = _job(fn, args, kwargs, handoff, caller)
        future = asyncio.run_coroutine_threadsafe(job, self.loop)
        done = anyio.Event()
        future.add_done_callback(lambda _: caller.wake(done.set))
        try:
            await done.wait()
        except BaseException:
            future.cancel()
            handoff.abandon()
            raise
        return future.result()

    def close(self, timeout: float = 5.0) -> None:
        """Close litellm's pooled HTTP sessions, end pending tasks and stop the loop.

        Registered at exit, so a process that used litellm ends without "unclosed client
        session" or "task was destroyed" noise.
        """
        if self.closed:
            return
        done = asyncio.run_coroutine_threadsafe(_release_everything(), self.loop)
        with contextlib.suppress(Exception):
            done.result(timeout)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.loop.close()


class _Caller:
    """The calling event loop, as seen from the loop thread: wake it, and is it still there."""

    def __init__(self) -> None:
        if sniffio.current_async_library() == "trio":
            import trio

            token = trio.lowlevel.current_trio_token()
            self._schedule: Callable[[Callable[[], object]], object] = token.run_sync_soon
            self._gone: Callable[[], bool] = lambda: not _schedules(token.run_sync_soon)
        else:
            loop = asyncio.get_running_loop()
            self._schedule, self._gone = loop.call_soon_threadsafe, loop.is_closed

    def wake(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the caller's loop; nothing when that loop has ended."""
        _schedules(self._schedule, callback)

    def gone(self) -> bool:
        return self._gone()


def _schedules(schedule: Callable[[Callable[[], object]], object], callback: Any = None) -> bool:
    try:
        schedule(callback or _nothing)
    except RuntimeError:  # asyncio: "Event loop is closed"; trio: RunFinishedError
        return False
    return True


def _nothing() -> None:
    return None


class _Handoff(Generic[T]):
    """A result passed to the caller exactly once, or released if the caller has left."""

    def __init__(self, release: Release | None, loop: asyncio.AbstractEventLoop) -> None:
        self._release, self._loop = release, loop
        self._lock = threading.Lock()
        self._left = False
        self._result: list[T] = []

    def produced(self, result: T) -> None:
        """Called on the loop thread when the call returned."""
        with self._lock:
            left = self._left
            if not left:
                self._result.append(result)
        if left:
            self._release_later(result)

    def abandon(self) -> None:
        """Called by the caller when it stops waiting."""
        with self._lock:
            self._left = True
            results, self._result = self._result, []
        for result in results:
            self._release_later(result)

    def _release_later(self, result: T) -> None:
        if self._release is not None:
            asyncio.run_coroutine_threadsafe(_quietly(self._release(result)), self._loop)


async def _job(
    fn: Callable[..., Coroutine[Any, Any, T]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    handoff: _Handoff[T],
    caller: _Caller,
) -> T:
    # The caller's context is copied into this task; under trio it says "trio", which would
    # make anyio and httpx inside litellm look for a trio run loop on this thread.
    sniffio.current_async_library_cvar.set(None)
    watch = _CallerWatch(caller)
    try:
        result = await fn(*args, **kwargs)
    finally:
        watch.stop()
    handoff.produced(result)
    return result


class _CallerWatch:
    """Cancels the call's task once the caller's event loop has ended (nobody waits then)."""

    def __init__(self, caller: _Caller) -> None:
        self._caller, self._task = caller, asyncio.current_task()
        self._loop = asyncio.get_running_loop()
        self._handle = self._loop.call_later(_LIVENESS_SECONDS, self._check)

    def _check(self) -> None:
        if self._caller.gone() and self._task is not None:
            self._task.cancel()
        else:
            self._handle = self._loop.call_later(_LIVENESS_SECONDS, self._check)

    def stop(self) -> None:
        self._handle.cancel()


async def _quietly(coro: Coroutine[Any, Any, object]) -> None:
    with contextlib.suppress(Exception):
        await coro


async def release_litellm_connections() -> None:
    """Close litellm's pooled HTTP clients (aiohttp sessions included); litellm builds new
    ones on the next call."""
    from .litellm_no_resend import close_handler

    litellm: Any = sys.modules.get("litellm")
    if litellm is None:
        return
    with contextlib.suppress(Exception):
        await close_handler()
    with contextlib.suppress(Exception):
        await litellm.close_litellm_async_clients()
    with contextlib.suppress(Exception):
        litellm.in_memory_llm_clients_cache.flush_cache()
    # Anthropic streaming uses a module-level client that the calls above do not close; it
    # is made again on first access once removed.
    handler = vars(litellm).pop("module_level_aclient", None)
    with contextlib.suppress(Exception):
        await handler.close()


async def _release_everything() -> None:
    await release_litellm_connections()
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


_lock = threading.Lock()
_shared: LoopThread | None = None
_left_by_fork: list[LoopThread] = []


def shared_loop_thread() -> LoopThread:
    """The process-wide loop thread, started on first use (again after ``close()``)."""
    global _shared
    with _lock:
        if _shared is None or _shared.closed:
            _shared = LoopThread()
        return _shared


def running_loop_thread() -> LoopThread | None:
    """The process-wide loop thread if one is running; never starts one."""
    shared = _shared
    return None if shared is None or shared.closed else shared


def _forget_in_child() -> None:
    """After ``fork()``: the parent's loop thread does not exist in the child."""
    global _shared, _lock
    if _shared is not None:
        _left_by_fork.append(_shared)  # its loop looks running; never close or collect it
    _shared, _lock = None, threading.Lock()
    litellm: Any = sys.modules.get("litellm")
    if litellm is not None:  # clients bound to the parent's loop: the child makes its own
        vars(litellm).pop("module_level_aclient", None)
        with contextlib.suppress(Exception):
            litellm.in_memory_llm_clients_cache.flush_cache()


os.register_at_fork(after_in_child=_forget_in_child)
