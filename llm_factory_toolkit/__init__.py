"""llm_factory_toolkit: one async interface to 100+ LLM providers, with a composable,
observable tool-calling pipeline.

Importing the package is cheap: litellm, openai and OpenTelemetry's SDK load on first use.
"""

from __future__ import annotations

from ._version import __version__ as __version__
from .client import LLMClient as LLMClient
from .core.calls import (
    ModelCall as ModelCall,
    ModelResponse as ModelResponse,
    ToolCall as ToolCall,
)
from .core.options import (
    GenerateOptions as GenerateOptions,
    ProviderOptions as ProviderOptions,
)
from .core.results import (
    GenerationResult as GenerationResult,
    ParsedToolCall as ParsedToolCall,
    StreamChunk as StreamChunk,
    ToolExecutionResult as ToolExecutionResult,
    ToolIntentOutput as ToolIntentOutput,
    Usage as Usage,
)
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
from .resilience.limits import UsageLimits as UsageLimits
from .resilience.policy import RetryPolicy as RetryPolicy
from .telemetry.settings import Telemetry as Telemetry
from .tools.base_tool import BaseTool as BaseTool
from .tools.catalog import (
    InMemoryToolCatalog as InMemoryToolCatalog,
    ToolCatalog as ToolCatalog,
    ToolCatalogEntry as ToolCatalogEntry,
)
from .tools.registration import ToolRegistration as ToolRegistration
from .tools.runtime import ToolRuntime as ToolRuntime
from .tools.session import ToolSession as ToolSession
from .tools.tool_context import ToolContext as ToolContext
from .tools.tool_factory import ToolFactory as ToolFactory

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BaseTool",
    "ConfigurationError",
    "DeadlineExceeded",
    "GenerateOptions",
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
    "ProviderOptions",
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
    "ToolContext",
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
