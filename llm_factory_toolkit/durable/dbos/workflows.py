"""The workflow code: the ordinary pipeline, with the steps as its cores and a replay gate.

A workflow's arguments are the stored request (JSON: messages, model, options and the *name*
of the tool context); the context itself is looked up in the worker, so it never reaches
the database. The approval workflow plans, publishes the plan, waits for a decision
(``DBOS.recv``, for as long as it takes), runs the approved calls as steps and lets the
model answer with the outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dbos import DBOS

from ...pipeline.context import GenerationContext, GenerationHandler
from ...pipeline.events import ToolCallDenied
from ...pipeline.loop import run_agent_loop
from ...pipeline.observed import denied_result
from ...tools.intents import execute_intents, intent_from, plan_tool_calls
from ...tools.models import GenerationResult, Message, ParsedToolCall, ToolIntentOutput
from ..codec import intent_to_json, result_to_json
from ..replay import Replay, replay_quietly
from .steps import model_step, recorded_calls, tool_step

if TYPE_CHECKING:
    from ...client import LLMClient

PLAN_EVENT = "llm_factory_toolkit.tool_plan"
APPROVAL_TOPIC = "llm_factory_toolkit.approval"

StoredRequest = dict[str, Any]
Workflow = Callable[..., Any]


@dataclass(slots=True)
class Runtime:
    """What workflows need from the worker's memory: the client and the tool contexts."""

    client: LLMClient
    resolve_context: Callable[[str | None], Mapping[str, Any]]

    def context(
        self, request: StoredRequest, core: GenerationHandler, replay: Replay
    ) -> GenerationContext:
        """A run of ``request`` whose calls are steps and whose replayed calls stay quiet."""
        client = self.client
        context = self.resolve_context(request["context"])
        options = {**request["options"], "tool_execution_context": context}
        asked = client._request(request["input"], request["model"], False, options)
        ctx = client._new_context(asked)
        ctx.run_id = DBOS.workflow_id or ctx.run_id
        replay_quietly(ctx, client.middleware, replay, core, model_step, tool_step)
        return ctx


def register_workflows(runtime: Runtime, name: str) -> tuple[Workflow, Workflow]:
    """Register the generation and approval workflows of the durable client ``name``."""

    async def generation(request: StoredRequest) -> dict[str, Any]:
        replay = await _replay()
        ctx = runtime.context(request, run_agent_loop, replay)
        return result_to_json(await ctx.pipeline.run_generation(ctx))

    async def approval(request: StoredRequest, timeout_seconds: float) -> dict[str, Any]:
        return result_to_json(await _approval(runtime, request, timeout_seconds))

    return (
        DBOS.workflow(name=f"llm_factory_toolkit.generate:{name}")(generation),
        DBOS.workflow(name=f"llm_factory_toolkit.approve:{name}")(approval),
    )


async def _replay() -> Replay:
    workflow_id = DBOS.workflow_id
    return Replay(await recorded_calls(workflow_id) if workflow_id else 0)


async def _approval(
    runtime: Runtime, request: StoredRequest, timeout_seconds: float
) -> GenerationResult:
    replay = await _replay()
    planning = runtime.context(request, plan_tool_calls, replay)
    planned = await planning.pipeline.run_generation(planning)
    intent = intent_from(planned)
    if not intent.tool_calls:
        return planned
    await DBOS.set_event_async(PLAN_EVENT, intent_to_json(intent))
    decision = await DBOS.recv_async(APPROVAL_TOPIC, timeout_seconds=timeout_seconds)
    executing = runtime.context({**request, "input": []}, run_agent_loop, replay)
    outcomes = await _decided_calls(executing, intent, decision)
    answering = runtime.context(
        {**request, "input": [*planned.messages, *outcomes]}, run_agent_loop, replay
    )
    result = await answering.pipeline.run_generation(answering)
    result.tool_messages[:0] = [planned.messages[-1], *outcomes]
    result.usage = planned.usage + result.usage
    return result


async def _decided_calls(
    ctx: GenerationContext, intent: ToolIntentOutput, decision: Any
) -> list[Message]:
    """Run the approved calls as steps; the others answer as denied, in plan order.

    ``decision`` is ``{"approved": [ids], "rejected": {id: reason}}``, or None when none
    arrived in time; a call it does not approve is denied.
    """
    decision = decision if isinstance(decision, dict) else {}
    approved_ids = set(decision.get("approved") or ())
    reasons = dict(decision.get("rejected") or {})
    calls = list(intent.tool_calls or ())
    approved = [call for call in calls if call.id in approved_ids]
    ran = await execute_intents(ctx, ToolIntentOutput(tool_calls=approved))
    by_id = {message["tool_call_id"]: message for message in ran}
    default = "not approved" if decision else "no approval arrived in time"
    return [
        by_id.get(call.id) or await _denied(ctx, call, reasons.get(call.id, default))
        for call in calls
    ]


async def _denied(ctx: GenerationContext, call: ParsedToolCall, reason: str) -> Message:
    """The tool message of a call that was not approved; observers hear of the denial."""
    await ctx.bus.emit(
        ToolCallDenied(
            run_id=ctx.run_id,
            iteration=1,
            tool_call_id=call.id,
            tool_name=call.name,
            reason=reason,
        )
    )
    content = denied_result(call.name, reason).content
    return {"role": "tool", "tool_call_id": call.id, "name": call.name, "content": content}
