"""``UsageLimits``: bounds on what one generation may spend, and the checks against them.

Request and tool-call bounds are checked before each call (so the call over the bound is
never sent); token and cost bounds after each response (a response's size is known only
then). Every attempt counts: retries, fallbacks, structured-output re-asks, nested tool calls.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..exceptions import ConfigurationError, UsageLimitExceeded
from ..tools.models import Usage


@dataclass(frozen=True, slots=True, kw_only=True)
class UsageLimits:
    """Upper bounds for one generation; ``None`` leaves a quantity unbounded."""

    max_requests: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    max_total_tokens: int | None = None
    max_cost_usd: float | None = None
    max_tool_calls: int | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is not None and value < 0:
                raise ConfigurationError(f"UsageLimits.{item.name} must be >= 0, got {value}")

    def check_request(self, sent: int, usage: Usage) -> None:
        """Before a request: raise if ``sent`` requests already reached ``max_requests``."""
        _check("max_requests", self.max_requests, sent + 1, usage)

    def check_tool_call(self, made: int, usage: Usage) -> None:
        """Before a tool call: raise if ``made`` calls already reached ``max_tool_calls``."""
        _check("max_tool_calls", self.max_tool_calls, made + 1, usage)

    def check_usage(self, usage: Usage) -> None:
        """After a response: raise if the tokens or cost so far crossed a bound."""
        _check("max_input_tokens", self.max_input_tokens, usage.input_tokens, usage)
        _check("max_output_tokens", self.max_output_tokens, usage.output_tokens, usage)
        _check("max_total_tokens", self.max_total_tokens, usage.total_tokens, usage)
        _check("max_cost_usd", self.max_cost_usd, usage.cost_usd, usage)


def _check(limit: str, bound: float | None, value: float | None, usage: Usage) -> None:
    if bound is not None and value is not None and value > bound:
        raise UsageLimitExceeded(
            f"usage limit {limit}={bound} exceeded ({value})", limit=limit, usage=usage
        )
