"""Running one tool call: the innermost tool-call handler, and the path outside generations.

``execute_tool_call`` is the core of the tool-call onion. It finds the tool, decodes and
validates the model's JSON arguments, injects context, and runs the function (a sync one in a
worker thread, an async one on the loop) within the call's timeout. Every problem becomes an
error result the model can read, ``{"error": ..., "status": ...}``, whatever the tool raised
(``CancelledError`` included); only the run's own cancellation and ``KeyboardInterrupt`` /
``SystemExit`` propagate. Text the tool produced is redacted of injected values, and the
content of a model's call is cut at ``max_tool_result_chars``. A sync tool that times out is
abandoned (a thread cannot be killed): its thread finishes in the background and keeps its
thread-limiter token until then.

``run_detached`` serves calls made outside any generation (``ToolFactory.dispatch_tool`` and
the nested calls below it): there is no pipeline, so it applies mock substitution and usage
counting itself, with the same functions the stages use.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import TYPE_CHECKING, Any

import anyio

from ..exceptions import SkipToolCall
from ..log import log
from ..pipeline import observed
from ..pipeline.cancellation import is_own_cancellation
from ..pipeline.context import ToolCall
from ..pipeline.observed import error_result
from ..pipeline.redaction import redact, redact_result, redacted_traceback
from .base_tool import mock_stub
from .injection import Handler, injected_values
from .models import ToolExecutionResult
from .result_cap import cap_for_model
from .schema import ArgumentsError
from .sync_threads import run_sync_tool

if TYPE_CHECKING:
    from .registration import ToolRegistration
    from .tool_factory import ToolFactory


async def execute_tool_call(call: ToolCall) -> ToolExecutionResult:
    """The pipeline's tool core: run the tool ``call`` names from the run's factory."""
    factory = call.ctx.tool_factory if call.ctx is not None else None
    result = await run_tool(factory, call)
    if call.ctx is None or call.depth > 0:  # a nested result goes to its tool, whole
        return result
    result = redact_result(result, call.tool_context)
    return cap_for_model(result, call.ctx.request.max_tool_result_chars)


async def run_detached(factory: ToolFactory, call: ToolCall) -> ToolExecutionResult:
    """A call outside any generation: mock mode, usage count, then the tool; never raises."""
    return await observed.tool_call(call, functools.partial(_detached_core, factory))


async def _detached_core(factory: ToolFactory, call: ToolCall) -> ToolExecutionResult:
    await substitute_mock(factory, call)
    factory.increment_tool_usage(call.name)
    return await run_tool(factory, call)


async def substitute_mock(factory: ToolFactory | None, call: ToolCall) -> None:
    """In mock mode, answer ``call`` with the tool's mock by raising ``SkipToolCall``.

    The mock is the registration's ``mock_function`` / ``mock_execute`` (injected like the
    tool itself), else a stub; the real function never runs.
    """
    if call.mock:
        result = await run_tool(factory, call, mock=True)
        result.metadata.setdefault("mock", True)
        raise SkipToolCall(result)


async def run_tool(
    factory: ToolFactory | None, call: ToolCall, *, mock: bool = False
) -> ToolExecutionResult:
    """Run the tool (or, with ``mock``, its mock) for ``call``; problems become results."""
    registration = factory.registrations.get(call.name) if factory is not None else None
    if factory is None or registration is None:
        return error_result(f"Tool '{call.name}' not found.", status="tool_not_found")
    handler = registration.mock_handler if mock else registration.handler
    try:
        kwargs = _arguments(registration, handler or registration.handler, call, factory)
    except ArgumentsError as problem:
        return error_result(redact(str(problem), call.tool_context), status=problem.status)
    if handler is None:
        return mock_stub(call.name)
    return await _invoke(handler, kwargs, call)


def _arguments(
    registration: ToolRegistration, handler: Handler, call: ToolCall, factory: ToolFactory
) -> dict[str, Any]:
    """The keyword arguments: the model's, validated, then the injected values over them."""
    injected = injected_values(handler, call, factory)
    # The model's value for an injected name is dropped; the injected one is validated instead
    # when the schema shows that name, so it also satisfies ``required``.
    fields = registration.schema.fields
    arguments = {k: v for k, v in _decoded(call).items() if k not in injected}
    arguments.update((name, value) for name, value in injected.items() if name in fields)
    validated = registration.schema.validate(arguments)
    return {**handler.keep_accepted(validated), **injected}


def _decoded(call: ToolCall) -> dict[str, Any]:
    try:
        return call.parsed_arguments()
    except json.JSONDecodeError as exc:
        raise ArgumentsError(
            f"Failed to decode JSON arguments for tool '{call.name}': {exc}. "
            f"Arguments: {call.arguments[:200]!r}",
            "argument_decode_error",
        ) from None
    except ValueError as exc:
        raise ArgumentsError(
            f"Invalid arguments for tool '{call.name}': {exc}", "argument_type_error"
        ) from None


async def _invoke(handler: Handler, kwargs: dict[str, Any], call: ToolCall) -> ToolExecutionResult:
    if call.timeout is None:
        return await _guarded(handler, kwargs, call)
    with anyio.move_on_after(call.timeout):
        return await _guarded(handler, kwargs, call)
    return error_result(
        f"Tool '{call.name}' timed out after {call.timeout} seconds.", status="timeout"
    )


async def _guarded(handler: Handler, kwargs: dict[str, Any], call: ToolCall) -> ToolExecutionResult:
    """Run the tool; whatever it raises becomes an error result (context redacted), except
    the run's own cancellation and ``KeyboardInterrupt`` / ``SystemExit``."""
    try:
        return to_result(await _call(handler, kwargs))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        if is_own_cancellation(exc):
            raise
        trace = redacted_traceback(exc, call.tool_context)
        log("debug", "tool_raised", tool=call.name, traceback=trace)
        message = (
            f"Execution failed unexpectedly within tool '{call.name}': {type(exc).__name__}: {exc}"
        )
        return error_result(redact(message, call.tool_context), status="execution_error")


async def _call(handler: Handler, kwargs: dict[str, Any]) -> Any:
    if handler.is_async:
        return await handler.function(**kwargs)
    value = await run_sync_tool(functools.partial(handler.function, **kwargs))
    return await value if inspect.isawaitable(value) else value


def to_result(value: Any) -> ToolExecutionResult:
    """A tool's return value as a result: a str is content and payload; other values are
    sent as JSON (Pydantic models via ``model_dump_json``) and kept as the payload."""
    if isinstance(value, ToolExecutionResult):
        return value
    if isinstance(value, str):
        return ToolExecutionResult(content=value, payload=value)
    dump = getattr(value, "model_dump_json", None)
    if callable(dump) and not isinstance(value, type):
        return ToolExecutionResult(content=dump(), payload=value)
    return ToolExecutionResult(content=json.dumps(value, default=str), payload=value)
