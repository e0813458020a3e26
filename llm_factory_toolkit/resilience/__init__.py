"""Resilience building blocks the stages use, reusable on their own (durable steps, scripts).

``RetryPolicy`` says which failures are worth another attempt and how long to wait;
``call_with_retries`` runs any awaitable under it. ``UsageLimits`` bounds a run's spend.
"""

from __future__ import annotations

from .limits import UsageLimits
from .policy import RetryPolicy, is_retryable, warrants_fallback
from .retrying import call_with_retries

__all__ = ["RetryPolicy", "UsageLimits", "call_with_retries", "is_retryable", "warrants_fallback"]
