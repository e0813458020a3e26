"""``DurableClient``: an ``LLMClient`` whose generations are DBOS workflows.

Create it before ``DBOS.launch()`` (DBOS finds workflows by name when it resumes them), with
the same ``name`` in every worker. Then a generation survives a killed worker: the next
``DBOS.launch()`` resumes it, answering finished model and tool calls from the database.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Collection, Mapping
from typing import Any

from dbos import DBOS, SetWorkflowID, WorkflowHandleAsync

from ...client import LLMClient
from ...exceptions import ConfigurationError
from ...middleware.context_merge import normalize_input
from ...tools.models import GenerationResult, ToolIntentOutput
from ..codec import intent_from_json, result_from_json
from .workflows import APPROVAL_TOPIC, PLAN_EVENT, Runtime, StoredRequest, register_workflows

ContextProvider = Callable[[], Mapping[str, Any]]
"""Builds a tool execution context in the worker (secrets, connections): never stored."""

WEEK = 7 * 24 * 3600.0
_NOT_STORED = ("stream", "tool_session", "api_key")


class DurableClient:
    """Runs ``client``'s generations as DBOS workflows.

    ``queue`` names a DBOS queue (``DBOS.register_queue(name, worker_concurrency=...,
    limiter=...)`` after ``DBOS.launch()``): generations are enqueued there and run by any
    worker on the same system database, within the queue's limits.

    ``contexts`` maps names to ``ContextProvider`` callables; a generation names one with
    ``tool_execution_context="name"`` and the worker that runs it calls the provider.
    """

    def __init__(
        self,
        client: LLMClient,
        *,
        name: str,
        queue: str | None = None,
        contexts: Mapping[str, ContextProvider] | None = None,
    ) -> None:
        if not name:
            raise ConfigurationError("DurableClient needs a name, the same in every worker")
        if client.dynamic_tool_loading:
            raise ConfigurationError(
                "dynamic tool loading keeps its session in memory, which a resumed "
                "workflow would not have; durable generations need it off"
            )
        self.client = client
        self.name = name
        self.queue = queue
        self._contexts = dict(contexts or {})
        runtime = Runtime(client, self._resolve_context)
        self._generation, self._approval = register_workflows(runtime, name)

    def register_context(self, name: str, provider: ContextProvider) -> None:
        """Make ``tool_execution_context=name`` call ``provider`` in the worker."""
        self._contexts[name] = provider

    async def start(self, input: Any, workflow_id: str | None = None, **options: Any) -> str:
        """Start (or enqueue) a durable generation; returns its workflow id at once.

        Takes ``generate()``'s options (JSON values only; ``model=`` too). Starting an id
        that exists returns it without running the generation again.
        """
        return await self._start(self._generation, workflow_id, self._stored(input, options))

    async def generate(
        self, input: Any, workflow_id: str | None = None, **options: Any
    ) -> GenerationResult:
        """Run a durable generation to its end and return its result."""
        return await self.result(await self.start(input, workflow_id, **options))

    async def result(self, workflow_id: str) -> GenerationResult:
        """The result of a durable generation (waiting for it), finished or resumed."""
        _require_asyncio()
        handle: WorkflowHandleAsync[dict[str, Any]]
        handle = await DBOS.retrieve_workflow_async(workflow_id)
        return result_from_json(await handle.get_result())

    async def start_with_approval(
        self,
        input: Any,
        workflow_id: str | None = None,
        *,
        approval_timeout: float = WEEK,
        **options: Any,
    ) -> str:
        """Start a generation that plans its tool calls and waits for ``approve()``.

        Approved calls run (as steps); the others are answered as denied, and the model
        answers with both. No decision within ``approval_timeout`` seconds denies them all.
        """
        stored = self._stored(input, options)
        return await self._start(self._approval, workflow_id, stored, approval_timeout)

    async def planned_calls(
        self, workflow_id: str, timeout_seconds: float = 60.0
    ) -> ToolIntentOutput | None:
        """The calls an approval workflow is waiting on (None if not planned in time)."""
        _require_asyncio()
        plan = await DBOS.get_event_async(workflow_id, PLAN_EVENT, timeout_seconds)
        return None if plan is None else intent_from_json(plan)

    async def approve(
        self,
        workflow_id: str,
        approved: Collection[str] = (),
        rejected: Mapping[str, str] | None = None,
    ) -> None:
        """Decide on the planned calls by id: run ``approved``; deny ``rejected`` (reasons)."""
        _require_asyncio()
        decision = {"approved": list(approved), "rejected": dict(rejected or {})}
        await DBOS.send_async(workflow_id, decision, APPROVAL_TOPIC)

    async def _start(
        self, workflow: Callable[..., Any], workflow_id: str | None, *args: Any
    ) -> str:
        _require_asyncio()
        with SetWorkflowID(workflow_id or uuid.uuid4().hex):
            if self.queue is not None:
                handle = await DBOS.enqueue_workflow_async(self.queue, workflow, *args)
            else:
                handle = await DBOS.start_workflow_async(workflow, *args)
        return handle.get_workflow_id()

    def _stored(self, input: Any, options: dict[str, Any]) -> StoredRequest:
        """The request as the database will hold it; refuses what must not be stored."""
        refused = [name for name in _NOT_STORED if name in options]
        if refused:
            raise ConfigurationError(f"durable generations do not take {', '.join(refused)}")
        context = options.pop("tool_execution_context", None)
        if context is not None:
            self._check_context_name(context)
        request = {
            "input": [dict(message) for message in normalize_input(input)],
            "model": options.pop("model", None),
            "options": options,
            "context": context,
        }
        _check_json(request)
        return request

    def _check_context_name(self, context: object) -> None:
        if not isinstance(context, str):
            raise ConfigurationError(
                "tool_execution_context is stored with the workflow, so pass the name of a "
                "context registered with register_context(), not the values"
            )
        self._resolve_context(context)

    def _resolve_context(self, name: str | None) -> Mapping[str, Any]:
        if name is None:
            return {}
        provider = self._contexts.get(name)
        if provider is None:
            raise ConfigurationError(f"no tool execution context is registered as {name!r}")
        return provider()


def _check_json(request: StoredRequest) -> None:
    try:
        json.dumps(request)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(
            f"a durable generation's input and options are stored as JSON: {exc}"
        ) from None


def _require_asyncio() -> None:
    """DBOS runs on asyncio only; say so instead of failing deep inside it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise ConfigurationError(
            "DBOS durable generations run on asyncio only; this call is not on an asyncio "
            "event loop (trio is not supported by DBOS)"
        ) from None
