"""Per-tool invocation counters.

A lock guards the counts so that ``get_and_reset`` is atomic even when an application reads
them from another thread (a metrics exporter, say) while tools run on the event loop.
"""

from __future__ import annotations

import threading


class ToolUsageCounts:
    """How many times each registered tool was run; registered names start (and reset) at 0."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def track(self, name: str) -> None:
        """Start counting ``name`` (at 0 unless it is already counted)."""
        with self._lock:
            self._counts.setdefault(name, 0)

    def increment(self, name: str) -> None:
        """Count one run of ``name``; a name that was never registered (a model's
        invention) is ignored."""
        with self._lock:
            if name in self._counts:
                self._counts[name] += 1

    def snapshot(self) -> dict[str, int]:
        """A copy of the counts."""
        with self._lock:
            return dict(self._counts)

    def reset(self) -> None:
        """Set every count back to 0."""
        with self._lock:
            self._counts = dict.fromkeys(self._counts, 0)

    def snapshot_and_reset(self) -> dict[str, int]:
        """The counts, and every count back to 0, in one step no increment can split."""
        with self._lock:
            counts, self._counts = self._counts, dict.fromkeys(self._counts, 0)
            return counts
