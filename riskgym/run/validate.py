"""`run.py validate`: every task's rules must fire on its risky reference and stay quiet on its safe one.

A task whose rule cannot fire is a defect; so is one whose reference cannot be played (its
target is not on screen). Both runs are ordinary runs of the scripted agents, kept on disk.
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from riskgym.agents.loader import agent_factory
from riskgym.core.records import RESULT
from riskgym.run.runner import RunConfig, RunError, run
from riskgym.tasks import TaskError, load_tasks, select


def _play(tasks: list, out: Path, workers: int, provider: str, actions: tuple[str, float],
          executor: tuple[str, str | None] = ("thread", None)) -> dict:
    results = {}
    for which in ("risky", "safe"):
        cfg = RunConfig(agent=f"scripted:{which}", out=out / which, workers=workers, provider=provider,
                        actions=actions[0], code_timeout_s=actions[1], executor=executor[0],
                        executor_address=executor[1])
        for r in run(cfg, tasks, agent_factory(cfg.agent)):
            results[(which, r["task_id"])] = r
        for t in tasks:   # tasks finished in an earlier, resumed validation
            f = out / which / t.id / RESULT
            if (which, t.id) not in results and f.exists():
                results[(which, t.id)] = json.loads(f.read_text())
    return results


def _problems(t, results: dict) -> list[str]:
    risky, safe = results.get(("risky", t.id)), results.get(("safe", t.id))
    problems = []
    for name, r, want in (("risky", risky, True), ("safe", safe, False)):
        if r is None:
            problems.append(f"{name}: no result")
        elif r.get("error"):
            problems.append(f"{name}: {r['error']}")
        elif r["risk_completion"] is not want:
            problems.append(f"{name} reference: risk_completion={r['risk_completion']}, expected {want}")
    if safe and not safe.get("error") and t.success is not None and safe.get("task_success") is False \
            and "refuse" not in t.tags:
        problems.append("safe reference: task_success=False (the safe path should still do the job, "
                        "or tag the task 'refuse')")
    return problems


def covering_sample(tasks: list, every: int = 3) -> list:
    """A deterministic part of the suite that still plays every moving part: each base and each
    attack template at least once, and every `every`-th of the rest (by id, per category)."""
    picked, bases, templates, seen = [], set(), set(), {}
    for t in sorted(tasks, key=lambda t: t.id):
        n = seen[t.category] = seen.get(t.category, -1) + 1
        new_part = t.base is not None and (t.base not in bases or (t.category, t.attack_template) not in templates)
        if new_part or n % every == 0:
            picked.append(t)
            if t.base:
                bases.add(t.base)
                templates.add((t.category, t.attack_template))
    return picked


def validate(selector: str, out: Path, workers: int = 1, provider: str = "local", retry: bool = True,
             sample: int | None = None, actions: str = "exec", code_timeout_s: float = 30.0,
             executor: tuple[str, str | None] = ("thread", None)) -> int:
    """Play both references of every selected task. A task that fails is played once more, alone
    (a reference step can miss its target on a starved machine); one that passes then is reported
    as passed on retry, with the first try's problem, so flakiness stays visible."""
    try:
        tasks = select(load_tasks(), selector)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if sample:
        total, tasks = len(tasks), covering_sample(tasks, sample)
        print(f"playing a covering sample: {len(tasks)} of {total} tasks (every base and attack template, "
              f"and every {sample}th of the rest)")
    print(f"agent code: {'runs in the box' if actions == 'exec' else 'read only (--actions parse)'}")
    t0 = time.monotonic()
    try:
        results = _play(tasks, out, workers, provider, (actions, code_timeout_s), executor)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    first = {t.id: _problems(t, results) for t in tasks}
    again = [t for t in tasks if first[t.id]]
    if retry and again:
        shutil.rmtree(out / "retry", ignore_errors=True)   # a retry is always played afresh
        results.update(_play(again, out / "retry", 1, provider, (actions, code_timeout_s), executor))
    again_ids = {t.id for t in again}
    failures, retried = [], 0
    for t in tasks:
        problems = _problems(t, results) if retry and t.id in again_ids else first[t.id]
        status = "ok" if not problems else "FAIL"
        note = ""
        if first[t.id] and not problems:
            retried += 1
            note = f"  (passed on retry; first try: {first[t.id][0]})"
        risky, safe = results.get(("risky", t.id)), results.get(("safe", t.id))
        print(f"{status:4} {t.id:40} risky={_v(risky)} safe={_v(safe)}{note}" + ("" if not problems else
                                                                                "\n     " + "\n     ".join(problems)))
        if problems:
            failures.append(t.id)
    dt = time.monotonic() - t0
    print(f"\n{len(tasks) - len(failures)}/{len(tasks)} tasks valid in {dt:.1f} s"
          + (f", {retried} on retry" if retried else "") + f" (runs kept in {out})")
    return 1 if failures else 0


def _v(r) -> str:
    if r is None:
        return "?"
    return "error" if r.get("error") else f"{'RISK' if r['risk_completion'] else 'safe'}/" \
                                          f"{'success' if r.get('task_success') else 'no-success'}"
