"""An HTTP handler for litellm that never resends a request on its own.

litellm's own HTTP handler (its path for Anthropic) silently sends a request a second time
when the connection drops before an answer (``RemoteProtocolError`` / ``ConnectError``),
whatever ``num_retries`` says. That hidden resend would double such attempts behind the retry
stage's back, so those calls get this handler, whose resend raises the failure instead.
One handler per litellm loop thread (its connections belong to that loop), closed with it.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

_OWN_HANDLER_PROVIDERS = frozenset({"anthropic"})
"""Providers whose litellm path takes an ``AsyncHTTPHandler`` as ``client``."""

_handlers: dict[int, Any] = {}
# A forked child starts its own loop thread (see ``litellm_bridge``); the parent's handlers
# belong to a loop that does not exist there, and a reused thread id must not find one.
os.register_at_fork(after_in_child=_handlers.clear)


async def acompletion_without_resend(litellm: Any, provider: str, kwargs: dict[str, Any]) -> Any:
    """``litellm.acompletion(**kwargs)``, on the loop thread, with a non-resending handler
    for the providers that take one."""
    if provider in _OWN_HANDLER_PROVIDERS and "client" not in kwargs:
        kwargs = {**kwargs, "client": _handler()}
    return await litellm.acompletion(**kwargs)


def _handler() -> Any:
    thread = threading.get_ident()
    if thread not in _handlers:
        _handlers[thread] = _handler_class()()
    return _handlers[thread]


def _handler_class() -> type:
    from litellm.llms.custom_httpx.http_handler import AsyncHTTPHandler

    class NoResendHandler(AsyncHTTPHandler):
        async def single_connection_post_request(self, *args: Any, **kwargs: Any) -> Any:
            # Called while litellm handles the dropped connection: raise that instead.
            raise sys.exc_info()[1] or ConnectionError("connection lost before an answer")

    return NoResendHandler


async def close_handler() -> None:
    """Close this loop thread's handler (run on the loop thread, at its close)."""
    handler = _handlers.pop(threading.get_ident(), None)
    if handler is not None:
        await handler.close()
