"""Span and metric attributes of the GenAI conventions, computed from the pipeline's values.

Plain functions returning plain dicts, shared by tracing and metrics, so both describe a call
with the same names and values. Nothing here reads ``tool_execution_context``: injected values
cannot reach an attribute.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import semconv as sc

if TYPE_CHECKING:
    from ..core.calls import GenerationContext, ModelCall, ModelResponse, ToolCall
    from ..core.results import Usage

Attributes = dict[str, Any]

_PROVIDERS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "anthropic": "anthropic",
    "gemini": "gcp.gemini",
    "vertex_ai": "gcp.vertex_ai",
    "vertex_ai_beta": "gcp.vertex_ai",
    "bedrock": "aws.bedrock",
    "azure": "azure.ai.openai",
    "azure_ai": "azure.ai.inference",
    "watsonx": "ibm.watsonx.ai",
    "xai": "x_ai",
    "mistral": "mistral_ai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
}
"""litellm provider prefixes whose convention name differs (or is worth pinning)."""

_UNPREFIXED = (
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "gcp.gemini"),
)

_DEFAULT_PORTS = {"https": 443, "http": 80}


def provider_name(model: str) -> str:
    """``gen_ai.provider.name`` for a model string: from its prefix, else from its family."""
    prefix, slash, _ = model.partition("/")
    if slash:
        return _PROVIDERS.get(prefix, prefix)
    for start, provider in _UNPREFIXED:
        if model.startswith(start):
            return provider
    return "_OTHER"


def model_name(model: str) -> str:
    """The model as the provider knows it: ``openai/gpt-4o`` is ``gpt-4o``."""
    return model.partition("/")[2] or model


def server_attributes(options: Mapping[str, Any]) -> Attributes:
    """``server.address`` / ``server.port`` from the ``api_base`` (or ``base_url``) option."""
    base = options.get("api_base") or options.get("base_url")
    if not isinstance(base, str) or not base:
        return {}
    try:
        parts = urlsplit(base)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return {}
    found: Attributes = {sc.SERVER_ADDRESS: parts.hostname} if parts.hostname else {}
    if found and port is not None:
        found[sc.SERVER_PORT] = port
    return found


def model_call_attributes(call: ModelCall) -> Attributes:
    """What samplers need at the start of a ``chat`` span, and the request's parameters."""
    attributes: Attributes = {
        sc.OPERATION_NAME: "chat",
        sc.PROVIDER_NAME: provider_name(call.model),
        sc.REQUEST_MODEL: model_name(call.model),
        sc.REQUEST_STREAM: call.stream,
        **server_attributes(call.options),
        **_option_attributes(call.options),
    }
    if call.temperature is not None:
        attributes[sc.REQUEST_TEMPERATURE] = call.temperature
    if call.max_output_tokens is not None:
        attributes[sc.REQUEST_MAX_TOKENS] = call.max_output_tokens
    return attributes


def _option_attributes(options: Mapping[str, Any]) -> Attributes:
    found: Attributes = {
        name: options[key]
        for key, name in sc.REQUEST_OPTIONS.items()
        if isinstance(options.get(key), int | float)
    }
    stop = options.get("stop")
    if isinstance(stop, str):
        found[sc.REQUEST_STOP_SEQUENCES] = [stop]
    elif isinstance(stop, list | tuple) and all(isinstance(s, str) for s in stop):
        found[sc.REQUEST_STOP_SEQUENCES] = list(stop)
    count = options.get("n")
    if isinstance(count, int) and count != 1:
        found[sc.REQUEST_CHOICE_COUNT] = count
    return found


def output_type_attributes(call: ModelCall) -> Attributes:
    """``gen_ai.output.type`` when the request asked for a format (all formats are JSON)."""
    return {} if call.response_format is None else {sc.OUTPUT_TYPE: "json"}


def response_attributes(response: ModelResponse) -> Attributes:
    """Id, model, finish reason and usage of a model's answer, where the provider said."""
    attributes: Attributes = {}
    if response.response_id:
        attributes[sc.RESPONSE_ID] = response.response_id
    if response.response_model:
        attributes[sc.RESPONSE_MODEL] = response.response_model
    if response.finish_reason:
        attributes[sc.RESPONSE_FINISH_REASONS] = [response.finish_reason]
    if response.usage is not None:
        attributes.update(usage_attributes(response.usage))
    return attributes


def usage_attributes(usage: Usage) -> Attributes:
    """Token counts (input includes cached tokens) and, when known, the cost in USD."""
    attributes: Attributes = {
        sc.USAGE_INPUT_TOKENS: usage.input_tokens,
        sc.USAGE_OUTPUT_TOKENS: usage.output_tokens,
    }
    if usage.cached_input_tokens:
        attributes[sc.USAGE_CACHE_READ_INPUT_TOKENS] = usage.cached_input_tokens
    if usage.cache_write_input_tokens:
        attributes[sc.USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cache_write_input_tokens
    if usage.reasoning_tokens:
        attributes[sc.USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning_tokens
    if usage.cost_usd is not None:
        attributes[sc.COST_USD] = usage.cost_usd
    return attributes


def generation_attributes(ctx: GenerationContext, agent_name: str | None) -> Attributes:
    """The start attributes of an ``invoke_agent`` span."""
    model = ctx.request.model
    attributes: Attributes = {
        sc.OPERATION_NAME: "invoke_agent",
        sc.PROVIDER_NAME: provider_name(model),
        sc.REQUEST_MODEL: model_name(model),
        sc.RUN_ID: ctx.run_id,
    }
    if agent_name:
        attributes[sc.AGENT_NAME] = agent_name
    return attributes


def tool_call_attributes(call: ToolCall) -> Attributes:
    """The start attributes of an ``execute_tool`` span: names and ids, never argument values."""
    return {
        sc.OPERATION_NAME: "execute_tool",
        sc.TOOL_NAME: call.name,
        sc.TOOL_CALL_ID: call.id,
        sc.TOOL_TYPE: "function",
    }


def error_type(exc: BaseException) -> str:
    """``error.type`` for an exception: its class name, low in cardinality."""
    return type(exc).__qualname__
