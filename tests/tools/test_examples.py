"""The authorization example runs offline and does what its docstring says."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "authorization_hook.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("authorization_hook", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.anyio
async def test_the_authorization_example_denies_and_masks(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LLM_MODEL", raising=False)
    result = await load_example().main()

    by_tool = {m["name"]: m["content"] for m in result.tool_messages if m["role"] == "tool"}
    assert json.loads(by_tool["delete_customer"])["status"] == "denied"
    assert json.loads(by_tool["find_customer"])["email"] == "<email>"
    assert result.payloads[0]["payload"]["email"] == "ada@example.com"
    assert (
        "Denied delete_customer: 'delete_customer' needs the admin role" in capsys.readouterr().out
    )
