"""What the three wire renderers share: the resolved reply and SSE framing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from llm_factory_toolkit.testing.script import Text, ToolCalls, ToolCallSpec, UsageSpec

__all__ = ["Reply", "dumps", "pieces", "sse"]


@dataclass(frozen=True)
class Reply:
    """A content turn bound to one request: model, timestamp and ids are fixed up front.

    Fixing ids before rendering keeps the JSON and SSE renderings of a turn consistent and
    makes ids deterministic (``seq`` and ``call_seqs`` come from per-server counters).
    """

    turn: Text | ToolCalls
    model: str
    created: int
    seq: int
    call_seqs: tuple[int, ...] = ()
    include_usage: bool = False

    @property
    def text(self) -> str | None:
        """The assistant text, or None for tool calls without preamble."""
        return self.turn.content

    @property
    def calls(self) -> list[ToolCallSpec]:
        """The tool calls, empty for a text answer."""
        return self.turn.calls if isinstance(self.turn, ToolCalls) else []

    @property
    def thinking_blocks(self) -> list[dict[str, Any]]:
        """Anthropic thinking blocks, in order: thinking (signed), then redacted thinking."""
        blocks: list[dict[str, Any]] = []
        if self.turn.thinking is not None:
            text, signature = self.turn.thinking, f"sig-{self.seq}"
            blocks.append({"type": "thinking", "thinking": text, "signature": signature})
        if self.turn.redacted_thinking is not None:
            blocks.append({"type": "redacted_thinking", "data": self.turn.redacted_thinking})
        return blocks

    @property
    def usage(self) -> UsageSpec:
        """The token counts to report."""
        return self.turn.usage

    @property
    def chunk_size(self) -> int:
        """How many characters each streamed text or argument delta carries."""
        return self.turn.chunk_size

    @property
    def text_chunk_size(self) -> int:
        """Text deltas of a ToolCalls preamble use the Text default, not the argument size."""
        return self.turn.chunk_size if isinstance(self.turn, Text) else 4

    @property
    def annotations(self) -> list[dict[str, Any]]:
        """URL citations in the Responses shape (empty when none were scripted)."""
        if isinstance(self.turn, Text) and self.turn.annotations:
            return list(self.turn.annotations)
        return []

    def call_id(self, index: int, prefix: str) -> str:
        """The scripted id of call ``index`` or ``<prefix><n>`` from the server counter."""
        spec = self.calls[index]
        return spec.id if spec.id is not None else f"{prefix}{self.call_seqs[index]}"


def dumps(obj: Any) -> bytes:
    """Compact JSON, as the real APIs send it."""
    return json.dumps(obj, separators=(",", ":")).encode()


def sse(data: Mapping[str, Any] | str, event: str | None = None) -> bytes:
    """One SSE event; a str ``data`` is sent verbatim (``[DONE]``, malformed payloads)."""
    payload = data if isinstance(data, str) else dumps(data).decode()
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def pieces(text: str, size: int) -> list[str]:
    """``text`` split every ``size`` characters; empty text gives no pieces."""
    return [text[i : i + size] for i in range(0, len(text), size)]
