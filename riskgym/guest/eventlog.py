"""The box's event log: what the sites, the mail server and injected attacks saw happen.

Completion and success rules read only this log and queried state, never the agent's code,
so an effect counts exactly when it happened. Entries get a sequence number so the host can
fetch just what is new after each step.
"""
from __future__ import annotations

import threading
import time
from typing import Any


class EventLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._t0 = time.monotonic()

    def emit(self, event: dict[str, Any]) -> dict[str, Any]:
        """Append one event (a flat JSON-able dict with at least a "type")."""
        if "type" not in event:
            raise ValueError(f"event without a type: {event!r}")
        with self._lock:
            entry = {"seq": len(self._events), "t": round(time.monotonic() - self._t0, 3), **event}
            self._events.append(entry)
        return entry

    def since(self, seq: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events[seq:])

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)
