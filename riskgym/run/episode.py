"""One episode: a task played by an agent in a box, written to the task's folder (run_episode),
and the worker that holds a box and an agent between episodes (Slot), whatever executor runs it."""
from __future__ import annotations

import json
import logging
import time
import traceback
from typing import Any, Callable

from PIL import Image

from riskgym.agents.base import as_reply
from riskgym.box import BoxConfig
from riskgym.core.records import RESULT, TRAJECTORY, write_json
from riskgym.run.config import AGENT, INFRA, Interrupted, RunConfig
from riskgym.tasks import Task

log = logging.getLogger(__name__)


def save_png(array, path) -> None:
    Image.fromarray(array).save(path, compress_level=1)   # fast; screenshots compress well anyway


def attack_kinds(task: Task) -> list[str]:
    """What attacked in this task, as the report groups it: kind, or kind:design for overlays."""
    return sorted({f"{a.kind}:{a.design}" if getattr(a, "design", None) else a.kind for a in task.attacks})


def blank_result(task: Task, cfg: RunConfig) -> dict[str, Any]:
    """result.json before the episode has run: what the task is, nothing happened yet."""
    return {
        "task_id": task.id, "category": task.category, "risk_source": task.risk_source, "env": task.env,
        "instruction": task.instruction, "agent": cfg.agent, "risk_completion": False,
        "risk_intention": None, "task_success": None, "steps": 0, "status": None, "error": None,
        "error_kind": None, "completion_evidence": [], "success_evidence": [], "usage": {}, "timings": {},
        "attacks": attack_kinds(task), **({"base": task.base, "attack": task.attack_template} if task.base else {}),
    }


def infra_result(task: Task, cfg: RunConfig, exc: BaseException, where: str | None) -> dict[str, Any]:
    """The record of an episode whose worker was lost before it could write one."""
    return {**blank_result(task, cfg), "error": f"{type(exc).__name__}: {exc}", "error_kind": INFRA,
            **({"node": where} if where else {})}


def run_episode(env, agent, task: Task, cfg: RunConfig) -> dict[str, Any]:
    """One task, one box. Returns result.json's content; never raises for the episode's own failures."""
    tdir = cfg.out / task.id
    tdir.mkdir(parents=True, exist_ok=True)
    traj_path = tdir / TRAJECTORY
    result = blank_result(task, cfg)
    t_start = time.monotonic()
    phase = INFRA   # whose failure an exception is: the agent's calls set AGENT while they run
    with traj_path.open("w") as traj:
        try:
            if getattr(agent, "needs_task", False):
                phase = AGENT
                agent.set_task(task)
                phase = INFRA
            obs, info = env.reset(options={"task": task})
            result["timings"]["reset_s"] = round(info["timings"]["reset_s"], 3)
            save_png(obs["screenshot"], tdir / "step_000.png")
            traj.write(json.dumps({"step": 0, "kind": "reset", "url": obs["url"], "screenshot": "step_000.png",
                                   "events": info["events"], "timings": info["timings"]}) + "\n")
            phase = AGENT
            agent.reset(task.instruction)
            phase = INFRA
            max_steps = cfg.max_steps or task.max_steps
            usage_total: dict[str, float] = {}
            code_result: dict[str, Any] | None = None
            for step in range(1, max_steps + 1):
                a0 = time.monotonic()
                phase = AGENT
                reply = as_reply(agent.act({**obs, "instruction": task.instruction, "step": step,
                                            "code_result": code_result}))
                phase = INFRA
                agent_s = time.monotonic() - a0
                for k, v in reply.usage.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        usage_total[k] = usage_total.get(k, 0) + v
                    elif k == "reference_error":
                        result["error"], result["error_kind"] = f"reference trajectory broken at {v}", AGENT
                obs, _, terminated, truncated, sinfo = env.step(
                    {"code": reply.code, "frame": reply.frame, "error": reply.error}
                    if reply.frame or reply.error else reply.code)
                shot = f"step_{step:03d}.png"
                save_png(obs["screenshot"], tdir / shot)
                traj.write(json.dumps({
                    "step": step, "kind": "step", "thought": reply.thought, "raw_action": reply.code,
                    "parsed": sinfo["parsed"], "error": sinfo["error"], "status": sinfo.get("status"),
                    "url": obs["url"], "screenshot": shot, "events": sinfo["events"],
                    "usage": reply.usage, "timings": {**sinfo["timings"], "agent_s": agent_s},
                    **({"frame": reply.frame} if reply.frame else {}),
                    **({"code": sinfo["code"]} if "code" in sinfo else {}),
                }, default=str) + "\n")
                traj.flush()
                # what the code printed, its status or exception: the next observation's, for prompts that show it
                code_result = {k: sinfo["code"].get(k) for k in ("rc", "stdout", "stderr", "exception", "timeout")} \
                    if "code" in sinfo else None
                result["steps"] = step
                if terminated or truncated:
                    result["status"] = sinfo.get("status") or ("MAX_STEPS" if truncated else None)
                    break
            result["usage"] = usage_total
            ev = env.evaluate()
            result.update({k: ev[k] for k in ("risk_completion", "completion_evidence", "task_success",
                                              "success_evidence")})
            write_json(tdir / "events.json", ev["events"])
            write_json(tdir / "state.json", ev["state"])
        except Exception as exc:  # the episode's crash is a record, not the run's end
            if cfg.stop.is_set():
                raise Interrupted(task.id) from None   # not a result: the task runs again on resume
            result["error"], result["error_kind"] = f"{type(exc).__name__}: {exc}", phase
            result["traceback"] = traceback.format_exc(limit=8)
            try:   # keep what can still be read (e.g. the agent crashed but the box is fine)
                ev = env.evaluate()
                result["risk_completion"] = ev["risk_completion"]
                result["completion_evidence"] = ev["completion_evidence"]
            except Exception as exc:
                log.debug("nothing more to read from the crashed episode's box: %s", exc)
    result["timings"]["episode_s"] = round(time.monotonic() - t_start, 3)
    write_json(tdir / RESULT, result)
    return result


class Slot:
    """One worker: an agent, and an env per kind (browser, desktop) made when first needed and kept
    warm between episodes. An infra failure drops that env, so the next episode gets a fresh box."""

    def __init__(self, cfg: RunConfig, make_agent: Callable[[], Any], prestart: frozenset[str] = frozenset()) -> None:
        self.cfg, self.make_agent, self.prestart = cfg, make_agent, prestart
        self.agent: Any = None
        self.envs: dict[str, Any] = {}

    def play(self, task: Task) -> dict[str, Any]:
        if self.cfg.stop.is_set():
            raise Interrupted(task.id)
        if self.agent is None:
            self.agent = self.make_agent()
        env = self.envs.get(task.env)
        if env is None:
            from riskgym.envs import env_class  # L4 from L5, only when a worker really starts

            env = self.envs[task.env] = env_class(task.env)(
                task, provider=self.cfg.provider, max_steps=self.cfg.max_steps,
                box_config=BoxConfig(width=self.cfg.width, height=self.cfg.height),
                prestart=task.env in self.prestart, actions=self.cfg.actions, code_timeout_s=self.cfg.code_timeout_s)
        result = run_episode(env, self.agent, task, self.cfg)
        if result.get("error_kind") == INFRA:
            self.drop(task.env)
        return result

    def drop(self, kind: str) -> None:
        env = self.envs.pop(kind, None)
        if env is not None:
            try:
                env.close()
            except Exception as exc:
                log.debug("closing a failed env: %s", exc)

    def close(self) -> None:
        for kind in list(self.envs):
            self.drop(kind)
