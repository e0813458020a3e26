"""Turning ``generate()`` arguments into the frozen ``GenerationRequest`` a run starts from.

Options the request declares as fields (``temperature``, ``use_tools``, ``deps``, ...) become
those fields; every other known option is a provider option, over the client's own. Which is
which follows from ``GenerateOptions`` and ``GenerationRequest``: there is no third list.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .core.calls import GenerationRequest
from .core.options import GENERATE_OPTIONS, refuse_unknown
from .exceptions import ConfigurationError
from .middleware.context_merge import normalize_input
from .pipeline.loop import checked_iterations
from .resilience.options import take_retry_counts
from .tools.dynamic_loading import session_for_run

if TYPE_CHECKING:
    from .client import LLMClient

REQUEST_FIELDS = GENERATE_OPTIONS & {field.name for field in fields(GenerationRequest)}
"""The options that are fields of the request; the rest go to the provider."""


def build_request(
    client: LLMClient, input: Any, model: str | None, stream: bool, options: dict[str, Any]
) -> GenerationRequest:
    """The request for one generation; an unknown option is a ``TypeError`` raised here.

    The client's defaults (``retry``, ``fallback_models``, ``usage_limits``) apply unless the
    call sets them; ``num_retries`` / ``max_retries`` become a ``retry`` policy.
    """
    refuse_unknown(options, GENERATE_OPTIONS, "LLMClient.generate")
    if client.dynamic_tool_loading:
        options["tool_session"] = session_for_run(client.core_tools, options.get("tool_session"))
    options = {**client.request_defaults, **take_retry_counts(options)}
    known = {name: options.pop(name) for name in REQUEST_FIELDS if name in options}
    use_tools = known.pop("use_tools", None)
    iterations = known.pop("max_tool_iterations", None)
    return GenerationRequest(
        messages=normalize_input(input),
        model=model or client.model,
        stream=stream,
        use_tools=None if use_tools is None else tuple(use_tools),
        tool_execution_context=known.pop("tool_execution_context", None) or {},
        max_tool_iterations=checked_iterations(
            client.max_tool_iterations if iterations is None else iterations
        ),
        max_tool_result_chars=known.pop("max_tool_result_chars", client.max_tool_result_chars),
        provider_options={**client.provider_options, **options},
        **known,
    )


def refuse_settings_beside_stack(stack: object, **defaults_only: object) -> None:
    """``stack=`` replaces the default stack, so settings of the default stack would be lost."""
    given = [name for name, value in defaults_only.items() if value is not None]
    if stack is not None and given:
        raise ConfigurationError(
            f"{' and '.join(given)} configure the default stack, which stack= replaces; "
            f"build the stack with default_middleware(...) instead"
        )
