"""Mapping SDK exceptions to the toolkit's ``ProviderError`` tree, in one place.

litellm's exceptions subclass the openai SDK's, so one mapping serves both transports. But a
litellm exception's own status is not always what the provider said: litellm reports 500 for
a connection it could not open, or for an answer it could not parse. So the mapping reads the
whole chain of causes, and trusts a status only from an exception made from a real HTTP
response (openai, httpx). In order:

1. a timeout anywhere in the chain                      -> ``ProviderTimeoutError``
2. a status from a real response (401, 429, 503, ...)   -> by status (2xx: malformed)
3. an answer that broke its protocol: undecodable JSON, a missing field, a body or stream
   cut off (closed or reset once the answer began: aiohttp cannot tell the two apart, so
   neither does the mapping), litellm's own "invalid response" verdicts
                                                        -> ``MalformedResponseError``
4. no connection (refused, reset before any answer)     -> ``ProviderConnectionError``
5. whatever status litellm reported, else               -> ``ProviderError``
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from ..exceptions import (
    AuthenticationError,
    BadRequestError,
    LLMToolkitError,
    MalformedResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServerError,
)

_TIMEOUTS = frozenset({"APITimeoutError", "Timeout", "TimeoutException", "TimeoutError"})
_CUT_OFF = frozenset(
    {"ClientPayloadError", "ContentLengthError", "TransferEncodingError", "IncompleteRead"}
)
_MALFORMED_TYPES = frozenset({"JSONDecodeError", "KeyError", "ValidationError"})
_MALFORMED_HINTS = (
    "Empty or invalid response",
    "Unable to get json response",
    "returned 'choices'",
    "complete message body",
)
_BEFORE_ANSWER = frozenset({"APIConnectionError", "ConnectError"})
"""What the SDKs wrap a failure in when it came before any response."""
_NO_CONNECTION = frozenset(
    {"ConnectError", "ClientConnectorError", "ConnectionError", "ServerDisconnectedError"}
)
_BY_STATUS: dict[int, type[ProviderError]] = {
    401: AuthenticationError,
    403: AuthenticationError,
    408: ProviderTimeoutError,
    429: RateLimitError,
}


class ProviderErrors:
    """A reusable ``with`` block that re-raises SDK exceptions as the matching ``ProviderError``."""

    __slots__ = ("model", "provider")

    def __init__(self, *, provider: str | None, model: str) -> None:
        self.provider = provider
        self.model = model

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None or not isinstance(exc, Exception) or isinstance(exc, LLMToolkitError):
            return
        raise provider_error_from(exc, provider=self.provider, model=self.model) from exc


def provider_error_from(exc: BaseException, *, provider: str | None, model: str) -> ProviderError:
    """The toolkit error that describes ``exc``."""
    chain = list(causes(exc))
    status = trusted_status(chain)
    kind = _error_class(chain, status)
    if status is None and kind in (ServerError, BadRequestError, AuthenticationError):
        status = status_code_of(exc)
    message = f"{provider or 'provider'} error for model '{model}': {_short(exc)}"
    fields: dict[str, Any] = {"provider": provider, "model": model, "status_code": status}
    if kind is RateLimitError:
        return RateLimitError(message, retry_after=retry_after_of(exc), **fields)
    return kind(message, **fields)


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from or while handling, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def trusted_status(chain: list[BaseException]) -> int | None:
    """The HTTP status of the first exception in ``chain`` not made up by litellm."""
    for error in chain:
        if type(error).__module__.startswith("litellm"):
            continue
        status = status_code_of(error)
        if status is not None:
            return status
    return None


def _error_class(chain: list[BaseException], status: int | None) -> type[ProviderError]:
    names = {cls.__name__ for error in chain for cls in type(error).__mro__}
    if names & _TIMEOUTS:
        return ProviderTimeoutError
    if status is not None:
        # A successful status that still failed means the answer itself was unusable.
        return _by_status(status) if status >= 400 else MalformedResponseError
    if _malformed(chain, names):
        return MalformedResponseError
    if names & _NO_CONNECTION or "APIConnectionError" in names:
        return ProviderConnectionError
    reported = status_code_of(chain[0])
    return _by_status(reported) if reported and reported >= 400 else ProviderError


def _by_status(status: int) -> type[ProviderError]:
    return _BY_STATUS.get(status) or (ServerError if status >= 500 else BadRequestError)


def _malformed(chain: list[BaseException], names: set[str]) -> bool:
    if names & (_CUT_OFF | _MALFORMED_TYPES) or isinstance(chain[0], json.JSONDecodeError):
        return True
    if "ReadError" in names and not names & _BEFORE_ANSWER:
        return True  # httpx lost the connection while reading a body the SDK had begun
    text = " ".join(str(error) for error in chain)
    return any(hint in text for hint in _MALFORMED_HINTS)


def status_code_of(exc: BaseException) -> int | None:
    """The HTTP status the exception reports, when it has one."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after_of(exc: BaseException) -> float | None:
    """Seconds the provider asked to wait (``retry-after-ms`` / ``Retry-After``), if it said."""
    headers: dict[str, str] = {}
    for error in reversed(list(causes(exc))):
        headers.update(_headers_of(error))
    if "retry-after-ms" in headers:
        return _seconds(headers["retry-after-ms"], scale=0.001)
    if "retry-after" in headers:
        return _seconds(headers["retry-after"], scale=1.0)
    return None


def _seconds(value: str, *, scale: float) -> float | None:
    try:
        return max(0.0, float(value) * scale)
    except ValueError:
        pass
    try:
        import email.utils  # rare: a Retry-After given as an HTTP date

        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _headers_of(exc: BaseException) -> dict[str, str]:
    found: dict[str, str] = {}
    for source in (
        getattr(getattr(exc, "response", None), "headers", None),
        getattr(exc, "litellm_response_headers", None),
        getattr(exc, "headers", None),
    ):
        if source:
            found.update({str(k).lower(): str(v) for k, v in dict(source).items()})
    return found


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:500] if text else type(exc).__name__
