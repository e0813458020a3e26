"""Claude's thinking blocks as litellm reports them, kept whole for the transcript.

litellm puts them on the answer's message (``thinking_blocks``), and streams them as
fragments on the deltas: thinking text in pieces, then its signature in a fragment of its
own, a redacted block whole. ``ThinkingCollector`` puts the fragments back together, so
the assistant message carries the same blocks streamed or not, and litellm sends them back
to Anthropic with the tool results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def plain_blocks(blocks: Any) -> list[dict[str, Any]]:
    """litellm's thinking blocks as plain dicts (their ``cache_control`` left out)."""
    return [
        {key: value for key, value in dict(block).items() if key != "cache_control"}
        for block in blocks or ()
    ]


@dataclass(slots=True)
class ThinkingCollector:
    """Joins streamed thinking fragments into whole blocks."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    _open: dict[str, Any] | None = None

    def add(self, fragments: Any) -> None:
        for fragment in plain_blocks(fragments):
            if fragment.get("type") != "thinking":
                self.blocks.append(fragment)
                self._open = None
                continue
            if self._open is None:
                self._open = {"type": "thinking", "thinking": "", "signature": ""}
                self.blocks.append(self._open)
            self._open["thinking"] += fragment.get("thinking") or ""
            if fragment.get("signature"):
                self._open["signature"] = fragment["signature"]
                self._open = None

    def extras(self) -> dict[str, Any] | None:
        """``{"thinking_blocks": [...]}`` for the assembled message, or None."""
        return {"thinking_blocks": self.blocks} if self.blocks else None
