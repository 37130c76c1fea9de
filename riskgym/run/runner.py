"""The run loop: tasks x agent -> episodes in boxes -> records on disk -> evaluation.

Only the host writes records. Each task's result.json is written last and atomically, so a
task is done exactly when its result.json exists: an interrupted run resumes by skipping those.
An episode that crashes (agent exception, box failure, timeout) is recorded with its error
and the run goes on.
"""
from __future__ import annotations

import json
import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from PIL import Image

from riskgym.agents.base import as_reply
from riskgym.box import BoxConfig
from riskgym.core.records import MANIFEST, RESULT, TRAJECTORY, write_json
from riskgym.run.executors import EXECUTORS
from riskgym.tasks import Task

log = logging.getLogger(__name__)


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
    actions: str = "exec"                # agent code runs in the box (exec) or is only read (parse)
    code_timeout_s: float = 30.0         # exec: one step's code is stopped after this
    stop: threading.Event = field(default_factory=threading.Event)   # set on Ctrl-C


def save_png(array, path: Path) -> None:
    Image.fromarray(array).save(path, compress_level=1)   # fast; screenshots compress well anyway


def pending_tasks(tasks: list[Task], out: Path, retry_errors: bool) -> list[Task]:
    todo = []
    for t in tasks:
        f = out / t.id / RESULT
        if f.exists():
            try:
                if not (retry_errors and json.loads(f.read_text()).get("error")):
                    continue
            except (OSError, json.JSONDecodeError):
                pass   # unreadable result: run the task again
        todo.append(t)
    return todo


def check_manifest(cfg: RunConfig, write: bool = True) -> None:
    """A run directory belongs to one agent: resuming with another would mix two runs."""
    f = cfg.out / MANIFEST
    if f.exists():
        try:
            prev = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise RunError(f"{f}: not a readable run manifest ({exc}); choose another --out") from None
        if prev.get("agent") != cfg.agent:
            raise RunError(f"{cfg.out}: holds a run of agent {prev.get('agent')!r}, not {cfg.agent!r}; "
                           "choose another --out")
        if prev.get("actions", "parse") != cfg.actions:   # runs before the exec mode only parsed
            raise RunError(f"{cfg.out}: holds a run with --actions {prev.get('actions', 'parse')}, not "
                           f"{cfg.actions}; resume it with the same --actions, or choose another --out")
    elif write:
        write_json(f, {"agent": cfg.agent, "provider": cfg.provider, "screen": [cfg.width, cfg.height],
                       "actions": cfg.actions,
                       "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def attack_kinds(task: Task) -> list[str]:
    """What attacked in this task, as the report groups it: kind, or kind:design for overlays."""
    return sorted({f"{a.kind}:{a.design}" if getattr(a, "design", None) else a.kind for a in task.attacks})


def run_episode(env, agent, task: Task, cfg: RunConfig) -> dict[str, Any]:
    """One task, one box. Returns result.json's content; never raises for the episode's own failures."""
    tdir = cfg.out / task.id
    tdir.mkdir(parents=True, exist_ok=True)
    traj_path = tdir / TRAJECTORY
    result: dict[str, Any] = {
        "task_id": task.id, "category": task.category, "risk_source": task.risk_source, "env": task.env,
        "instruction": task.instruction, "agent": cfg.agent, "risk_completion": False,
        "risk_intention": None, "task_success": None, "steps": 0, "status": None, "error": None,
        "completion_evidence": [], "success_evidence": [], "usage": {}, "timings": {},
        "attacks": attack_kinds(task), **({"base": task.base, "attack": task.attack_template} if task.base else {}),
    }
    t_start = time.monotonic()
    with traj_path.open("w") as traj:
        try:
            if getattr(agent, "needs_task", False):
                agent.set_task(task)
            obs, info = env.reset(options={"task": task})
            result["timings"]["reset_s"] = round(info["timings"]["reset_s"], 3)
            save_png(obs["screenshot"], tdir / "step_000.png")
            traj.write(json.dumps({"step": 0, "kind": "reset", "url": obs["url"], "screenshot": "step_000.png",
                                   "events": info["events"], "timings": info["timings"]}) + "\n")
            agent.reset(task.instruction)
            max_steps = cfg.max_steps or task.max_steps
            usage_total: dict[str, float] = {}
            code_result: dict[str, Any] | None = None
            for step in range(1, max_steps + 1):
                a0 = time.monotonic()
                reply = as_reply(agent.act({**obs, "instruction": task.instruction, "step": step,
                                            "code_result": code_result}))
                agent_s = time.monotonic() - a0
                for k, v in reply.usage.items():
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        usage_total[k] = usage_total.get(k, 0) + v
                    elif k == "reference_error":
                        result["error"] = f"reference trajectory broken at {v}"
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
            result["error"] = f"{type(exc).__name__}: {exc}"
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


def run(cfg: RunConfig, tasks: list[Task], make_agent: Callable[[], Any],
        on_result: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    from riskgym.envs import env_class
    from riskgym.envs.base import RiskEnv

    cfg.out.mkdir(parents=True, exist_ok=True)
    check_manifest(cfg)
    todo = pending_tasks(tasks, cfg.out, cfg.retry_errors)
    local = threading.local()
    envs: list[RiskEnv] = []
    lock = threading.Lock()

    def worker(task: Task) -> dict[str, Any]:
        if cfg.stop.is_set():
            raise Interrupted(task.id)
        if not hasattr(local, "envs"):
            local.envs, local.agent = {}, make_agent()
        if task.env not in local.envs:   # one env per worker per kind (browser, desktop), made when needed
            same_kind = sum(t.env == task.env for t in todo)
            env = env_class(task.env)(task, provider=cfg.provider, max_steps=cfg.max_steps,
                                      box_config=BoxConfig(width=cfg.width, height=cfg.height),
                                      prestart=same_kind > 1, actions=cfg.actions,
                                      code_timeout_s=cfg.code_timeout_s)
            with lock:
                envs.append(env)
            local.envs[task.env] = env
        return run_episode(local.envs[task.env], local.agent, task, cfg)

    results: list[dict[str, Any]] = []
    bar = None
    if cfg.progress and todo:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), desc=cfg.agent, unit="task")
    running = None
    try:   # from the first episode's start: a Ctrl-C at any moment after it stops every episode
        running = EXECUTORS[cfg.executor](cfg.workers).start(worker, todo)
        for _task, fut in running.finished():
            try:
                res = fut.result()
            except Interrupted:
                continue
            results.append(res)
            if on_result:
                on_result(res)
            if bar:
                bar.set_postfix_str(f"{res['task_id']}: {'ERROR' if res['error'] else 'ok'}")
                bar.update(1)
    except KeyboardInterrupt:
        # Stop at once: running episodes lose their box and are not recorded, so they run on resume.
        cfg.stop.set()
        if running:
            running.cancel()
        raise
    finally:
        if cfg.stop.is_set():
            with lock:
                for env in envs:
                    env.close()
        if running:
            running.close()   # waits for the episodes still running
        if bar:
            bar.close()
        for env in envs:
            env.close()
    return results
