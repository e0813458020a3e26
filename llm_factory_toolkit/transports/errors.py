"""Mapping SDK exceptions to the toolkit's ``ProviderError`` tree, in one place.

litellm's exceptions subclass the openai SDK's, so one mapping serves both transports. The
mapping reads the HTTP status and the exception class, never the message text, except to
recognise a malformed answer (a JSON or SSE decoding failure the SDK wrapped).
"""

from __future__ import annotations

import json
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

_MALFORMED_HINTS = (
    "JSONDecodeError",
    "Expecting value",
    "Unterminated string",
    "Extra data",
    "Invalid control character",
    "validation error",
    "Unable to parse",
)


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
    status = status_code_of(exc)
    kind = _error_class(exc, status)
    message = f"{provider or 'provider'} error for model '{model}': {_short(exc)}"
    fields: dict[str, Any] = {"provider": provider, "model": model, "status_code": status}
    if kind is RateLimitError:
        return RateLimitError(message, retry_after=retry_after_of(exc), **fields)
    return kind(message, **fields)


def _error_class(exc: BaseException, status: int | None) -> type[ProviderError]:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"APITimeoutError", "Timeout", "TimeoutException", "TimeoutError"}:
        return ProviderTimeoutError
    if isinstance(exc, json.JSONDecodeError) or _looks_malformed(exc, status):
        return MalformedResponseError
    if status is None:
        return ProviderConnectionError if "APIConnectionError" in names else ProviderError
    return _BY_STATUS.get(status) or (ServerError if status >= 500 else BadRequestError)


_BY_STATUS: dict[int, type[ProviderError]] = {
    401: AuthenticationError,
    403: AuthenticationError,
    429: RateLimitError,
}


def _looks_malformed(exc: BaseException, status: int | None) -> bool:
    if status is not None and status != 200 and status < 500:
        return False
    text = f"{type(exc).__name__}: {exc}"
    return any(hint in text for hint in _MALFORMED_HINTS)


def status_code_of(exc: BaseException) -> int | None:
    """The HTTP status the provider answered with, when the SDK kept it."""
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        return status
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def retry_after_of(exc: BaseException) -> float | None:
    """Seconds the provider asked to wait (``Retry-After`` / ``retry-after-ms``), if it said."""
    headers = _headers_of(exc)
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value) * scale
        except ValueError:
            continue
    return None


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
