"""The run loop: tasks x agent -> episodes in boxes (run/episode.py, on an executor) -> records on disk.

Only the host that runs this loop writes the run's folder. Each task's result.json is written last
and atomically, so a task is done exactly when its result.json exists: an interrupted run resumes by
skipping those. An episode that crashes is recorded with its error and the run goes on; one that
failed for the infrastructure (its box, worker or node was lost) runs again, at most
cfg.infra_retries more times and elsewhere where it can, and its result keeps the attempts.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any, Callable

from riskgym.core.records import MANIFEST, RESULT, write_json
from riskgym.run.config import INFRA, Interrupted, RunConfig, RunError  # noqa: F401  (RunError: the CLI's)
from riskgym.run.episode import infra_result
from riskgym.run.executors import make_executor
from riskgym.tasks import Task

log = logging.getLogger(__name__)


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


def run(cfg: RunConfig, tasks: list[Task], make_agent: Callable[[], Any],
        on_result: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    cfg.out.mkdir(parents=True, exist_ok=True)
    check_manifest(cfg)
    todo = pending_tasks(tasks, cfg.out, cfg.retry_errors)
    # a worker starts its next box in the background only when more tasks of that kind will come
    prestart = frozenset(k for k in {t.env for t in todo} if sum(t.env == k for t in todo) > 1)
    results: list[dict[str, Any]] = []
    bar = None
    pool = make_executor(cfg).start(cfg, make_agent, prestart) if todo else None
    if pool is None:
        return results
    if cfg.progress:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), desc=cfg.agent, unit="task")
    attempts: dict[str, list[dict[str, Any]]] = {}
    try:
        for t in todo:
            pool.submit(t)
        while pool.pending:
            task, res, where = pool.next_done()
            if isinstance(res, Interrupted):
                continue
            if isinstance(res, BaseException):   # the worker itself was lost: nothing was recorded
                log.warning("%s: worker lost (%s: %s)", task.id, type(res).__name__, res)
                res = infra_result(task, cfg, res, where)
            if res.get("error_kind") == INFRA and len(attempts.get(task.id, [])) < cfg.infra_retries \
                    and not cfg.stop.is_set():
                attempts.setdefault(task.id, []).append(
                    {"error": res["error"], "error_kind": INFRA, **({"node": where} if where else {})})
                (cfg.out / task.id / RESULT).unlink(missing_ok=True)   # not done: it runs again, here or on resume
                pool.submit(task, avoid=where)
                continue
            if task.id in attempts or not (cfg.out / task.id / RESULT).exists():
                res["attempts"] = attempts.get(task.id, [])
                write_json(cfg.out / task.id / RESULT, res)
            results.append(res)
            if on_result:
                on_result(res)
            if bar:
                bar.set_postfix_str(f"{res['task_id']}: {'ERROR' if res['error'] else 'ok'}")
                bar.update(1)
    except KeyboardInterrupt:
        # Stop at once: running episodes lose their box and are not recorded, so they run on resume.
        cfg.stop.set()
        pool.cancel()
        raise
    finally:
        if cfg.stop.is_set():
            pool.end_running()
        pool.close()   # waits for the episodes still running
        if bar:
            bar.close()
    return results
