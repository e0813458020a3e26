"""A scripted LLM HTTP server on 127.0.0.1 for tests that must not touch the internet.

It speaks OpenAI Chat Completions, OpenAI Responses and Anthropic Messages (JSON and SSE), so
real SDKs (openai, litellm) exercise their genuine parsing paths against scripted replies.
Standard library only, so importing it costs nothing.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from types import TracebackType
from typing import Any, Literal, cast
from urllib.parse import urlsplit

from llm_factory_toolkit.testing import wire_anthropic, wire_chat, wire_responses
from llm_factory_toolkit.testing.script import (
    Fail,
    JSONReply,
    Malformed,
    Stall,
    Text,
    ToolCalls,
    Truncated,
    Turn,
)
from llm_factory_toolkit.testing.wire_common import Reply, dumps, sse

__all__ = ["Api", "LoopbackLLMServer", "RecordedRequest"]

Api = Literal["chat", "responses", "messages"]

_ROUTES: dict[str, Api] = {
    "/v1/chat/completions": "chat",
    "/chat/completions": "chat",
    "/v1/responses": "responses",
    "/responses": "responses",
    "/v1/messages": "messages",
    "/messages": "messages",
}


@dataclass(frozen=True)
class RecordedRequest:
    """One model request as received, for assertions about what the client sent."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw_body: bytes
    api: Api
    stream: bool


@dataclass(frozen=True)
class _Wire:
    """The renderers of one wire format, so the handler never branches on the API."""

    render_json: Callable[[Reply], dict[str, Any]]
    render_sse: Callable[[Reply], list[bytes]]
    error_body: Callable[[Fail], dict[str, Any]]


_WIRES: dict[Api, _Wire] = {
    "chat": _Wire(wire_chat.render_json, wire_chat.render_sse, wire_chat.error_body),
    "responses": _Wire(
        wire_responses.render_json, wire_responses.render_sse, wire_responses.error_body
    ),
    "messages": _Wire(
        wire_anthropic.render_json, wire_anthropic.render_sse, wire_anthropic.error_body
    ),
}

_Wait = Literal["elapsed", "client_left", "stopped"]


@dataclass
class _Run:
    """Resources of one start()/stop() cycle."""

    httpd: _HTTPServer
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
        httpd = _HTTPServer(self)
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
            _shutdown(conn)
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


def _shutdown(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server bound to an ephemeral loopback port."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, owner: LoopbackLLMServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls getfqdn(), a reverse DNS lookup that can stall offline.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up are routine here; anything else is reported as usual."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Routes model requests and plays the scripted turn on the wire."""

    protocol_version = "HTTP/1.1"
    server_version = "loopback-llm"
    disable_nagle_algorithm = True

    @property
    def owner(self) -> LoopbackLLMServer:
        return cast(_HTTPServer, self.server).owner

    def setup(self) -> None:
        super().setup()
        if not self.owner._track(self.connection):
            _shutdown(self.connection)

    def finish(self) -> None:
        self.owner._untrack(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging: tests should not print."""

    # -- routing ---------------------------------------------------------------------------

    def do_POST(self) -> None:
        raw = self._read_body()
        api = _ROUTES.get(urlsplit(self.path).path.rstrip("/"))
        if api is None:
            self._not_found()
            return
        request = self._recorded(api, raw)
        self._play(self.owner._take_turn(request), request)

    def do_GET(self) -> None:
        self._read_body()
        self._not_found()

    do_PUT = do_DELETE = do_PATCH = do_GET

    def _not_found(self) -> None:
        fail = Fail(404, f"No route for {self.command} {self.path}", error_type="not_found")
        self._send_json(404, wire_chat.error_body(fail))

    def _recorded(self, api: Api, raw: bytes) -> RecordedRequest:
        body = _parse_json(raw)
        stream = bool(body.get("stream")) if body is not None else False
        headers: dict[str, str] = {}
        for key, value in self.headers.items():
            name = key.lower()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return RecordedRequest(self.command, self.path, headers, body, raw, api, stream)

    def _read_body(self) -> bytes:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            return self._read_chunked()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _read_chunked(self) -> bytes:
        parts = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)

    # -- playing turns ---------------------------------------------------------------------

    def _play(self, turn: Turn, request: RecordedRequest) -> None:
        if isinstance(turn, Stall):
            if self._pause(turn.seconds):
                self._play(turn.then or Text("ok"), request)
        elif isinstance(turn, Fail):
            retry = (
                [] if turn.retry_after is None else [("Retry-After", _seconds(turn.retry_after))]
            )
            self._send_json(turn.status, _WIRES[request.api].error_body(turn), retry)
        elif isinstance(turn, Malformed):
            self._malformed(turn, request)
        elif isinstance(turn, Truncated):
            self._content(turn.turn, request, cut=turn.after_events)
        else:
            self._content(turn, request)

    def _content(
        self, turn: Text | ToolCalls | JSONReply, request: RecordedRequest, cut: int | None = None
    ) -> None:
        """Render a content turn; ``cut`` drops the connection part-way through."""
        reply = self.owner._bind(turn, request)
        wire = _WIRES[request.api]
        if request.stream:
            self._stream(wire.render_sse(reply), turn.delay, cut)
        elif cut is None:
            self._send_json(200, wire.render_json(reply))
        else:
            body = dumps(wire.render_json(reply))
            head = self._head(200, "application/json", [("Content-Length", str(len(body)))])
            self._write(head + body[: len(body) // 2])
            self.close_connection = True

    def _malformed(self, turn: Malformed, request: RecordedRequest) -> None:
        if request.stream:
            stream_type = turn.content_type != Malformed.content_type
            self._stream([sse(turn.body)], 0.0, None, turn.content_type if stream_type else None)
            return
        body = turn.body.encode()
        self._write(self._head(200, turn.content_type, [("Content-Length", str(len(body)))]) + body)

    # -- writing ---------------------------------------------------------------------------

    def _send_json(self, status: int, payload: Any, extra: Sequence[tuple[str, str]] = ()) -> None:
        body = dumps(payload)
        headers = [("Content-Length", str(len(body))), *extra]
        self._write(self._head(status, "application/json", headers) + body)

    def _stream(
        self, events: list[bytes], delay: float, cut: int | None, content_type: str | None = None
    ) -> None:
        """Send SSE events as HTTP chunks; ``cut`` closes after that many, unterminated."""
        kind = content_type or "text/event-stream; charset=utf-8"
        head = self._head(
            200, kind, [("Transfer-Encoding", "chunked"), ("Cache-Control", "no-cache")]
        )
        shown = events if cut is None else events[:cut]
        tail = b"0\r\n\r\n" if cut is None else b""
        if cut is not None:
            self.close_connection = True
        if delay <= 0:
            self._write(head + b"".join(map(_chunk, shown)) + tail)
            return
        if not self._write(head):
            return
        for n, event in enumerate(shown):
            if (n and not self._pause(delay)) or not self._write(_chunk(event)):
                return
        self._write(tail)

    def _head(self, status: int, content_type: str, headers: list[tuple[str, str]]) -> bytes:
        reason = self.responses.get(status, ("Error",))[0]
        lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}"]
        lines += [f"{k}: {v}" for k, v in headers]
        lines.append(f"Server: {self.server_version}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _write(self, data: bytes) -> bool:
        """Write to the client; a hang-up counts as a disconnect and ends the connection."""
        if not data:
            return True
        try:
            self.wfile.write(data)
        except OSError:
            self.owner._client_left()
            self.close_connection = True
            return False
        return True

    def _pause(self, seconds: float) -> bool:
        """Wait between writes; False (and the connection closed) if it should not go on."""
        outcome = self.owner._wait(self.connection, seconds)
        if outcome == "client_left":
            self.owner._client_left()
        if outcome != "elapsed":
            self.close_connection = True
        return outcome == "elapsed"


def _parse_json(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk of the chunked transfer encoding."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def _seconds(value: float) -> str:
    """``Retry-After`` value: an integer when whole, else a decimal (the SDKs accept both)."""
    return str(int(value)) if float(value).is_integer() else str(value)
