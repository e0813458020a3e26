"""The DBOS steps: one per model call, one per tool call, each recording only JSON.

They replace the pipeline's model-call and tool-call cores, so every stage runs in workflow
code around them. DBOS's own step retries stay off: the toolkit's retry stage, outside the
core, is the one retry authority, and each of its attempts is a step of its own.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from dbos import DBOS, StepOptions

from ...middleware.dispatch import dispatch_model_call
from ...pipeline.context import ModelCall, ModelResponse, ToolCall
from ...tools.dispatch import execute_tool_call
from ...tools.models import ToolExecutionResult
from ..codec import (
    response_from_json,
    response_to_json,
    tool_result_from_json,
    tool_result_to_json,
)

MODEL_STEP = "llm_factory_toolkit.model_call"
TOOL_STEP = "llm_factory_toolkit.tool_call"


def _options(name: str) -> StepOptions:
    return {"name": name, "retries_allowed": False}


async def model_step(call: ModelCall) -> ModelResponse:
    """The model-call core as a step: sent once, answered from the record on replay."""
    recorded = await DBOS.run_step_async(_options(MODEL_STEP), _send, call)
    return response_from_json(recorded)


async def tool_step(call: ToolCall) -> ToolExecutionResult:
    """The tool-call core as a step: run once, answered from the record on replay."""
    recorded = await DBOS.run_step_async(_options(TOOL_STEP), _run, call)
    return tool_result_from_json(recorded)


async def _send(call: ModelCall) -> dict[str, Any]:
    return response_to_json(await dispatch_model_call(call))


async def _run(call: ToolCall) -> dict[str, Any]:
    return tool_result_to_json(await execute_tool_call(call))


async def recorded_calls(workflow_id: str) -> int:
    """How many model and tool steps of ``workflow_id`` a previous run already recorded.

    Read on a plain executor thread, outside the workflow's context, so that the read is
    not itself recorded as a step (it must see the database as it is now).
    """
    loop = asyncio.get_running_loop()
    read = functools.partial(DBOS.list_workflow_steps, workflow_id, load_output=False)
    steps = await loop.run_in_executor(None, read)
    return sum(1 for step in steps if step["function_name"] in (MODEL_STEP, TOOL_STEP))
