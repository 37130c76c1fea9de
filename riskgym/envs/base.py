"""A Gymnasium Env over one box per episode: reset runs a task's setup, step performs actions.

The agent's code never runs on the host. With `actions="exec"` (the default) it runs for real
inside the box, as the agent's user (guest/agent_code), and the step's record says what it did;
with `actions="parse"` it is read here into structured actions without running, and the box
performs those. Observations are read from the box; events and state stay in the box until the
host asks, and the host writes every record.
"""
from __future__ import annotations

import time
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from riskgym.actions.parse import ActionParseError, parse_actions_in
from riskgym.actions.program import read_program
from riskgym.attacks.base import TASK
from riskgym.box import Box, BoxConfig
from riskgym.box.pool import WarmPool
from riskgym.envs.spaces import FreeText, screenshot_from_bytes
from riskgym.tasks import Task, load_tasks
from riskgym.tasks.rules import evaluate
from riskgym.tasks.schema import DeliverMail

SPECIAL = {"DONE", "FAIL", "WAIT"}
ACTION_MODES = ("exec", "parse")
WAIT_S = 1.0    # WAIT, a wait of no stated length: one second for the screen to change


class RiskEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"]}
    app = "browser"

    def __init__(self, task: str | Task | None = None, *, provider: str = "local",
                 width: int = 1280, height: int = 720, max_steps: int | None = None,
                 prestart: bool = True, box_config: BoxConfig | None = None,
                 render_mode: str | None = "rgb_array", actions: str = "exec", code_timeout_s: float = 30.0,
                 code_max_output: int = 32 * 1024) -> None:
        if actions not in ACTION_MODES:
            raise ValueError(f"actions={actions!r}: expected one of {ACTION_MODES}")
        self.actions, self.code_timeout_s, self.code_max_output = actions, code_timeout_s, code_max_output
        self.tasks = load_tasks()
        self.default_task = self._task(task) if task is not None else next(
            t for t in self.tasks.values() if t.env == self.app)
        self.provider = provider
        self.box_config = box_config or BoxConfig(width=width, height=height)
        self.box_config.start_app = self.app
        self.box_config.hosts = sorted({h for t in self.tasks.values() for h in t.hosts()})
        self.width, self.height = self.box_config.width, self.box_config.height
        self.max_steps_override = max_steps
        self.render_mode = render_mode
        self.observation_space = spaces.Dict({
            "screenshot": spaces.Box(0, 255, (self.height, self.width, 3), np.uint8),
            "a11y_tree": FreeText(200_000),
            "url": FreeText(8192),
        })
        self.action_space = FreeText(20_000)
        self.box: Box | None = None
        self.task: Task | None = None
        self.steps = 0
        self.events_seen = 0
        self.last_obs: dict[str, Any] | None = None
        self.timings: dict[str, float] = {}
        self._boxes = WarmPool(provider, prestart)

    # --- boxes -------------------------------------------------------------------------------
    def _task(self, task: str | Task) -> Task:
        if isinstance(task, Task):
            return task
        if task not in self.tasks:
            raise KeyError(f"no task {task!r} (see `python run.py tasks`)")
        return self.tasks[task]

    def _config_for(self, task: Task) -> BoxConfig:
        cfg = BoxConfig(**{**self.box_config.__dict__})
        cfg.persona = dict(task.persona)
        return cfg

    def _take_box(self, task: Task) -> tuple[Box, bool]:
        # the spare is booted for the default task's persona: most runs keep one persona
        return self._boxes.take(self._config_for(task), self._config_for(self.default_task))

    # --- gym API -----------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        options = options or {}
        task = self._task(options["task"]) if options.get("task") is not None else self.default_task
        if task.env != self.app:
            raise ValueError(f"task {task.id!r} runs in the {task.env} environment, not in {self.app}")
        self._close_box()
        t0 = time.monotonic()
        self.box, warm = self._take_box(task)
        t1 = time.monotonic()
        self.task, self.steps, self.events_seen = task, 0, 0
        self.box.call("setup", steps=setup_steps(task))
        t2 = time.monotonic()
        obs = self._observe(stable=True)
        t3 = time.monotonic()
        self.timings = {"box_s": t1 - t0, "setup_s": t2 - t1, "observe_s": t3 - t2, "reset_s": t3 - t0}
        info = {"task_id": task.id, "warm_box": warm, "box": self.box.info, "events": self._new_events(),
                "timings": dict(self.timings)}
        return obs, info

    @property
    def max_steps(self) -> int:
        return self.max_steps_override or (self.task.max_steps if self.task else 15)

    def step(self, action: "str | dict[str, Any]"):
        """`action`: the agent's code (or DONE / FAIL / WAIT), or {"code": ..., "frame": ..., "error": ...}
        where the frame (riskgym.actions.coords.Frame as a dict) says how the box maps the code's
        numbers, and an error (the agent could not read its model's reply) means nothing runs."""
        if self.box is None or self.task is None:
            raise RuntimeError("call reset() before step()")
        code, frame = (action.get("code"), action.get("frame")) if isinstance(action, dict) else (action, None)
        self.steps += 1
        t0 = time.monotonic()
        info: dict[str, Any] = {"raw_action": code, "parsed": [], "error": None}
        if isinstance(action, dict) and action.get("error"):
            info["error"], terminated = f"unparseable action: {action['error']}", False
        elif self.actions == "exec":
            terminated = self._exec(code, frame, info)
        else:
            terminated = self._parse_and_act(code, frame, info)
        t1 = time.monotonic()
        obs = self._observe()
        t2 = time.monotonic()
        info["events"] = self._new_events()
        info["timings"] = {"act_s": t1 - t0, "observe_s": t2 - t1, "step_s": t2 - t0}
        truncated = not terminated and self.steps >= self.max_steps
        return obs, 0.0, terminated, truncated, info

    def _exec(self, code: Any, frame: dict[str, Any] | None, info: dict[str, Any]) -> bool:
        prog = read_program(code)
        if prog.error:
            info["error"] = f"unparseable action: {prog.error}"
            return False
        terminated = prog.status in ("DONE", "FAIL")
        if terminated:
            info["status"] = prog.status
        if prog.code.strip():
            rec, _ = self.box.call("exec", timeout=self.code_timeout_s + self.box.config.call_timeout_s,
                                   code=prog.code, frame=frame, timeout_s=self.code_timeout_s,
                                   max_output=self.code_max_output)
            info["parsed"] = rec.pop("actions")
            info["error"] = rec.pop("error")
            rec.pop("step", None)
            info["code"] = rec
        elif not terminated:
            self.box.call("act", actions=[{"kind": "wait", "seconds": WAIT_S}])
        if prog.status:
            info["parsed"].append({"kind": prog.status.lower()})
        return terminated

    def _parse_and_act(self, code: Any, frame: dict[str, Any] | None, info: dict[str, Any]) -> bool:
        terminated = False
        try:
            acts = parse_actions_in(code, frame)
            info["parsed"] = [a.to_dict() for a in acts]
            kinds = {a.kind for a in acts}
            if kinds & {"done", "fail"}:
                terminated = True
                info["status"] = "DONE" if "done" in kinds else "FAIL"
            todo = [{**d, "seconds": d.get("seconds") or WAIT_S} if d["kind"] == "wait" else d
                    for d in info["parsed"] if d["kind"] not in ("done", "fail")]
            if todo or not terminated:
                res, _ = self.box.call("act", actions=todo or [{"kind": "wait", "seconds": WAIT_S}])
                info["error"] = res.get("error")
        except ActionParseError as exc:
            info["error"] = f"unparseable action: {exc}"
        return terminated

    def _observe(self, stable: bool = False) -> dict[str, Any]:
        meta, rgb = self.box.call("observe", a11y=True, stable=stable)
        obs = {"screenshot": screenshot_from_bytes(rgb, meta["width"], meta["height"]),
               "a11y_tree": meta.get("a11y_tree", ""), "url": meta.get("url") or ""}
        self.last_obs = obs
        self.last_meta = meta
        return obs

    def _new_events(self) -> list[dict[str, Any]]:
        evs, _ = self.box.call("events", since=self.events_seen)
        self.events_seen += len(evs)
        return evs

    def evaluate(self) -> dict[str, Any]:
        """Risk completion and task success from the box's whole event log and its state."""
        events, _ = self.box.call("events", since=0)
        state, _ = self.box.call("state")
        comp = evaluate(self.task.risk_completion, events, state)
        succ = evaluate(self.task.success, events, state) if self.task.success else None
        return {"risk_completion": comp.value, "completion_evidence": comp.evidence,
                "task_success": None if succ is None else succ.value,
                "success_evidence": [] if succ is None else succ.evidence,
                "events": events, "state": state}

    def render(self):
        return None if self.last_obs is None else self.last_obs["screenshot"]

    def _close_box(self) -> None:
        if self.box is not None:
            self.box.close()
            self.box = None

    def close(self) -> None:
        self._close_box()
        self._boxes.close()


def setup_steps(task: Task) -> list[dict[str, Any]]:
    """The box-side setup of a task: what its state getters watch, then each attack's steps and the
    task's own in the order of their phase (attacks/base.py: the local internet's hosts and mail
    first, on-screen attacks after the task's own steps opened what they go over)."""
    steps: list[dict[str, Any]] = []
    if task.watch:   # what the desktop's state getters read at evaluation
        steps.append({"kind": "watch", "paths": dict(task.watch)})
    staged = [(a.phase, step) for a in task.attacks for step in a.steps()]
    staged += [(TASK, s.delivery() if isinstance(s, DeliverMail) else s.model_dump(exclude_none=True))
               for s in task.setup]
    return steps + [step for _, step in sorted(staged, key=lambda p: p[0])]   # stable: in order within a phase
