"""`run.py export DIR --format preference`: (screen, safe action, risky action) records for alignment.

A preference pair is only meaningful when both actions answer the same situation. So a record is
made where two trajectories of the same task share every action before a step and then part:

- from a validate run (DIR/risky and DIR/safe): the first step where the risky and the safe
  reference act differently; the references are authored to differ at the risky choice;
- from two judged runs (DIR_A DIR_B): on each task where one run is unsafe (intention or
  completion) and the other safe, the first step where they part, if that step is the unsafe
  run's first unsafe step (by the latest judge's verdicts); otherwise the two actions answer
  different screens and the task is skipped, and counted.

Each JSONL record holds the instruction, the screenshot both agents saw (a path, or base64 with
--images base64), the history of actions before it, `chosen` (safe) and `rejected` (risky), each with
thought, raw action and parsed actions, and where it came from.
"""
from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Callable

from riskgym.core.records import AuditError, Episode, episode_dirs, load_episode
from riskgym.tasks import find_task

FORMATS = ("preference",)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a.get("parsed"), a.get("raw_action")) == (b.get("parsed"), b.get("raw_action"))


def parting_step(a: Episode, b: Episode) -> int | None:
    sa, sb = a.agent_steps(), b.agent_steps()
    for i in range(min(len(sa), len(sb))):
        if not _same(sa[i], sb[i]):
            return sa[i]["step"]
    return None


def _unsafe(ep: Episode) -> bool | None:
    if ep.result.get("error"):
        return None
    if ep.result.get("risk_completion") is True or ep.result.get("risk_intention") is True:
        return True
    if ep.result.get("risk_intention") is False:
        return False
    return None   # not judged: cannot tell safe from unsafe


def _first_unsafe_step(ep: Episode) -> int | None:
    doc = ep.judgement()
    verdict = doc.get("judges", {}).get(doc.get("latest") or "", {})
    steps = [v["step"] for v in verdict.get("steps", []) if v.get("status") == "unsafe"]
    return min(steps) if steps else None


def _side(ep: Episode, n: int) -> dict[str, Any]:
    s = ep.steps[n]
    return {"thought": s.get("thought") or "", "action": s.get("raw_action") or "", "parsed": s.get("parsed") or [],
            "run": str(ep.run), "agent": ep.result.get("agent")}


def record(safe: Episode, risky: Episode, n: int, images: str) -> dict[str, Any] | None:
    shot = risky.screenshot_before(n) or safe.screenshot_before(n)
    if shot is None:
        return None
    data = shot.read_bytes()
    task = find_task(risky.task_id)
    return {
        "task_id": risky.task_id, "category": risky.result.get("category"),
        "risk_source": risky.result.get("risk_source"),
        "instruction": risky.result.get("instruction"), "step": n, "url": risky.url_before(n),
        "history": [s.get("raw_action") or "" for s in risky.steps[1:n]],
        "screenshot": ("data:image/png;base64," + base64.b64encode(data).decode()) if images == "base64"
        else str(shot.resolve()),
        "screenshot_sha256": hashlib.sha256(data).hexdigest(),
        "chosen": _side(safe, n), "rejected": _side(risky, n),
        "rubric": task.intention_rubric if task else None,
    }


def pairs_from_validate(root: Path) -> list[tuple[Episode, Episode, int | None, str | None]]:
    risky = {d.name: d for d in episode_dirs(root / "risky")}
    safe = {d.name: d for d in episode_dirs(root / "safe")}
    out = []
    for tid in sorted(set(risky) & set(safe)):
        r, s = load_episode(risky[tid]), load_episode(safe[tid])
        if r.result.get("error") or s.result.get("error"):
            out.append((s, r, None, "a reference run errored"))
        else:
            n = parting_step(r, s)
            out.append((s, r, n, None if n else "the references never part"))
    return out


def pairs_from_runs(a_dir: Path, b_dir: Path) -> list[tuple[Episode, Episode, int | None, str | None]]:
    a = {d.name: d for d in episode_dirs(a_dir)}
    b = {d.name: d for d in episode_dirs(b_dir)}
    out = []
    for tid in sorted(set(a) & set(b)):
        ea, eb = load_episode(a[tid]), load_episode(b[tid])
        ua, ub = _unsafe(ea), _unsafe(eb)
        if ua is None or ub is None or ua == ub:
            why = "not judged or errored" if ua is None or ub is None else "both runs " + ("unsafe" if ua else "safe")
            out.append((ea, eb, None, why))
            continue
        safe, risky = (eb, ea) if ua else (ea, eb)
        n = parting_step(risky, safe)
        first = _first_unsafe_step(risky)
        if n is None or first is None or n != first:
            out.append((safe, risky, None, f"the runs part at step {n}, the unsafe run's first unsafe step is {first}"))
        else:
            out.append((safe, risky, n, None))
    return out


def export(dirs: list[Path], out: Path, fmt: str = "preference", images: str = "path",
           say: Callable[[str], None] = print) -> dict[str, Any]:
    if fmt not in FORMATS:
        raise AuditError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if images not in ("path", "base64"):
        raise AuditError(f"--images: {images!r} is not 'path' or 'base64'")
    dirs = [Path(d) for d in dirs]
    if len(dirs) == 1 and (dirs[0] / "risky").is_dir() and (dirs[0] / "safe").is_dir():
        pairs = pairs_from_validate(dirs[0])
    elif len(dirs) == 2:
        pairs = pairs_from_runs(*dirs)
    else:
        raise AuditError("export takes a validate run directory (with risky/ and safe/) or two judged runs")
    written, skipped = 0, []
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w") as f:
        for safe, risky, n, why in pairs:
            rec = record(safe, risky, n, images) if n else None
            if rec is None:
                skipped.append({"task_id": risky.task_id, "why": why or "no screenshot before the step"})
                continue
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += 1
    say(f"{written} preference records in {out}" + (f"; {len(skipped)} tasks skipped" if skipped else ""))
    for s in skipped:
        say(f"  skipped {s['task_id']}: {s['why']}")
    return {"file": str(out), "records": written, "skipped": skipped}
