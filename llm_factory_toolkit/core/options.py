"""The keyword options of ``LLMClient`` and ``generate()``: one typed list, checked at run time.

``ProviderOptions`` are forwarded to the provider: the client keywords of the spec (key, base
URL, timeout, retries), the request parameters litellm documents, and those of the
Responses API (``reasoning``, ``include``, ...). ``GenerateOptions`` adds
the toolkit's own options. A type checker reads them through ``**options:
Unpack[GenerateOptions]`` (PEP 692); at run time ``refuse_unknown`` checks the same keys, so
a misspelt option (``tool_execution_contxt=``) is a ``TypeError`` naming the closest option
before any request is built, instead of a value sent in a request body. ``extra_body`` is the
escape hatch for a parameter not listed here.

Adding an option is one line in the TypedDict it belongs to.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypedDict

if TYPE_CHECKING:
    from httpx import Timeout

    from ..resilience.limits import UsageLimits
    from ..resilience.options import FallbackModel
    from ..resilience.policy import RetryPolicy
    from ..tools.session import ToolSession


class ProviderOptions(TypedDict, total=False):
    """Forwarded to the provider call (``LLMClient(**options)`` or per ``generate()``)."""

    api_base: str
    base_url: str
    api_version: str
    organization: str
    timeout: float | Timeout | None
    num_retries: int
    max_retries: int
    custom_llm_provider: str
    drop_params: bool
    temperature: float | None
    reasoning_effort: str | None
    top_p: float
    top_k: int
    n: int
    stop: str | list[str]
    max_tokens: int | None
    max_completion_tokens: int
    presence_penalty: float
    frequency_penalty: float
    logit_bias: dict[int, float]
    logprobs: bool
    top_logprobs: int
    seed: int
    user: str
    tool_choice: str | Mapping[str, Any]
    parallel_tool_calls: bool
    modalities: list[Literal["text", "audio"]]
    audio: Mapping[str, Any]
    prediction: Mapping[str, Any]
    verbosity: Literal["low", "medium", "high"]
    safety_identifier: str
    service_tier: str
    store: bool
    prompt_cache_key: str
    thinking: Mapping[str, Any]
    reasoning: Mapping[str, Any]
    include: list[str]
    truncation: Literal["auto", "disabled"]
    previous_response_id: str
    max_tool_calls: int
    web_search_options: Mapping[str, Any]
    metadata: Mapping[str, Any]
    stream_options: Mapping[str, Any]
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]
    extra_body: Mapping[str, Any]
    route: Literal["native", "litellm", "responses"]
    prompt_cache: bool | Mapping[str, Any]


class GenerateOptions(ProviderOptions, total=False):
    """The keyword options of ``generate()``, ``generate_tool_intent()`` and streaming."""

    api_key: str | None

    max_output_tokens: int | None
    use_tools: Sequence[str] | None
    tool_execution_context: Mapping[str, Any] | None
    mock_tools: bool
    web_search: bool | Mapping[str, Any]
    file_search: Mapping[str, Any] | None
    tool_session: ToolSession | None
    max_tool_iterations: int | None
    max_concurrent_tools: int
    tool_timeout: float | None
    max_tool_result_chars: int | None
    structured_output_retries: int
    deps: object
    retry: RetryPolicy | None
    fallback_models: Sequence[FallbackModel] | FallbackModel
    deadline: float | None
    usage_limits: UsageLimits | None


PROVIDER_OPTIONS = frozenset(ProviderOptions.__optional_keys__)
GENERATE_OPTIONS = frozenset(GenerateOptions.__optional_keys__) | {"response_format"}


def refuse_unknown(options: Mapping[str, object], known: frozenset[str], caller: str) -> None:
    """Raise ``TypeError`` for the first option not in ``known``, naming the closest one."""
    for name in options:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (extra_body= forwards any)"
            raise TypeError(f"{caller}() got an unexpected keyword argument {name!r}{hint}")
