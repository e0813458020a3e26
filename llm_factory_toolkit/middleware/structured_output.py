"""Structured output: one ``response_format`` for every transport, and a validated answer.

Accepted forms, all normalized to the Chat Completions form transports translate::

    {"type": "json_object"}                            content: the JSON object's text
    {"format": "json_schema", "json_schema": {...}}    content: text valid against the schema
    {"type": "json_schema", "json_schema": {...}}      (same; the Chat Completions form)
    a Pydantic model class                             content: a validated instance

Tools come first: every model call asks for the format, but only the final answer (the one
without tool calls) is validated. An answer that does not validate is asked for again, with
the validation errors, up to ``structured_output_retries`` times (default 1); then
``StructuredOutputError`` carries the raw text. When the bad answer came from a call that
offered tools, the first new request is the explicit request for the final answer
(``tool_choice="none"``) and is not counted as a retry: transports whose provider would make
the format a forced tool call (which locks the model out of the real tools) defer the format
until then. When streaming, the text of every attempt is streamed; the final chunk's
``result.content`` holds the validated value.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

from ..core.calls import (
    GenerationContext,
    GenerationHandler,
    ModelCall,
    ModelHandler,
    ModelResponse,
)
from ..core.results import GenerationResult, Message
from ..exceptions import ConfigurationError, StructuredOutputError
from ..log import log
from .strict_schema import strict_schema

STATE_KEY = "structured_output"


class InvalidOutput(ValueError):
    """The answer does not match the requested format; the message says how, for the model."""


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """A normalized ``response_format`` and the parser that validates an answer against it."""

    response_format: dict[str, Any]
    parse: Callable[[str], Any]

    def content_of(self, answer: Any) -> Any:
        """The validated content of ``answer``; raises ``InvalidOutput``."""
        if not isinstance(answer, str) or not answer.strip():
            raise InvalidOutput("the answer was empty; a JSON value was required")
        return self.parse(_without_fence(answer))


@dataclass(slots=True)
class _Run:
    output: OutputFormat
    offered_tools: bool = False
    final: bool = False


class StructuredOutputMiddleware:
    """Requests the format on every model call and validates the generation's answer."""

    async def wrap_generation(
        self, ctx: GenerationContext, call_next: GenerationHandler
    ) -> GenerationResult:
        output = normalize_response_format(ctx.request.response_format)
        if output is None:
            return await call_next(ctx)
        run = ctx.state[STATE_KEY] = _Run(output)
        retries = _retries(ctx.request.structured_output_retries)
        while True:
            result = await call_next(ctx)
            try:
                result.content = output.content_of(result.content)
                return result
            except InvalidOutput as invalid:
                retries = _next_attempt(ctx, run, retries, result.content, invalid)

    async def wrap_model_call(self, call: ModelCall, call_next: ModelHandler) -> ModelResponse:
        run = call.ctx.state.get(STATE_KEY)
        if not isinstance(run, _Run):
            return await call_next(call)
        call.response_format = run.output.response_format
        if run.final:
            call.options["tool_choice"] = "none"
        response = await call_next(call)
        run.offered_tools = bool(call.tools)
        return response


def _next_attempt(
    ctx: GenerationContext, run: _Run, retries: int, answer: Any, invalid: InvalidOutput
) -> int:
    """Queue the request for another answer and return the retries left; raise when none."""
    if run.offered_tools and not run.final:
        run.final = True
    elif retries > 0:
        retries -= 1
    else:
        raise StructuredOutputError(
            f"the model's answer did not match the requested format: {invalid}",
            raw_text=answer if isinstance(answer, str) else "",
            errors=str(invalid),
            transcript=list(ctx.messages),
        )
    log("debug", "structured_output_reask", run_id=ctx.run_id, errors=str(invalid))
    ctx.messages.append(_reask(invalid))
    return retries


def _reask(invalid: InvalidOutput) -> Message:
    return {
        "role": "user",
        "content": (
            f"Your answer did not match the required format: {invalid}\n"
            "Reply again with only the corrected JSON, and nothing else."
        ),
    }


def _retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(
            f"structured_output_retries must be a non-negative integer, got {value!r}"
        )
    return value


def normalize_response_format(value: Any) -> OutputFormat | None:
    """The ``OutputFormat`` for a ``response_format`` argument; None means plain text."""
    if value is None:
        return None
    if _is_pydantic_model(value):
        return _pydantic_format(value)
    if isinstance(value, Mapping):
        kind = value.get("type", value.get("format"))
        if kind == "text":
            return None
        if kind == "json_object":
            return OutputFormat({"type": "json_object"}, _json_object_text)
        if kind == "json_schema":
            return _schema_format(value)
    raise ConfigurationError(
        "response_format must be a Pydantic model class, {'type': 'json_object'} or "
        "{'format': 'json_schema', 'json_schema': {'name': ..., 'schema': {...}}}; "
        f"got {value!r}"
    )


def _is_pydantic_model(value: Any) -> bool:
    """A Pydantic model class; pydantic is only imported if the caller already did."""
    pydantic = sys.modules.get("pydantic")
    return (
        pydantic is not None and isinstance(value, type) and issubclass(value, pydantic.BaseModel)
    )


def _pydantic_format(model: type[BaseModel]) -> OutputFormat:
    spec = {"name": _format_name(model.__name__), "schema": strict_schema(model), "strict": True}
    return OutputFormat({"type": "json_schema", "json_schema": spec}, _pydantic_parser(model))


def _schema_format(value: Mapping[str, Any]) -> OutputFormat:
    spec = value.get("json_schema", value)
    schema = spec.get("schema") if isinstance(spec, Mapping) else None
    if not isinstance(schema, Mapping):
        raise ConfigurationError(
            "a json_schema response_format needs {'json_schema': {'name': ..., 'schema': {...}}}"
        )
    normalized: dict[str, Any] = {
        "name": _format_name(str(spec.get("name") or "response")),
        "schema": dict(schema),
        "strict": bool(spec.get("strict", False)),
    }
    if spec.get("description"):
        normalized["description"] = str(spec["description"])
    parser = _schema_parser(normalized["schema"])
    return OutputFormat({"type": "json_schema", "json_schema": normalized}, parser)


def _format_name(name: str) -> str:
    """Providers accept ``[a-zA-Z0-9_-]{1,64}`` as the format's name."""
    cleaned = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in name)
    return cleaned[:64] or "response"


def _json_object_text(text: str) -> str:
    if not isinstance(_loads(text), dict):
        raise InvalidOutput("the answer must be a JSON object ({...})")
    return text


def _schema_parser(schema: dict[str, Any]) -> Callable[[str], str]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ConfigurationError(
            f"response_format has an invalid JSON schema: {exc.message}"
        ) from exc
    validator = Draft202012Validator(schema)

    def parse(text: str) -> str:
        problems = sorted(validator.iter_errors(_loads(text)), key=lambda e: list(e.path))
        if problems:
            raise InvalidOutput("; ".join(_where(list(e.path), e.message) for e in problems))
        return text

    return parse


def _pydantic_parser(model: type[BaseModel]) -> Callable[[str], BaseModel]:
    import pydantic

    def parse(text: str) -> BaseModel:
        try:
            return model.model_validate_json(text)
        except pydantic.ValidationError as exc:
            problems = (_where(list(e["loc"]), e["msg"]) for e in exc.errors())
            raise InvalidOutput("; ".join(problems)) from None

    return parse


def _where(path: list[Any], message: str) -> str:
    return f"{'.'.join(map(str, path)) or '(root)'}: {message}"


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise InvalidOutput(f"the answer is not valid JSON ({exc})") from None


def _without_fence(text: str) -> str:
    """The text inside a Markdown code fence, which models often wrap JSON in."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```") and "\n" in stripped:
        return stripped[stripped.index("\n") + 1 : -3].strip()
    return stripped
