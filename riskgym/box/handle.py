"""The host's handle on one box, whatever started it: call the controller, close it.

Providers (local namespaces, docker, ...) differ only in how the box starts; once it runs, the
host speaks the same framed protocol to the same controller over one Channel. A provider is a
subclass that starts the box in __init__ (setting `channel` and `info` from the controller's
hello, see `_hello`) and implements kill(); see providers/__init__.py to add one.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from riskgym.core.protocol import Channel, ProtocolError
from riskgym.sites import hostnames


class BoxError(RuntimeError):
    """The box failed: it did not start, broke the protocol, timed out, or died."""


class BoxUnavailable(BoxError):
    """This machine cannot start boxes of a provider (a missing tool, no root, no engine, no image)."""


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


def hosts_file(config: BoxConfig) -> str:
    """The box's /etc/hosts: every site of the local internet (and the task's extra hosts) is here."""
    names = ["localhost", "box"] + hostnames() + sorted(set(config.hosts))
    return "".join(f"127.0.0.1\t{n}\n" for n in names) + "::1\tlocalhost\n"


class Box:
    """Base of the providers: framing, timeouts, wall clock; subclasses start and stop."""

    provider = "base"

    @classmethod
    def requirements(cls) -> list[str]:
        """What this machine lacks to start such a box (empty when it can)."""
        return []

    @classmethod
    def cleanup_stale(cls) -> int:
        """Remove what boxes of a host that was killed left behind; returns how many were removed."""
        return 0

    def __init__(self, config: BoxConfig) -> None:
        self.config = config
        self.channel: Channel | None = None
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
        if self.channel is None:
            raise BoxError(self.dead_reason or "box is closed")
        with self._lock:
            try:
                self.channel.settimeout(timeout or self.config.call_timeout_s)
                self.channel.send({"op": op, "args": args}, blob)
                header, rblob = self.channel.recv()
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
        if self.channel is not None:
            try:
                with self._lock:
                    self.channel.settimeout(5)
                    self.channel.send({"op": "shutdown", "args": {}})
                    self.channel.recv()
            except (OSError, ProtocolError):
                pass
        self.kill()

    def _hello(self, channel: Channel, describe_failure) -> None:
        """Wait for the controller's hello on a new channel, once it is ready; keep what it says.
        `describe_failure()` says what the provider saw (the box's stderr, the container's log)."""
        self.channel = channel
        try:
            channel.settimeout(self.config.call_timeout_s)
            header, _ = channel.recv()
        except (OSError, ProtocolError) as exc:
            self.kill()
            if self.dead_reason:   # the wall clock struck while it started (a starved machine)
                raise BoxError(f"box did not start: {self.dead_reason}") from None
            raise BoxError(f"box did not start ({exc}): {describe_failure()}") from None
        if not header.get("ok"):
            raise BoxError(f"box controller failed to start: {header.get('error')}")
        self.info = header.get("result") or {}

    def _drop_channel(self) -> None:
        """Close the line to the controller (every provider's kill starts here)."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None

    def kill(self) -> None:  # pragma: no cover - provider specific
        raise NotImplementedError

    def peak_memory_bytes(self) -> int | None:
        return None

    def pss_bytes(self) -> int | None:
        """Proportional set size of the box's processes now, where the provider can tell."""
        return None

    def __enter__(self) -> "Box":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
