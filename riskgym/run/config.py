"""What one run is asked to do (RunConfig), and the two ways an episode can fail to give a result.

An episode's error has a kind: `agent` (the agent raised, or its reference broke: the agent's own
failure, never retried) or `infra` (the box would not start or died, its node or worker was lost:
nothing the agent did; retried, bounded, and counted apart in the report so a reader sees the rate
that could bias the others).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

AGENT, INFRA = "agent", "infra"     # result.json's error_kind
INFRA_RETRIES = 2                   # an infra-failed episode runs at most 1 + this many times


class RunError(ValueError):
    """The run cannot go ahead as asked (e.g. its --out holds another agent's run); exit status 2."""


class Interrupted(Exception):
    """The run was stopped while this task ran; it has no result and will run on resume."""


@dataclass
class RunConfig:
    agent: str
    out: Path
    workers: int = 1
    max_steps: int | None = None
    provider: str = "local"
    width: int = 1280
    height: int = 720
    retry_errors: bool = False
    progress: bool = True
    executor: str = "thread"             # a row of run/executors.py EXECUTORS
    executor_address: str | None = None  # ray: a cluster to join ('auto', 'ray://HOST:PORT'); None: start one
    actions: str = "exec"                # agent code runs in the box (exec) or is only read (parse)
    code_timeout_s: float = 30.0         # exec: one step's code is stopped after this
    infra_retries: int = INFRA_RETRIES
    stop: threading.Event = field(default_factory=threading.Event)   # set on Ctrl-C

    def portable(self, **changes: Any) -> dict[str, Any]:
        """The fields another process needs (no Event), e.g. to rebuild the config on a Ray node."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "stop"}
        d.update(changes)
        return d
