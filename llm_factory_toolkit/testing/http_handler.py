"""The HTTP side of the loopback LLM server: routing, reading requests, playing turns.

``LoopbackLLMServer`` (``server.py``) owns the script, the records and the lifecycle; this
module only speaks HTTP/1.1 and hands each request to it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socketserver import TCPServer
from typing import TYPE_CHECKING, Any, Literal, cast
from urllib.parse import urlsplit

from llm_factory_toolkit.testing import faults, wire_anthropic, wire_chat, wire_responses
from llm_factory_toolkit.testing.script import (
    Fail,
    JSONReply,
    Malformed,
    Reset,
    Stall,
    Text,
    ToolCalls,
    Truncated,
    Turn,
)
from llm_factory_toolkit.testing.wire_common import Reply, dumps, sse

if TYPE_CHECKING:
    from llm_factory_toolkit.testing.server import LoopbackLLMServer

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


def shutdown(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


class HTTPServer(ThreadingHTTPServer):
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
        return cast(HTTPServer, self.server).owner

    def setup(self) -> None:
        super().setup()
        if not self.owner._track(self.connection):
            shutdown(self.connection)

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
            retry = faults.retry_after_headers(turn.retry_after)
            self._send_json(turn.status, _WIRES[request.api].error_body(turn), retry)
        elif isinstance(turn, Malformed):
            self._malformed(turn, request)
        elif isinstance(turn, Truncated):
            self._content(turn.turn, request, cut=turn.after_events, clean=turn.ends_cleanly)
        elif isinstance(turn, Reset):
            if request.stream and turn.after_events:
                self._content(turn.turn, request, cut=turn.after_events)
                self._pause(faults.SETTLE_S)
            faults.reset(self.connection)
            self.close_connection = True
        else:
            self._content(turn, request)

    def _content(
        self,
        turn: Text | ToolCalls | JSONReply,
        request: RecordedRequest,
        cut: int | None = None,
        clean: bool = False,
    ) -> None:
        """Render a content turn; ``cut`` stops part-way through, dropping the connection
        unless ``clean`` (then the HTTP message is complete, only the answer is short)."""
        reply = self.owner._bind(turn, request)
        wire = _WIRES[request.api]
        if request.stream:
            self._stream(wire.render_sse(reply), turn.delay, cut, clean=clean)
        elif cut is None:
            self._send_json(200, wire.render_json(reply))
        else:
            half, size = faults.half_body(dumps(wire.render_json(reply)), clean=clean)
            head = self._head(200, "application/json", [("Content-Length", str(size))])
            self._write(head + half)
            self.close_connection = not clean

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
        self,
        events: list[bytes],
        delay: float,
        cut: int | None,
        content_type: str | None = None,
        clean: bool = False,
    ) -> None:
        """Send SSE events as HTTP chunks; ``cut`` stops after that many, unterminated
        unless ``clean``."""
        kind = content_type or "text/event-stream; charset=utf-8"
        head = self._head(
            200, kind, [("Transfer-Encoding", "chunked"), ("Cache-Control", "no-cache")]
        )
        shown = events if cut is None else events[:cut]
        tail = b"0\r\n\r\n" if cut is None or clean else b""
        self.close_connection = self.close_connection or not (cut is None or clean)
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
