"""LLMClient: the one object users hold. It turns ``generate()`` arguments into a frozen
request and runs it through the pipeline; everything else is a stage."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from .client_request import build_request, refuse_settings_beside_stack
from .core.calls import GenerationContext, GenerationHandler, GenerationRequest
from .core.options import (
    PROVIDER_OPTIONS,
    GenerateOptions,
    ProviderOptions,
    refuse_unknown,
)
from .core.result_cap import DEFAULT_MAX_TOOL_RESULT_CHARS
from .core.results import GenerationResult, Message, StreamChunk, ToolIntentOutput
from .core.typed_content import checked_content
from .exceptions import ConfigurationError
from .middleware import ProviderRoutingMiddleware, default_middleware, dispatch_model_call
from .pipeline.bus import EventBus
from .pipeline.hooks import HookRegistry
from .pipeline.intents import execute_intents, intent_from, plan_tool_calls
from .pipeline.loop import checked_iterations, run_agent_loop
from .pipeline.stack import Middleware, Pipeline
from .pipeline.stream_task import stream_in_task
from .pipeline.streaming import emit_text, stream_chunks
from .resilience.limits import UsageLimits
from .resilience.options import FallbackModel, client_defaults
from .resilience.policy import RetryPolicy
from .settings import load_dotenv_once
from .telemetry.settings import Telemetry
from .tools.dispatch import execute_tool_call
from .tools.dynamic_loading import check_core_tools, loading_factory
from .tools.registration import ToolRegistration
from .tools.tool_factory import ToolFactory
from .transports.base import Transport

if TYPE_CHECKING:
    from pydantic import BaseModel
    from typing_extensions import Unpack

    from .mcp.servers import MCPServer

DEFAULT_MODEL = "openai/gpt-4o-mini"
ModelT = TypeVar("ModelT", bound="BaseModel")


class LLMClient:
    """Generates with any provider's model, running tools through a composable pipeline.

    Args:
        model: A LiteLLM model string, ``"provider/model"``.
        api_key: The provider key; otherwise the provider's environment variable, then a
            ``.env`` file in the working directory or above (read, never put in ``os.environ``).
        tool_factory: The tools the model may call; by default an empty one of its own.
        middleware: Extra stages, placed outside (before) the default stack.
        stack: Replaces the default stack entirely; start from ``default_middleware()`` and
            edit it by class (``stack.insert_after(HooksMiddleware, Audit())``).
        transport: Sends every model call with this transport instead of routing by model.
        telemetry: Tracing, metrics and content-capture settings of the default stack
            (``Telemetry``); by default OpenTelemetry's global providers, no content. With
            ``stack=``, ``transport``, ``telemetry`` and ``max_concurrent_generations`` are a
            ``ConfigurationError``.
        max_tool_iterations: Default cap on tool rounds per generation.
        max_tool_result_chars: Default cap on the characters of one tool result the model
            reads (the rest is cut, with a marker; the payload keeps it all); None: no cap.
        core_tools: Tools always loaded when ``dynamic_tool_loading`` is on.
        dynamic_tool_loading: Start each generation with only the core tools and the
            meta-tools (``browse_toolkit``, ``load_tools``, ...) to discover the rest; the
            ``tool_factory`` itself is left unchanged (other clients may share it).
        retry: The ``RetryPolicy`` of every model call (default ``RetryPolicy()``: three
            attempts); ``num_retries=N`` means ``RetryPolicy(max_attempts=N + 1)``.
        fallback_models: Models asked in turn when a model call still fails after its retries.
        usage_limits: ``UsageLimits`` each generation must stay within.
        max_concurrent_generations: How many generations may run at once; the rest wait.
        mcp_servers: MCP servers whose tools join ``tool_factory`` (see
            ``llm_factory_toolkit.mcp``); ``async with client:`` keeps them connected.
        **provider_options: Forwarded to the provider: the keys of ``ProviderOptions``
            (``api_base``, ``timeout``, ``top_p``, ``extra_body``, ...), else ``TypeError``.
            ``route="native" | "litellm" | "responses"`` forces a route (also per call).
    """

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        api_key: str | None = None,
        tool_factory: ToolFactory | None = None,
        *,
        middleware: Sequence[Middleware] = (),
        stack: Sequence[Middleware] | None = None,
        transport: Transport | None = None,
        telemetry: Telemetry | None = None,
        max_tool_iterations: int = 25,
        max_tool_result_chars: int | None = DEFAULT_MAX_TOOL_RESULT_CHARS,
        core_tools: Sequence[str] | None = None,
        dynamic_tool_loading: bool = False,
        retry: RetryPolicy | None = None,
        fallback_models: Sequence[FallbackModel] = (),
        usage_limits: UsageLimits | None = None,
        max_concurrent_generations: int | None = None,
        mcp_servers: Sequence[MCPServer] = (),
        **provider_options: Unpack[ProviderOptions],
    ) -> None:
        load_dotenv_once()
        refuse_unknown(provider_options, PROVIDER_OPTIONS, "LLMClient")
        refuse_settings_beside_stack(
            stack,
            telemetry=telemetry,
            transport=transport,
            max_concurrent_generations=max_concurrent_generations,
        )
        self.tool_factory = tool_factory if tool_factory is not None else ToolFactory()
        for mcp_server in mcp_servers:
            self.tool_factory.register_mcp_server(mcp_server)
        self.core_tools = check_core_tools(self.tool_factory, core_tools, dynamic_tool_loading)
        self.dynamic_tool_loading = dynamic_tool_loading
        self._run_factory = loading_factory(self.tool_factory) if dynamic_tool_loading else None
        self.model = model
        self.max_tool_iterations = checked_iterations(max_tool_iterations)
        self.max_tool_result_chars = max_tool_result_chars
        self.provider_options: dict[str, Any] = dict(provider_options)
        if api_key is not None:
            self.provider_options["api_key"] = api_key
        self.request_defaults = client_defaults(
            self.provider_options,
            retry=retry,
            fallback_models=fallback_models,
            usage_limits=usage_limits,
        )
        self.hooks = HookRegistry()
        self.events = EventBus()
        self._extra_middleware: list[Middleware] = list(middleware)
        self._stack = (
            list(stack)
            if stack is not None
            else _default_stack(transport, telemetry, max_concurrent_generations)
        )
        self._pipeline: Pipeline | None = None
        self._intent_pipeline: Pipeline | None = None
        self._mcp_connections: AsyncExitStack | None = None

    async def aclose(self) -> None:
        """Close the HTTP connections the client keeps open on the current event loop, and
        litellm's pooled ones (process-wide; the next call opens new ones), and the MCP
        servers ``async with client:`` connected."""
        for member in self.middleware:
            close = getattr(member, "aclose", None)
            if close is not None:
                await close()
        connections, self._mcp_connections = self._mcp_connections, None
        if connections is not None:
            await connections.aclose()

    async def __aenter__(self) -> LLMClient:
        if self.tool_factory.mcp_toolsets:
            from .mcp.toolset import open_servers

            self._mcp_connections = await open_servers(self.tool_factory)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def add_middleware(self, middleware: Middleware) -> None:
        """Add a stage outside the default stack, inside the stages added before it."""
        self._extra_middleware.append(middleware)
        self._pipeline = self._intent_pipeline = None

    @property
    def middleware(self) -> tuple[Middleware, ...]:
        """The whole stack, outermost first."""
        return (*self._extra_middleware, *self._stack)

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline built from ``middleware`` (rebuilt after ``add_middleware``)."""
        if self._pipeline is None:
            self._pipeline = self._build_pipeline(run_agent_loop)
        return self._pipeline

    def _build_pipeline(self, generation_core: GenerationHandler) -> Pipeline:
        middleware = self.middleware
        if self.tool_factory.mcp_toolsets:
            from .mcp.stage import MCPToolsMiddleware

            middleware = (MCPToolsMiddleware(self.tool_factory), *middleware)
        return Pipeline(
            middleware,
            generation_core=generation_core,
            model_core=dispatch_model_call,
            tool_core=execute_tool_call,
        )

    def register_tool(
        self,
        function: Callable[..., Any],
        name: str | None = None,
        description: str | None = None,
        parameters: Any = None,
        mock_function: Callable[..., Any] | None = None,
        category: str | None = None,
        tags: Sequence[str] | None = None,
        group: str | None = None,
        **options: Any,
    ) -> ToolRegistration:
        """Register a tool on the client's ``tool_factory``.

        Same arguments as ``ToolFactory.register_tool``.
        """
        return self.tool_factory.register_tool(
            function, name, description, parameters, mock_function, category, tags, group, **options
        )

    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: type[ModelT],
        stream: Literal[False] = ...,
        **options: Unpack[GenerateOptions],
    ) -> GenerationResult[ModelT]: ...
    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: Mapping[str, Any],
        stream: Literal[False] = ...,
        **options: Unpack[GenerateOptions],
    ) -> GenerationResult[str]: ...
    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: None = ...,
        stream: Literal[False] = ...,
        **options: Unpack[GenerateOptions],
    ) -> GenerationResult[str | None]: ...
    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: type[ModelT],
        stream: Literal[True],
        **options: Unpack[GenerateOptions],
    ) -> AsyncGenerator[StreamChunk[ModelT], None]: ...
    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: Mapping[str, Any],
        stream: Literal[True],
        **options: Unpack[GenerateOptions],
    ) -> AsyncGenerator[StreamChunk[str], None]: ...
    @overload
    async def generate(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: None = ...,
        stream: Literal[True],
        **options: Unpack[GenerateOptions],
    ) -> AsyncGenerator[StreamChunk[str | None], None]: ...

    async def generate(
        self,
        input: Any,
        model: str | None = None,
        *,
        response_format: type[BaseModel] | Mapping[str, Any] | None = None,
        stream: bool = False,
        **options: Unpack[GenerateOptions],
    ) -> GenerationResult[Any] | AsyncGenerator[StreamChunk[Any], None]:
        """Generate a reply to ``input`` (messages, or a string), running tools as asked.

        ``response_format=Ticket`` (a Pydantic class) gives ``GenerationResult[Ticket]``, a
        schema dict ``GenerationResult[str]`` (JSON text), none ``GenerationResult[str | None]``.
        Options are the keys of ``GenerateOptions`` (``retry``, ``fallback_models``,
        ``deadline``: seconds for the whole generation, ``timeout``: seconds per attempt, ...);
        any other is a ``TypeError`` before any request. ``stream=True`` returns
        ``StreamChunk``s, the last carrying the result.
        """
        asked = {**options, "response_format": response_format}
        ctx = self._new_context(self._request(input, model, stream, asked))
        run = partial(checked_content, partial(ctx.pipeline.run_generation, ctx), response_format)
        if stream:
            ctx.stream_sink = emit_text
            return stream_chunks(run)
        return await run()

    @overload
    def stream(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: type[ModelT],
        **options: Unpack[GenerateOptions],
    ) -> AbstractAsyncContextManager[AsyncIterator[StreamChunk[ModelT]]]: ...
    @overload
    def stream(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: Mapping[str, Any],
        **options: Unpack[GenerateOptions],
    ) -> AbstractAsyncContextManager[AsyncIterator[StreamChunk[str]]]: ...
    @overload
    def stream(
        self,
        input: Any,
        model: str | None = ...,
        *,
        response_format: None = ...,
        **options: Unpack[GenerateOptions],
    ) -> AbstractAsyncContextManager[AsyncIterator[StreamChunk[str | None]]]: ...

    def stream(
        self,
        input: Any,
        model: str | None = None,
        *,
        response_format: type[BaseModel] | Mapping[str, Any] | None = None,
        **options: Unpack[GenerateOptions],
    ) -> AbstractAsyncContextManager[AsyncIterator[StreamChunk[Any]]]:
        """Stream a generation: ``async with client.stream(input) as chunks:``.

        Takes the options of ``generate()``, typed and checked the same way. The chunks are
        those of ``generate(stream=True)`` (text as it arrives, then ``done=True`` with the
        result), but the run happens in a task the block owns, so any stage's and any
        consumer's cancel scopes (per-call and per-chunk timeouts) are safe on asyncio and
        trio. Leaving the block early cancels the run.
        """
        asked = {**options, "response_format": response_format}
        ctx = self._new_context(self._request(input, model, True, asked))
        run = partial(checked_content, partial(ctx.pipeline.run_generation, ctx), response_format)
        return stream_in_task(ctx, run)

    async def generate_tool_intent(
        self, input: Any, model: str | None = None, **options: Unpack[GenerateOptions]
    ) -> ToolIntentOutput:
        """Ask the model which tools it would call, without running any (approval flows).

        Takes the options of ``generate()``; the model is offered the tools it would be
        offered there (``use_tools``, session). Pass ``tool_choice="required"`` to make it
        call at least one. Run the approved calls with ``execute_tool_intents``.
        """
        if self._intent_pipeline is None:
            self._intent_pipeline = self._build_pipeline(plan_tool_calls)
        ctx = self._new_context(self._request(input, model, False, dict(options)))
        ctx.pipeline = self._intent_pipeline
        result = await ctx.pipeline.run_generation(ctx)
        return intent_from(result, ctx.visible_tools)

    async def execute_tool_intents(
        self,
        intent_output: ToolIntentOutput,
        tool_execution_context: Mapping[str, Any] | None = None,
        mock_tools: bool = False,
    ) -> list[Message]:
        """Run planned tool calls; returns their ``{"role": "tool", ...}`` messages in order.

        The calls go through the tool stages, so hooks may deny them and events report them.
        Only the tools the planning call offered run (its ``use_tools`` and session); any
        other call is denied. Raises ``ConfigurationError`` when the client has no tools.
        """
        if not self.tool_factory.registrations:
            raise ConfigurationError(
                "LLMClient's ToolFactory has no tools registered, cannot execute tool intents."
            )
        options = {"tool_execution_context": tool_execution_context, "mock_tools": mock_tools}
        ctx = self._new_context(self._request([], None, False, options))
        return await execute_intents(ctx, intent_output)

    _request = build_request

    def _new_context(self, request: GenerationRequest) -> GenerationContext:
        return GenerationContext(
            request=request,
            run_id=uuid.uuid4().hex,
            pipeline=self.pipeline,
            bus=self.events,
            hooks=self.hooks,
            tool_factory=self._run_factory or self.tool_factory,
        )


def _default_stack(
    transport: Transport | None, telemetry: Telemetry | None, max_concurrent: int | None
) -> list[Middleware]:
    """The default stack; a given transport carries every model call (no standard routes)."""
    return default_middleware(
        routing=ProviderRoutingMiddleware(() if transport else None, transport),
        telemetry=telemetry,
        max_concurrent_generations=max_concurrent,
    )
