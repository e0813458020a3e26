"""The toolkit's exceptions, and the two control-flow signals hooks raise.

Errors form one tree, so ``except LLMToolkitError`` catches everything the toolkit raises::

    LLMToolkitError
    ├── ConfigurationError          misuse or missing setup (a key, an optional dependency)
    ├── ProviderError               the provider failed; keeps provider, model, status_code
    │   ├── AuthenticationError     401/403
    │   ├── RateLimitError          429, with ``retry_after`` seconds when the provider said
    │   ├── ProviderTimeoutError    the request timed out
    │   │   └── DeadlineExceeded    the generation's ``deadline=`` passed
    │   ├── BadRequestError         400/404/422: the request itself was rejected
    │   ├── ServerError             5xx
    │   ├── ProviderConnectionError the provider could not be reached
    │   └── MalformedResponseError  the answer did not follow the provider's protocol
    ├── ToolError                   a tool could not be found, parsed or run
    ├── UnsupportedFeatureError     a feature the chosen provider does not offer (e.g. file_search)
    ├── StructuredOutputError       the model's JSON never validated; carries ``raw_text``
    ├── UsageLimitExceeded          a ``UsageLimits`` bound was crossed; ``limit``, ``usage``
    └── ToolCallDenied              a hook vetoed a tool call; becomes a tool result, not a raise

``SkipToolCall`` is not an error: a hook raises it to substitute a result without running the tool
(mock mode works this way). Errors raised mid-generation carry ``transcript``: the messages so far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tools.models import ToolExecutionResult, Usage


class LLMToolkitError(Exception):
    """Base of every error the toolkit raises."""

    def __init__(self, message: str = "", *, transcript: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.transcript: list[dict[str, Any]] = transcript or []


class ConfigurationError(LLMToolkitError):
    """The toolkit was set up or called wrongly, or an optional dependency is missing."""


class UnsupportedFeatureError(LLMToolkitError):
    """The requested feature is not available for the chosen model or provider."""


class ToolError(LLMToolkitError):
    """A tool could not be resolved, parsed or executed."""


class StructuredOutputError(LLMToolkitError):
    """The model's answer never validated against the requested schema."""

    def __init__(self, message: str, *, raw_text: str, errors: str = "", **kwargs: Any):
        super().__init__(message, **kwargs)
        self.raw_text = raw_text
        self.errors = errors


class ProviderError(LLMToolkitError):
    """The LLM provider failed to answer; the original SDK error is the ``__cause__``."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        model: str | None = None,
        status_code: int | None = None,
        **kwargs: Any,
    ):
        super().__init__(message, **kwargs)
        self.provider = provider
        self.model = model
        self.status_code = status_code
        self.partial_text = ""
        """Text a stream had already delivered to the consumer when it failed."""


class AuthenticationError(ProviderError):
    """The provider rejected the credentials."""


class RateLimitError(ProviderError):
    """The provider throttled the request."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ProviderTimeoutError(ProviderError):
    """The request to the provider timed out."""


class DeadlineExceeded(ProviderTimeoutError):
    """The generation ran past its ``deadline=``; attempts and tool rounds were cut short."""


class BadRequestError(ProviderError):
    """The provider rejected the request as invalid."""


class ServerError(ProviderError):
    """The provider failed on its side (5xx)."""


class ProviderConnectionError(ProviderError):
    """The provider could not be reached."""


class MalformedResponseError(ProviderError):
    """The provider's answer did not follow its own protocol."""


class UsageLimitExceeded(LLMToolkitError):
    """A ``UsageLimits`` bound was crossed; ``limit`` names it, ``usage`` is the run's so far."""

    def __init__(self, message: str, *, limit: str, usage: Usage, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.limit = limit
        self.usage = usage


class ToolCallDenied(LLMToolkitError):
    """Raised by a before-tool hook to veto a call; the model is told ``reason``."""

    def __init__(self, reason: str = "denied"):
        super().__init__(reason)
        self.reason = reason


class SkipToolCall(Exception):
    """Raised by a hook to answer a tool call with ``result`` instead of running the tool."""

    def __init__(self, result: ToolExecutionResult):
        super().__init__(result.content)
        self.result = result
