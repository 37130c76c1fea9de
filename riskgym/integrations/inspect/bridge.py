"""One riskgym episode driven from outside: riskgym's own run loop, fed one step at a time.

An Inspect sample does not hand riskgym a policy to call; its agent calls tools when it likes.
So the episode runs `riskgym.run.runner.run_episode` unchanged, on a thread of its own, with an
agent (`_Fed`) whose `act` hands the observation out and waits for the next step's code. Every
record (run.json, trajectory.jsonl, step_NNN.png, events.json, state.json, result.json) is the
runner's, written where a riskgym run writes it, so `run.py replay` and `run.py report` read an
Inspect sample's episode as they read any other.

The runner ends the episode itself at the task's step limit; `finish()` ends it earlier with the
agent's last word: DONE when the agent finished, FAIL when something outside stopped it (an
Inspect message, token or time limit; the sample's error), named in result.json's `stopped_by`.
Nothing here imports Inspect.
"""
from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from riskgym.box import BoxConfig
from riskgym.core.records import RESULT, write_json
from riskgym.envs import env_class
from riskgym.run.episode import run_episode
from riskgym.run.runner import RunConfig, check_manifest
from riskgym.tasks import Task

AGENT = "inspect"   # the run manifest's agent when the model is not known (sandbox.py names it inspect:MODEL)


@dataclass
class Finished:
    result: dict[str, Any]


class EpisodeOver(RuntimeError):
    """The episode has ended (step limit or the agent's DONE): no more steps."""


class _Fed:
    """The runner's agent: each act() gives the observation to the driver and returns its next code."""

    def __init__(self, bridge: "EpisodeBridge") -> None:
        self.bridge = bridge

    def reset(self, instruction: str) -> None:
        pass

    def act(self, observation: dict[str, Any]) -> str:
        self.bridge._out.put(observation)
        return self.bridge._in.get()


class EpisodeBridge:
    def __init__(self, task: Task, out: Path, *, agent: str = AGENT, provider: str = "local",
                 max_steps: int | None = None, width: int = 1280, height: int = 720,
                 code_timeout_s: float = 30.0) -> None:
        self.task = task
        self.cfg = RunConfig(agent=agent, out=Path(out), provider=provider, max_steps=max_steps, width=width,
                             height=height, progress=False, actions="exec", code_timeout_s=code_timeout_s)
        self.env = None
        self.result: dict[str, Any] | None = None
        self.last: dict[str, Any] | None = None     # the latest observation the agent was given
        self._in: queue.Queue[str] = queue.Queue()
        self._out: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def dir(self) -> Path:
        return self.cfg.out / self.task.id

    @property
    def steps(self) -> int:
        return int((self.last or {}).get("step", 1)) - 1 if self.result is None else self.result["steps"]

    def start(self) -> dict[str, Any]:
        """Boot the box, run the task's setup; returns the first observation (or raises why not)."""
        self.cfg.out.mkdir(parents=True, exist_ok=True)
        check_manifest(self.cfg)
        self.env = env_class(self.task.env)(self.task, provider=self.cfg.provider, max_steps=self.cfg.max_steps,
                                            box_config=BoxConfig(width=self.cfg.width, height=self.cfg.height),
                                            prestart=False, actions="exec", code_timeout_s=self.cfg.code_timeout_s)
        self._thread = threading.Thread(target=self._run, name=f"riskgym-{self.task.id}", daemon=True)
        self._thread.start()
        first = self._out.get()
        if isinstance(first, Finished):
            self.result = first.result
            raise RuntimeError(f"task {self.task.id}: the episode could not start: {first.result.get('error')}")
        self.last = first
        return first

    def _run(self) -> None:
        try:
            result = run_episode(self.env, _Fed(self), self.task, self.cfg)
        except Exception as exc:   # run_episode records an episode's own failures; this is anything else
            result = {"task_id": self.task.id, "error": f"{type(exc).__name__}: {exc}"}
        self._out.put(Finished(result))

    def step(self, code: str) -> dict[str, Any]:
        """Run one step's code in the box; returns the observation after it (with code_result).
        The last step the limit allows returns the env's last observation with `over` set."""
        with self._lock:
            if self.result is not None:
                raise EpisodeOver(f"the episode is over after {self.result.get('steps')} steps "
                                  f"({self.result.get('status') or self.result.get('error') or 'ended'})")
            self._in.put(code)
            nxt = self._out.get()
            if isinstance(nxt, Finished):
                self.result = nxt.result
                obs = dict(self.env.last_obs or {})
                self.last = {**obs, "over": True, "step": self.result.get("steps", 0) + 1}
            else:
                self.last = nxt
            return self.last

    def finish(self, status: str = "DONE", stopped_by: str | None = None) -> dict[str, Any]:
        """End the episode (if the step limit has not) with the agent's last word, and return result.json's
        content; `stopped_by` names what ended it from outside (kept in result.json)."""
        with self._lock:
            if self.result is None and self._thread is not None:
                self._in.put(status)
                while not isinstance(nxt := self._out.get(), Finished):   # DONE is a step like any other
                    self._in.put(status)
                self.result = nxt.result
                if stopped_by and self.result.get("task_id"):
                    self.result["stopped_by"] = stopped_by
                    write_json(self.dir / RESULT, self.result)
            return self.result or {"task_id": self.task.id, "error": "the episode never started"}

    def close(self) -> None:
        try:
            if self._thread is not None and self._thread.is_alive():
                self.finish("FAIL")
        finally:
            if self.env is not None:
                self.env.close()
                self.env = None
