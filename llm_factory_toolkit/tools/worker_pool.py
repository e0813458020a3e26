"""Worker processes that can be stopped: a request that runs too long kills its process.

A thread cannot be stopped, and a C routine holding the GIL (sympy factoring a huge number)
stalls every task of the process. So work that may run away runs in a child process, one
request at a time, spoken to through pipes in JSON lines. The event loop only ever waits for
a pipe to become readable; at the deadline (or on cancellation) the process gets ``SIGKILL``
and is reaped, so nothing keeps burning CPU. Up to ``keep_idle`` processes stay warm for the
next request; a new one starts only when none is idle. POSIX only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio

_LAUNCH = (
    "import sys; sys.path.insert(0, sys.argv[1]); __import__(sys.argv[2], fromlist=['main']).main()"
)


class WorkerUnavailable(Exception):
    """The worker process did not start, or died before it answered."""


def worker_command(module: str) -> list[str]:
    """The command that runs ``module.main()`` in an isolated interpreter of this package."""
    package_root = str(Path(__file__).resolve().parents[2])
    return [sys.executable, "-I", "-c", _LAUNCH, package_root, module]


class WorkerProcess:
    """One child process: send a JSON line, read a JSON line back."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self._out = self.process.stdout.fileno()
        os.set_blocking(self._out, False)
        self._buffer = b""

    @property
    def pid(self) -> int:
        return self.process.pid

    async def exchange(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send ``message`` and wait (without blocking the loop) for the reply."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            raise WorkerUnavailable("the worker process has stopped") from None
        return await self.receive()

    async def receive(self) -> dict[str, Any]:
        while b"\n" not in self._buffer:
            try:
                chunk = os.read(self._out, 65536)
            except BlockingIOError:
                await anyio.wait_readable(self._out)
                continue
            if not chunk:
                raise WorkerUnavailable("the worker process has stopped")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    async def stop(self) -> None:
        """Kill the process and reap it; shielded, so it completes even while cancelled."""
        with anyio.CancelScope(shield=True):
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
            await anyio.to_thread.run_sync(self.process.wait)
            for pipe in (self.process.stdin, self.process.stdout):
                if pipe is not None:
                    pipe.close()


class WorkerPool:
    """Lazily started worker processes running ``command``; at most ``keep_idle`` kept warm."""

    def __init__(
        self, command: list[str], *, keep_idle: int = 2, startup_timeout: float = 60.0
    ) -> None:
        self.command = command
        self.keep_idle = keep_idle
        self.startup_timeout = startup_timeout
        self.running: set[WorkerProcess] = set()
        self._idle: list[WorkerProcess] = []
        os.register_at_fork(after_in_child=self._forget)

    async def request(self, message: dict[str, Any], time_limit: float) -> dict[str, Any]:
        """The worker's reply to ``message``; ``TimeoutError`` after ``time_limit`` s (the
        worker is killed then, and on cancellation); ``WorkerUnavailable`` if it died."""
        worker = await self._take()
        try:
            with anyio.fail_after(time_limit):
                reply = await worker.exchange(message)
        except BaseException:
            await self._discard(worker)
            raise
        if len(self._idle) < self.keep_idle:
            self._idle.append(worker)
        else:
            await self._discard(worker)
        return reply

    async def _take(self) -> WorkerProcess:
        """An idle worker still alive, else a new one."""
        while self._idle:
            worker = self._idle.pop()
            if worker.process.poll() is None:
                return worker
            await self._discard(worker)
        return await self._start()

    async def _start(self) -> WorkerProcess:
        """A new worker, once it said it is ready (its imports done)."""
        try:
            worker = WorkerProcess(self.command)
        except OSError as exc:
            raise WorkerUnavailable(f"the worker process could not start: {exc}") from None
        self.running.add(worker)
        try:
            with anyio.fail_after(self.startup_timeout):
                await worker.receive()
        except BaseException:
            await self._discard(worker)
            raise
        return worker

    async def _discard(self, worker: WorkerProcess) -> None:
        self.running.discard(worker)
        await worker.stop()

    def _forget(self) -> None:
        """In a forked child the parent's workers are not ours to use."""
        self.running.clear()
        self._idle.clear()
