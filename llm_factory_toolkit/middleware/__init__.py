"""The pipeline's stages, one concern per module, and the default stack.

The default stack, outermost first (``default_middleware()`` builds it)::

    ConcurrencyLimitMiddleware generation   max_concurrent_generations (only when it is set)
    FallbackMiddleware         model call   next fallback model once a model's retries fail
    RetryMiddleware            model call   the one retry authority (SDK retries are off)
    DeadlineMiddleware         all levels   timeout per attempt; deadline= for the generation
    TracingMiddleware          all levels   OpenTelemetry GenAI spans (no-op without OTel)
    LoggingMiddleware          all levels   one structlog event per step, DEBUG unless failed
    MetricsMiddleware          model call   GenAI duration and token histograms (no-op w/o OTel)
    ContextMergeMiddleware     generation   transcript and tool context from the request
    StructuredOutputMiddleware generation   response_format normalized; answer validated, re-asked
    ToolVisibilityMiddleware   all levels   tools shown (use_tools, session); hidden ones refused
    HooksMiddleware            model, tool  before/after hooks; authorization vetoes here
    MockToolsMiddleware        tool call    mock mode: the tool's mock answers, it never runs
    UsageLimitsMiddleware      all levels   usage_limits=: requests, tokens, cost, tool calls
    UsageMiddleware            model, tool  tokens and cost per call, UsageRecorded; tool counts
    ProviderRoutingMiddleware  model call   picks the transport for the model
    SearchToolsMiddleware      model call   web_search / file_search in the chosen route's form
    (dispatch)                 model call   the transport exchange, streaming included

Retry and fallback sit outside tracing and usage, so every attempt is its own span and is
counted, priced and held to the limits. A custom stack is a list of these (and your own) in
the order you want them to wrap; leave a resilience stage out and its option does nothing.
"""

from __future__ import annotations

from ..telemetry.settings import Telemetry
from .concurrency import ConcurrencyLimitMiddleware
from .context_merge import ContextMergeMiddleware
from .deadline import DeadlineMiddleware
from .dispatch import dispatch_model_call
from .fallback import FallbackMiddleware
from .hooks import HooksMiddleware
from .logging import LoggingMiddleware
from .metrics import MetricsMiddleware
from .mock import MockToolsMiddleware
from .retry import RetryMiddleware
from .routing import ProviderRoutingMiddleware
from .search_tools import SearchToolsMiddleware
from .structured_output import StructuredOutputMiddleware
from .tool_visibility import ToolVisibilityMiddleware
from .tracing import TracingMiddleware
from .usage import UsageMiddleware
from .usage_limits import UsageLimitsMiddleware

__all__ = [
    "ConcurrencyLimitMiddleware",
    "ContextMergeMiddleware",
    "DeadlineMiddleware",
    "FallbackMiddleware",
    "HooksMiddleware",
    "LoggingMiddleware",
    "MetricsMiddleware",
    "MockToolsMiddleware",
    "ProviderRoutingMiddleware",
    "RetryMiddleware",
    "SearchToolsMiddleware",
    "StructuredOutputMiddleware",
    "ToolVisibilityMiddleware",
    "TracingMiddleware",
    "UsageLimitsMiddleware",
    "UsageMiddleware",
    "default_middleware",
    "dispatch_model_call",
]


def default_middleware(
    *,
    routing: ProviderRoutingMiddleware | None = None,
    telemetry: Telemetry | None = None,
    max_concurrent_generations: int | None = None,
) -> list[object]:
    """A fresh default stack, outermost first."""
    limit = max_concurrent_generations
    return [
        *([ConcurrencyLimitMiddleware(limit)] if limit is not None else []),
        FallbackMiddleware(),
        RetryMiddleware(),
        DeadlineMiddleware(),
        *(telemetry or Telemetry()).middleware(),
        ContextMergeMiddleware(),
        StructuredOutputMiddleware(),
        ToolVisibilityMiddleware(),
        HooksMiddleware(),
        MockToolsMiddleware(),
        UsageLimitsMiddleware(),
        UsageMiddleware(),
        routing or ProviderRoutingMiddleware(),
        SearchToolsMiddleware(),
    ]
