"""The pipeline's stages, one concern per module, and the default stack.

The default stack, outermost first (``default_middleware()`` builds it)::

    TracingMiddleware          all levels   OpenTelemetry GenAI spans (no-op without OTel)
    LoggingMiddleware          all levels   one structlog event per step, DEBUG unless failed
    MetricsMiddleware          model call   GenAI duration and token histograms (no-op w/o OTel)
    ContextMergeMiddleware     generation   transcript and tool context from the request
    StructuredOutputMiddleware generation   response_format normalized; answer validated, re-asked
    ToolVisibilityMiddleware   all levels   tools shown (use_tools, session); hidden ones refused
    HooksMiddleware            model, tool  before/after hooks; authorization vetoes here
    MockToolsMiddleware        tool call    mock mode: the tool's mock answers, it never runs
    UsageMiddleware            model, tool  tokens and cost per call, UsageRecorded; tool counts
    ProviderRoutingMiddleware  model call   picks the transport for the model
    SearchToolsMiddleware      model call   web_search / file_search in the chosen route's form
    (dispatch)                 model call   the transport exchange, streaming included

A custom stack is a list of these (and your own) in the order you want them to wrap.
"""

from __future__ import annotations

from ..pipeline.editable_stack import MiddlewareStack
from ..telemetry.settings import Telemetry
from .context_merge import ContextMergeMiddleware
from .dispatch import dispatch_model_call
from .hooks import HooksMiddleware
from .logging import LoggingMiddleware
from .metrics import MetricsMiddleware
from .mock import MockToolsMiddleware
from .observability import observability_middleware
from .routing import ProviderRoutingMiddleware
from .search_tools import SearchToolsMiddleware
from .structured_output import StructuredOutputMiddleware
from .tool_visibility import ToolVisibilityMiddleware
from .tracing import TracingMiddleware
from .usage import UsageMiddleware

__all__ = [
    "ContextMergeMiddleware",
    "HooksMiddleware",
    "LoggingMiddleware",
    "MetricsMiddleware",
    "MockToolsMiddleware",
    "ProviderRoutingMiddleware",
    "SearchToolsMiddleware",
    "StructuredOutputMiddleware",
    "ToolVisibilityMiddleware",
    "TracingMiddleware",
    "UsageMiddleware",
    "default_middleware",
    "dispatch_model_call",
]


def default_middleware(
    *, routing: ProviderRoutingMiddleware | None = None, telemetry: Telemetry | None = None
) -> MiddlewareStack:
    """A fresh default stack, outermost first; edit it by class (``MiddlewareStack``)."""
    return MiddlewareStack(
        [
            *observability_middleware(telemetry),
            ContextMergeMiddleware(),
            StructuredOutputMiddleware(),
            ToolVisibilityMiddleware(),
            HooksMiddleware(),
            MockToolsMiddleware(),
            UsageMiddleware(),
            routing or ProviderRoutingMiddleware(),
            SearchToolsMiddleware(),
        ]
    )
