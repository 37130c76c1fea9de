"""The host's handle on one box, whatever started it: call the controller, close it.

Providers (local namespaces, docker) differ only in how the box starts; once it runs, the
host speaks the same framed protocol to the same controller over one stream socket.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from riskgym.core.protocol import ProtocolError, recv_frame, send_frame


class BoxError(RuntimeError):
    """The box failed: it did not start, broke the protocol, timed out, or died."""


@dataclass
class BoxConfig:
    width: int = 1280                # the screen the agent sees; 1280x720 keeps a screenshot near
    height: int = 720                # 1.2k image tokens for Qwen2-VL-class models
    memory_mb: int = 1536            # cgroup limit for everything in the box (Chromium included)
    max_pids: int = 512
    disk_mb: int = 512               # size of the box's writable home and /tmp (tmpfs)
    wall_s: float = 900.0            # the box is killed after this long, whatever it is doing
    call_timeout_s: float = 60.0     # one controller call
    hosts: list[str] = field(default_factory=list)  # extra names for the box's /etc/hosts
    persona: dict[str, str] = field(default_factory=dict)
    start_app: str = "browser"


class Box:
    """Base of the providers: framing, timeouts, wall clock; subclasses start and stop."""

    provider = "base"

    def __init__(self, config: BoxConfig) -> None:
        self.config = config
        self.sock: socket.socket | None = None
        self.info: dict[str, Any] = {}
        self.started_at = time.monotonic()
        self.dead_reason: str | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def _arm_wall_clock(self) -> None:
        self._timer = threading.Timer(self.config.wall_s, self._wall_clock_expired)
        self._timer.daemon = True
        self._timer.start()

    def _wall_clock_expired(self) -> None:
        self.dead_reason = f"wall-clock limit of {self.config.wall_s:.0f} s reached"
        self.kill()

    def call(self, op: str, blob: bytes = b"", timeout: float | None = None, **args: Any) -> tuple[Any, bytes]:
        """Send one request; return (result, blob). Raises BoxError if the box fails."""
        if self.sock is None:
            raise BoxError(self.dead_reason or "box is closed")
        with self._lock:
            try:
                self.sock.settimeout(timeout or self.config.call_timeout_s)
                send_frame(self.sock, {"op": op, "args": args}, blob)
                header, rblob = recv_frame(self.sock)
            except (OSError, ProtocolError) as exc:
                reason = self.dead_reason or f"controller call {op!r} failed: {exc}"
                self.kill()
                raise BoxError(reason) from None
        if not header.get("ok"):
            raise BoxError(f"controller op {op!r}: {header.get('error')}")
        return header.get("result"), rblob

    def close(self) -> None:
        if self._timer:
            self._timer.cancel()
        if self.sock is not None:
            try:
                with self._lock:
                    self.sock.settimeout(5)
                    send_frame(self.sock, {"op": "shutdown", "args": {}})
                    recv_frame(self.sock)
            except (OSError, ProtocolError):
                pass
        self.kill()

    def _drop_socket(self) -> None:
        """Close the line to the controller (every provider's kill starts here)."""
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def kill(self) -> None:  # pragma: no cover - provider specific
        raise NotImplementedError

    def peak_memory_bytes(self) -> int | None:
        return None

    def __enter__(self) -> "Box":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
