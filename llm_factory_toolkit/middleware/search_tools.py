"""Hosted search: ``web_search=`` and ``file_search=`` in the form each route understands.

Placed after provider routing, so it knows which transport carries the call:

- OpenAI Responses route: ``web_search`` becomes the ``web_search`` tool with every option
  (``search_context_size``, ``user_location``, ``filters``); ``file_search`` becomes the
  ``file_search`` tool, and its results are asked for (``include``) so they reach metadata.
- litellm route: ``web_search`` becomes ``web_search_options``, carrying only
  ``search_context_size`` (what litellm maps for every provider); other options are dropped
  with a warning. ``file_search`` raises ``UnsupportedFeatureError``: only OpenAI's own
  models, on the Responses route, can search vector stores.
- any other transport (a test transport, your own) sees ``call.web_search`` and
  ``call.file_search`` untouched; ``file_search`` with a model that is not OpenAI's raises.

Citations and hosted-search items the provider returns (``metadata["annotations"]``,
``["web_search_calls"]``, ``["file_search_calls"]``) are collected on the result's metadata,
with citations in one flat shape on both routes: ``{"type": "url_citation", "url", ...}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from ..core.calls import GenerationContext, ModelCall, ModelHandler, ModelResponse
from ..exceptions import ConfigurationError, UnsupportedFeatureError
from ..transports.litellm_transport import LiteLLMTransport
from ..transports.openai_responses import OpenAIResponsesTransport, is_openai_model

_COLLECTED = ("annotations", "web_search_calls", "file_search_calls")
_FILE_SEARCH_RESULTS = "file_search_call.results"


class SearchToolsMiddleware:
    """Translates ``call.web_search`` / ``call.file_search`` for the chosen transport."""

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        if call.file_search is not None:
            _check_file_search(call)
        if isinstance(call.transport, OpenAIResponsesTransport):
            _as_responses_tools(call)
        elif isinstance(call.transport, LiteLLMTransport) and wants_web_search(call.web_search):
            call.options["web_search_options"] = litellm_web_search(call.web_search)
            call.web_search = False
        response = await call_next(call)
        collect_metadata(call.ctx, response)
        return response


def _check_file_search(call: ModelCall) -> None:
    if not is_openai_model(call.model) or isinstance(call.transport, LiteLLMTransport):
        raise UnsupportedFeatureError(
            f"file_search is only supported with OpenAI models on the Responses API route, "
            f"not with model '{call.model}'"
        )


def _as_responses_tools(call: ModelCall) -> None:
    hosted: list[dict[str, Any]] = []
    if wants_web_search(call.web_search):
        hosted.append(web_search_tool(call.web_search))
    if call.file_search is not None:
        hosted.append(file_search_tool(call.file_search))
        include = list(call.options.get("include") or [])
        if _FILE_SEARCH_RESULTS not in include:
            call.options["include"] = [*include, _FILE_SEARCH_RESULTS]
    if hosted:
        call.tools = [*(call.tools or []), *hosted]
        call.web_search, call.file_search = False, None


def wants_web_search(value: bool | Mapping[str, Any] | None) -> bool:
    """``True`` or a dict of options (even an empty one) turns web search on."""
    return value is True or isinstance(value, Mapping)


def web_search_tool(options: bool | Mapping[str, Any]) -> dict[str, Any]:
    """The Responses ``web_search`` tool, with the caller's options."""
    settings = dict(options) if isinstance(options, Mapping) else {}
    location = settings.get("user_location")
    if isinstance(location, Mapping):
        # Also accept the Chat Completions shape {"type": "approximate", "approximate": {...}}.
        inner = location.get("approximate")
        settings["user_location"] = {"type": "approximate", **(inner or location)}
    return {"type": "web_search", **settings}


def file_search_tool(options: Mapping[str, Any]) -> dict[str, Any]:
    """The Responses ``file_search`` tool; ``vector_store_ids`` must name at least one store."""
    ids = options.get("vector_store_ids") if isinstance(options, Mapping) else None
    if isinstance(ids, str) or not ids or not all(isinstance(i, str) for i in ids):
        raise ConfigurationError(
            "file_search needs {'vector_store_ids': ['vs_...', ...]} with at least one "
            f"vector store id, got {options!r}"
        )
    return {"type": "file_search", **options, "vector_store_ids": list(ids)}


def litellm_web_search(options: bool | Mapping[str, Any]) -> dict[str, Any]:
    """litellm's ``web_search_options``: ``search_context_size`` only, the rest dropped."""
    settings = dict(options) if isinstance(options, Mapping) else {}
    dropped = sorted(name for name in settings if name != "search_context_size")
    if dropped:
        warnings.warn(
            f"web_search options {', '.join(dropped)} are only supported on the OpenAI "
            "Responses route; litellm receives search_context_size only",
            UserWarning,
            stacklevel=2,
        )
    return {k: v for k, v in settings.items() if k == "search_context_size"}


def collect_metadata(ctx: GenerationContext, response: ModelResponse) -> None:
    """Append the call's citations and hosted-search items to the generation's metadata."""
    for key in _COLLECTED:
        found = response.metadata.get(key)
        if found:
            items = [flat_annotation(a) for a in found] if key == "annotations" else found
            ctx.metadata.setdefault(key, []).extend(items)


def flat_annotation(note: Mapping[str, Any]) -> dict[str, Any]:
    """A citation in the Responses shape; Chat Completions nests it under its type's name."""
    kind = note.get("type")
    nested = note.get(kind) if isinstance(kind, str) else None
    if isinstance(nested, Mapping):
        return {"type": kind, **nested}
    return dict(note)
