"""Which provider failures deserve another attempt, and how long to wait before it.

Decided on the toolkit's ``ProviderError`` tree and HTTP status codes, never on an SDK's
exception classes, so every transport (litellm, the openai SDK, native ones) is retried alike:

- retried: 408, 409, 429 (after ``Retry-After`` when the provider said, capped by
  ``max_delay``), 5xx except 501, no connection, a timeout, a malformed or cut-off answer;
- never: 400, 401, 403, 404, 422 (or any other 4xx), a deadline that passed, anything that is
  not a provider failure (a tool, a limit, cancellation).

Between attempts the wait grows exponentially with "full jitter" (a uniform draw between 0 and
the exponential cap), which spreads the retries of many clients hit by the same outage.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..exceptions import (
    BadRequestError,
    ConfigurationError,
    DeadlineExceeded,
    MalformedResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServerError,
)

_RETRIED_STATUS = frozenset({408, 409, 429})
_RETRIED_KINDS = (
    RateLimitError,
    ProviderTimeoutError,
    ProviderConnectionError,
    MalformedResponseError,
    ServerError,
)
_CONTEXT_WINDOW_HINTS = (
    "context_length_exceeded",
    "context window",
    "maximum context length",
    "prompt is too long",
    "contextwindowexceeded",
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts a model call gets (``max_attempts`` counts the first) and the waits.

    ``RetryPolicy(max_attempts=1)`` turns retrying off.
    """

    max_attempts: int = 3
    initial_delay: float = 0.5
    max_delay: float = 30.0
    multiplier: float = 2.0
    jitter: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ConfigurationError("RetryPolicy.max_attempts counts the first try: use >= 1")
        if min(self.initial_delay, self.max_delay) < 0 or self.multiplier < 1:
            raise ConfigurationError("RetryPolicy delays must be >= 0 and multiplier >= 1")

    @classmethod
    def from_retries(cls, retries: int) -> RetryPolicy:
        """The policy the classic ``num_retries=N`` means: N retries after the first try."""
        return cls(max_attempts=int(retries) + 1)

    def should_retry(self, error: BaseException) -> bool:
        """Whether ``error`` is worth another attempt (the attempt count aside)."""
        return is_retryable(error)

    def delay(self, failed_attempt: int, error: BaseException) -> float:
        """Seconds to wait after attempt number ``failed_attempt`` (1-based) failed."""
        asked = error.retry_after if isinstance(error, RateLimitError) else None
        if asked is not None:
            return min(asked, self.max_delay)
        cap = min(self.max_delay, self.initial_delay * self.multiplier ** (failed_attempt - 1))
        return random.uniform(0.0, cap) if self.jitter else cap


def is_retryable(error: BaseException) -> bool:
    """Whether a failure is transient: see the module docstring for the table."""
    if not isinstance(error, ProviderError) or isinstance(error, DeadlineExceeded):
        return False
    status = error.status_code
    if status is not None:
        return status in _RETRIED_STATUS or (status >= 500 and status != 501)
    return isinstance(error, _RETRIED_KINDS)


def warrants_fallback(error: BaseException) -> bool:
    """Whether another model may succeed where this one failed: a transient failure, or a
    prompt too long for this model's context window; never after text reached the consumer."""
    if not isinstance(error, ProviderError) or error.partial_text:
        return False
    if is_retryable(error):
        return True
    text = str(error).lower()
    return isinstance(error, BadRequestError) and any(h in text for h in _CONTEXT_WINDOW_HINTS)
