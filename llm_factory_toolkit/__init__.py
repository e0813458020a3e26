"""llm_factory_toolkit: one async interface to 100+ LLM providers, with a composable,
observable tool-calling pipeline.

Importing the package is cheap: litellm, openai and OpenTelemetry's SDK load on first use.
"""

from __future__ import annotations

from .client import LLMClient as LLMClient
from .exceptions import (
    AuthenticationError as AuthenticationError,
)
from .exceptions import (
    BadRequestError as BadRequestError,
)
from .exceptions import (
    ConfigurationError as ConfigurationError,
)
from .exceptions import (
    LLMToolkitError as LLMToolkitError,
)
from .exceptions import (
    MalformedResponseError as MalformedResponseError,
)
from .exceptions import (
    ProviderConnectionError as ProviderConnectionError,
)
from .exceptions import (
    ProviderError as ProviderError,
)
from .exceptions import (
    ProviderTimeoutError as ProviderTimeoutError,
)
from .exceptions import (
    RateLimitError as RateLimitError,
)
from .exceptions import (
    ServerError as ServerError,
)
from .exceptions import (
    SkipToolCall as SkipToolCall,
)
from .exceptions import (
    StructuredOutputError as StructuredOutputError,
)
from .exceptions import (
    ToolCallDenied as ToolCallDenied,
)
from .exceptions import (
    ToolError as ToolError,
)
from .exceptions import (
    UnsupportedFeatureError as UnsupportedFeatureError,
)
from .pipeline.context import ModelCall as ModelCall
from .pipeline.context import ModelResponse as ModelResponse
from .pipeline.context import ToolCall as ToolCall
from .telemetry.settings import Telemetry as Telemetry
from .tools.catalog import InMemoryToolCatalog as InMemoryToolCatalog
from .tools.catalog import ToolCatalog as ToolCatalog
from .tools.catalog import ToolCatalogEntry as ToolCatalogEntry
from .tools.base_tool import BaseTool as BaseTool
from .tools.models import GenerationResult as GenerationResult
from .tools.models import ParsedToolCall as ParsedToolCall
from .tools.models import StreamChunk as StreamChunk
from .tools.models import ToolExecutionResult as ToolExecutionResult
from .tools.models import ToolIntentOutput as ToolIntentOutput
from .tools.models import Usage as Usage
from .tools.session import ToolSession as ToolSession
from .tools.registration import ToolRegistration as ToolRegistration
from .tools.runtime import ToolRuntime as ToolRuntime
from .tools.tool_factory import ToolFactory as ToolFactory

__version__ = "1.0.0"

__all__ = [
    "AuthenticationError",
    "BadRequestError",
    "BaseTool",
    "ConfigurationError",
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
    "__version__",
]
