"""Renamed public names: the old ones still work for one release, and say so."""

from __future__ import annotations

import importlib

import pytest

from llm_factory_toolkit import ToolCallDenied, events, testing


@pytest.mark.parametrize(
    ("module", "old", "new"),
    [(events, "ToolCallDenied", "ToolCallRejected"), (testing, "Usage", "UsageSpec")],
)
def test_an_old_name_warns_and_is_the_new_object(module: object, old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated; use .*{new}"):
        value = getattr(module, old)
    assert value is getattr(module, new)


def test_one_name_one_thing() -> None:
    """The veto exception and the veto event, the result's usage and the script's, differ."""
    assert events.ToolCallRejected is not ToolCallDenied
    assert issubclass(ToolCallDenied, Exception)
    assert not issubclass(events.ToolCallRejected, Exception)
    root = importlib.import_module("llm_factory_toolkit")
    assert testing.UsageSpec is not root.Usage
    assert "ToolCallDenied" not in events.__all__ and "Usage" not in testing.__all__


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = events.Nope  # type: ignore[attr-defined]
