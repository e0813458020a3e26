"""Transports: the innermost model-call handlers, one per provider API."""

from __future__ import annotations

from .base import StreamDelta, ToolCallDelta, Transport

__all__ = ["StreamDelta", "ToolCallDelta", "Transport"]
