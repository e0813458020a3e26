"""A scripted LLM HTTP server on 127.0.0.1 for tests that must not touch the internet.

It speaks OpenAI Chat Completions, OpenAI Responses and Anthropic Messages (JSON and SSE), so
real SDKs (openai, litellm) exercise their genuine parsing paths against scripted replies.
Standard library only, so importing it costs nothing.
"""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal

from llm_factory_toolkit.testing.http_handler import Api, HTTPServer, RecordedRequest, shutdown
from llm_factory_toolkit.testing.script import Fail, JSONReply, Text, ToolCalls, Turn
from llm_factory_toolkit.testing.wire_common import Reply

__all__ = ["Api", "LoopbackLLMServer", "RecordedRequest"]

_Wait = Literal["elapsed", "client_left", "stopped"]


@dataclass
class _Run:
    """Resources of one start()/stop() cycle."""

    httpd: HTTPServer
    thread: threading.Thread
    wake_r: socket.socket
    wake_w: socket.socket
    stopping: bool = False
    live: dict[socket.socket, threading.Thread] = field(default_factory=dict)


class LoopbackLLMServer:
    """Scripted model server: each request consumes the next queued :data:`Turn`.

    When the queue is empty, ``responder`` (if set) builds the turn from the request,
    otherwise the answer is ``Text("ok")``.
    """

    def __init__(self) -> None:
        self.responder: Callable[[RecordedRequest], Turn] | None = None
        self._lock = threading.Lock()
        self._queue: deque[Turn] = deque()
        self._requests: list[RecordedRequest] = []
        self._disconnects = 0
        self._seq = 0
        self._call_seq = 0
        self._run: _Run | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Bind an ephemeral port on 127.0.0.1 and serve from a daemon thread."""
        if self._run is not None:
            raise RuntimeError("LoopbackLLMServer is already running")
        httpd = HTTPServer(self)
        wake_r, wake_w = socket.socketpair()
        thread = threading.Thread(target=self._serve, name="loopback-llm", daemon=True)
        self._run = _Run(httpd, thread, wake_r, wake_w)
        thread.start()

    def stop(self) -> None:
        """Stop accepting, wake stalled handlers, close live connections and join threads."""
        run = self._run
        if run is None:
            return
        with self._lock:
            run.stopping = True
            live = dict(run.live)
        run.wake_w.send(b"\0")  # never drained: stays readable for every waiter
        run.thread.join()
        run.httpd.server_close()
        for conn in live:
            shutdown(conn)
        for thread in live.values():
            thread.join(timeout=5)
        run.wake_r.close()
        run.wake_w.close()
        self._run = None

    def __enter__(self) -> LoopbackLLMServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        """Accept loop that also watches the wake socket, so stop() needs no polling."""
        run = self._running()
        with selectors.DefaultSelector() as selector:
            selector.register(run.httpd.socket, selectors.EVENT_READ)
            selector.register(run.wake_r, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if run.wake_r in ready:
                    return
                run.httpd.handle_request()

    # -- public state ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``; only valid while running."""
        host, port = self._running().httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_base_url(self) -> str:
        """Base URL for ``openai.AsyncOpenAI(base_url=...)`` and litellm ``openai/...``."""
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        """Host-only base URL: litellm ``anthropic/...`` appends ``/v1/messages`` itself."""
        return self.url

    def script(self, *turns: Turn) -> None:
        """Queue turns; each model request consumes the next one, in order."""
        with self._lock:
            self._queue.extend(turns)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the model requests received so far."""
        with self._lock:
            return list(self._requests)

    @property
    def disconnects(self) -> int:
        """How many responses the client abandoned before the server finished writing."""
        with self._lock:
            return self._disconnects

    @property
    def open_connections(self) -> int:
        """How many client connections are open now (kept-alive ones included)."""
        run = self._run
        if run is None:
            return 0
        with self._lock:
            return len(run.live)

    @property
    def pending(self) -> int:
        """How many scripted turns are still queued."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget queued turns, requests, disconnects and the responder; restart id numbering."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._disconnects = 0
            self._seq = self._call_seq = 0
            self.responder = None

    # -- used by the request handler ---------------------------------------------------------

    def _running(self) -> _Run:
        if self._run is None:
            raise RuntimeError("LoopbackLLMServer is not running; call start() first")
        return self._run

    def _track(self, conn: socket.socket) -> bool:
        """Register a live connection, unless stop() has begun (then it must be dropped)."""
        run = self._run
        if run is None:
            return False
        with self._lock:
            if not run.stopping:
                run.live[conn] = threading.current_thread()
            return not run.stopping

    def _untrack(self, conn: socket.socket) -> None:
        run = self._run
        if run is not None:
            with self._lock:
                run.live.pop(conn, None)

    def _take_turn(self, request: RecordedRequest) -> Turn:
        """Record the request and pick its answer: queue, then responder, then ``Text("ok")``."""
        with self._lock:
            self._requests.append(request)
            if self._queue:
                return self._queue.popleft()
            responder = self.responder
        if responder is None:
            return Text("ok")
        try:
            return responder(request)
        except Exception as exc:
            return Fail(500, f"responder raised {exc!r}")

    def _bind(self, turn: Text | ToolCalls | JSONReply, request: RecordedRequest) -> Reply:
        """Fix model, timestamp and ids for one rendering of ``turn``."""
        content = turn.as_text() if isinstance(turn, JSONReply) else turn
        body = request.body or {}
        requested = body.get("model")
        model = content.model or (requested if isinstance(requested, str) else "loopback-model")
        n_calls = len(content.calls) if isinstance(content, ToolCalls) else 0
        with self._lock:
            self._seq += 1
            seq, first_call = self._seq, self._call_seq + 1
            self._call_seq += n_calls
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        calls = tuple(range(first_call, first_call + n_calls))
        return Reply(content, model, int(time.time()), seq, calls, include_usage)

    def _client_left(self) -> None:
        """Count an abandoned response (not when our own stop() cut the connection)."""
        with self._lock:
            if self._run is not None and not self._run.stopping:
                self._disconnects += 1

    def _wait(self, conn: socket.socket, seconds: float) -> _Wait:
        """Sleep ``seconds`` unless the client hangs up or stop() is called first."""
        run = self._run
        if run is None:
            return "stopped"
        deadline = time.monotonic() + seconds
        with selectors.DefaultSelector() as selector:
            selector.register(conn, selectors.EVENT_READ)
            selector.register(run.wake_r, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                ready = {key.fileobj for key, _ in selector.select(left)}
                if run.wake_r in ready:
                    return "stopped"
                if conn in ready:
                    if _peer_closed(conn):
                        return "client_left"
                    selector.unregister(conn)  # unexpected bytes: only stop() can end the wait
        return "elapsed"


def _peer_closed(conn: socket.socket) -> bool:
    """Whether a readable socket is at EOF (or reset) rather than holding data."""
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
