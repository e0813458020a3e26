"""The retry loop: run an attempt, and while it fails transiently, wait and run it again.

A plain function, so the model-call stage and a durable-execution step share one behaviour.
The wait is ``anyio.sleep`` (or the given ``sleep``): cancelling the caller during a backoff
ends it at once. A retry is logged at DEBUG, a policy given up on after retries at WARNING.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import partial
from typing import TypeVar

import anyio

from ..log import log
from .policy import RetryPolicy

T = TypeVar("T")

OnRetry = Callable[[int, float, Exception], Awaitable[None]]
"""Told ``(failed_attempt, delay_s, error)`` before each wait."""

_verdict: ContextVar[Callable[[Exception], bool] | None] = ContextVar("retry_verdict", default=None)


def will_be_retried(error: Exception) -> bool:
    """Whether the retry loop running the current attempt will send it again after ``error``
    (so a stage inside it can report the failure as routine, not as the outcome)."""
    verdict = _verdict.get()
    return verdict is not None and verdict(error)


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    retryable: Callable[[Exception], bool] | None = None,
    on_retry: OnRetry | None = None,
    sleep: Callable[[float], Awaitable[object]] = anyio.sleep,
) -> T:
    """``await attempt()``, retried under ``policy``; the last failure is raised as it was.

    ``retryable`` narrows the policy's own verdict (a stream that already delivered text, a
    deadline too close); ``on_retry`` may raise to stop retrying.
    """
    failed = 0
    while True:
        token = _verdict.set(partial(_again, policy, failed + 1, retryable))
        try:
            return await attempt()
        except Exception as error:
            failed += 1
            if not _again(policy, failed, retryable, error):
                _log_given_up(policy, failed, error)
                raise
            delay = policy.delay(failed, error)
            log("debug", "model_call_retrying", attempt=failed, delay_s=delay, error=repr(error))
            if on_retry is not None:
                await on_retry(failed, delay, error)
            await sleep(delay)
        finally:
            _verdict.reset(token)


def _again(
    policy: RetryPolicy,
    failed: int,
    retryable: Callable[[Exception], bool] | None,
    error: Exception,
) -> bool:
    if failed >= policy.max_attempts or not policy.should_retry(error):
        return False
    return retryable is None or retryable(error)


def _log_given_up(policy: RetryPolicy, failed: int, error: Exception) -> None:
    if failed > 1 and failed >= policy.max_attempts and policy.should_retry(error):
        log("warning", "retries_exhausted", attempts=failed, error=repr(error))
