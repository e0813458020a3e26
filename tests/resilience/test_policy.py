"""``RetryPolicy`` and ``call_with_retries`` on their own: the classification table, the
waits, and the loop a durable step can reuse."""

from __future__ import annotations

import pytest

from llm_factory_toolkit import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DeadlineExceeded,
    MalformedResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    ToolError,
)
from llm_factory_toolkit.resilience import call_with_retries, is_retryable, warrants_fallback

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("status", "kind", "retried"),
    [
        (408, ProviderTimeoutError, True),
        (409, BadRequestError, True),
        (429, RateLimitError, True),
        (500, ServerError, True),
        (502, ServerError, True),
        (503, ServerError, True),
        (529, ServerError, True),
        (501, ServerError, False),
        (400, BadRequestError, False),
        (401, AuthenticationError, False),
        (403, AuthenticationError, False),
        (404, BadRequestError, False),
        (422, BadRequestError, False),
    ],
)
def test_statuses(status: int, kind: type[ProviderError], retried: bool) -> None:
    assert is_retryable(kind("x", status_code=status)) is retried


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (ProviderConnectionError("refused"), True),
        (ProviderTimeoutError("slow"), True),
        (MalformedResponseError("cut off"), True),
        (DeadlineExceeded("over"), False),
        (ProviderError("unknown"), False),
        (ToolError("a tool"), False),
        (ValueError("not ours"), False),
    ],
)
def test_failures_without_a_status(error: Exception, retried: bool) -> None:
    assert is_retryable(error) is retried


def test_waits_grow_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(initial_delay=0.5, multiplier=2.0, max_delay=3.0, jitter=False)
    error = ServerError("x", status_code=500)
    assert [policy.delay(n, error) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


def test_full_jitter_draws_below_the_cap() -> None:
    policy = RetryPolicy(initial_delay=1.0, multiplier=2.0, max_delay=30.0)
    delays = {policy.delay(3, ServerError("x")) for _ in range(200)}
    assert all(0.0 <= d <= 4.0 for d in delays) and len(delays) > 100


def test_retry_after_is_honoured_up_to_max_delay() -> None:
    policy = RetryPolicy(max_delay=10.0)
    assert policy.delay(1, RateLimitError("x", retry_after=2.5)) == 2.5
    assert policy.delay(1, RateLimitError("x", retry_after=3600.0)) == 10.0


def test_num_retries_compatibility_and_validation() -> None:
    assert RetryPolicy.from_retries(3) == RetryPolicy(max_attempts=4)
    for bad in ({"max_attempts": 0}, {"initial_delay": -1.0}, {"multiplier": 0.5}):
        with pytest.raises(ConfigurationError):
            RetryPolicy(**bad)  # type: ignore[arg-type]


def test_fallback_is_for_failures_another_model_may_not_have() -> None:
    assert warrants_fallback(ServerError("overloaded", status_code=529))
    assert warrants_fallback(BadRequestError("context_length_exceeded", status_code=400))
    assert not warrants_fallback(BadRequestError("bad tool schema", status_code=400))
    cut = MalformedResponseError("cut off")
    cut.partial_text = "already shown"
    assert not warrants_fallback(cut)


async def test_the_loop_is_reusable_on_its_own() -> None:
    outcomes: list[Exception | str] = [ServerError("x", status_code=503), "done"]
    waits: list[float] = []
    told: list[tuple[int, float, str]] = []

    async def attempt() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def on_retry(failed: int, delay: float, error: Exception) -> None:
        told.append((failed, delay, type(error).__name__))

    policy = RetryPolicy(initial_delay=0.25, jitter=False)
    assert await call_with_retries(attempt, policy, on_retry=on_retry, sleep=sleep) == "done"
    assert waits == [0.25] and told == [(1, 0.25, "ServerError")]


async def test_the_loop_gives_up_after_max_attempts_and_on_a_veto() -> None:
    calls = 0

    async def failing() -> None:
        nonlocal calls
        calls += 1
        raise ServerError("x", status_code=500)

    async def no_wait(_: float) -> None:
        return None

    with pytest.raises(ServerError):
        await call_with_retries(failing, RetryPolicy(max_attempts=4), sleep=no_wait)
    assert calls == 4
    with pytest.raises(ServerError):
        await call_with_retries(failing, RetryPolicy(), retryable=lambda _: False, sleep=no_wait)
    assert calls == 5


async def test_retried_attempts_log_at_debug_and_the_exhausted_policy_at_warning() -> None:
    from llm_factory_toolkit import LLMClient
    from llm_factory_toolkit.testing import Fail, ScriptedTransport
    from tests.observability.conftest import captured_logs

    client = LLMClient(
        model="scripted/m",
        transport=ScriptedTransport(Fail(503), Fail(503), Fail(503)),
        retry=RetryPolicy(max_attempts=3, initial_delay=0.0),
    )
    with captured_logs() as entries, pytest.raises(ServerError):
        await client.generate(input="hi")
    levels = [
        (e["event"], e["log_level"])
        for e in entries
        if e["event"] in ("model_call.failed", "model_call_retrying", "retries_exhausted")
    ]
    assert levels == [
        ("model_call.failed", "debug"),
        ("model_call_retrying", "debug"),
        ("model_call.failed", "debug"),
        ("model_call_retrying", "debug"),
        ("model_call.failed", "warning"),
        ("retries_exhausted", "warning"),
    ]
