"""One fault, one behaviour, whatever the route: the same number of requests (read from the
loopback server's records) and the same error type on litellm's Anthropic wire, litellm on an
OpenAI-compatible server, and the Responses API.

Every client has three attempts (``FAST``); transient faults use all three, the request's own
faults (400, 401) one, and a stream that already handed text to the consumer is not resent.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from llm_factory_toolkit import (
    AuthenticationError,
    BadRequestError,
    MalformedResponseError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeoutError,
    RateLimitError,
    ServerError,
)
from llm_factory_toolkit.testing import (
    Fail,
    LoopbackLLMServer,
    Malformed,
    Reset,
    Stall,
    Text,
    Truncated,
)
from llm_factory_toolkit.testing.script import Turn
from tests.support import final_result

from .conftest import ClientFor

pytestmark = pytest.mark.anyio

LONG = Text("one two three four five six seven eight nine ten " * 3, chunk_size=3)


@dataclass(frozen=True)
class Fault:
    turn: Turn
    error: type[ProviderError]
    requests: int
    stream: bool = False
    timeout: float = 30.0


FAULTS = {
    "429 Retry-After": Fault(Fail(429, retry_after=7), RateLimitError, 3),
    "500": Fault(Fail(500), ServerError, 3),
    "502": Fault(Fail(502), ServerError, 3),
    "503": Fault(Fail(503), ServerError, 3),
    "reset before headers": Fault(Reset(), ProviderConnectionError, 3),
    "reset mid-stream": Fault(Reset(LONG, after_events=12), MalformedResponseError, 1, stream=True),
    "stall past timeout": Fault(Stall(5.0), ProviderTimeoutError, 3, timeout=0.3),
    "truncated SSE": Fault(
        Truncated(LONG, after_events=1, ends_cleanly=True), MalformedResponseError, 3, stream=True
    ),
    "malformed JSON": Fault(Malformed(), MalformedResponseError, 3),
    "400": Fault(Fail(400), BadRequestError, 1),
    "401": Fault(Fail(401), AuthenticationError, 1),
}


@pytest.mark.parametrize("name", list(FAULTS))
async def test_the_same_fault_behaves_the_same_on_every_route(
    client_for: ClientFor, server: LoopbackLLMServer, sleeps: list[float], name: str
) -> None:
    fault = FAULTS[name]
    server.script(*[fault.turn] * 3)
    client = client_for(timeout=fault.timeout)
    with pytest.raises(ProviderError) as caught:
        await final_result(client, fault.stream, input="hi")
    assert type(caught.value) is fault.error, repr(caught.value)
    assert len(server.requests) == fault.requests
    assert len(sleeps) == fault.requests - 1
    if fault.error is RateLimitError:
        assert sleeps == [7.0, 7.0]  # the provider's Retry-After, not the policy's backoff
    if name == "reset mid-stream":
        assert LONG.content.startswith(caught.value.partial_text) and caught.value.partial_text
