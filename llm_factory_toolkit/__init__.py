"""llm_factory_toolkit: one async interface to 100+ LLM providers, with a composable,
observable tool-calling pipeline.

Importing the package is cheap: litellm, openai and OpenTelemetry's SDK load on first use.
"""

from __future__ import annotations

from .client import LLMClient as LLMClient
from .exceptions import (
    AuthenticationError as AuthenticationError,
    BadRequestError as BadRequestError,
    ConfigurationError as ConfigurationError,
    DeadlineExceeded as DeadlineExceeded,
    LLMToolkitError as LLMToolkitError,
    MalformedResponseError as MalformedResponseError,
    ProviderConnectionError as ProviderConnectionError,
    ProviderError as ProviderError,
    ProviderTimeoutError as ProviderTimeoutError,
    RateLimitError as RateLimitError,
    ServerError as ServerError,
    SkipToolCall as SkipToolCall,
    StructuredOutputError as StructuredOutputError,
    ToolCallDenied as ToolCallDenied,
    ToolError as ToolError,
    UnsupportedFeatureError as UnsupportedFeatureError,
    UsageLimitExceeded as UsageLimitExceeded,
)
from .pipeline.context import (
    ModelCall as ModelCall,
    ModelResponse as ModelResponse,
    ToolCall as ToolCall,
)
from .resilience.limits import UsageLimits as UsageLimits
from .resilience.policy import RetryPolicy as RetryPolicy
from .telemetry.settings import Telemetry as Telemetry
from .tools.base_tool import BaseTool as BaseTool
from .tools.catalog import (
    InMemoryToolCatalog as InMemoryToolCatalog,
    ToolCatalog as ToolCatalog,
    ToolCatalogEntry as ToolCatalogEntry,
)
from .tools.models import (
    GenerationResult as GenerationResult,
    ParsedToolCall as ParsedToolCall,
    StreamChunk as StreamChunk,
    ToolExecutionResult as ToolExecutionResult,
    ToolIntentOutput as ToolIntentOutput,
    Usage as Usage,
)
from .tools.registration import ToolRegistration as ToolRegistration
from .tools.runtime import ToolRuntime as ToolRuntime
from .tools.session import ToolSession as ToolSession
from .tools.tool_factory import ToolFactory as ToolFactory

__version__ = "1.0.0"

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BaseTool",
    "ConfigurationError",
    "DeadlineExceeded",
    "GenerationResult",
    "InMemoryToolCatalog",
    "LLMClient",
    "LLMToolkitError",
    "MalformedResponseError",
    "ModelCall",
    "ModelResponse",
    "ParsedToolCall",
    "ProviderConnectionError",
    "ProviderError",
    "ProviderTimeoutError",
    "RateLimitError",
    "RetryPolicy",
    "ServerError",
    "SkipToolCall",
    "StreamChunk",
    "StructuredOutputError",
    "Telemetry",
    "ToolCall",
    "ToolCallDenied",
    "ToolCatalog",
    "ToolCatalogEntry",
    "ToolError",
    "ToolExecutionResult",
    "ToolFactory",
    "ToolIntentOutput",
    "ToolRegistration",
    "ToolRuntime",
    "ToolSession",
    "UnsupportedFeatureError",
    "Usage",
    "UsageLimitExceeded",
    "UsageLimits",
    "__version__",
]
