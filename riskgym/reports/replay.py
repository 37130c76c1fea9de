"""`run.py replay DIR/TASK_ID`: a self-contained HTML viewer of one trajectory, and `--execute`,
which plays the recorded actions again in a fresh box and checks that the outcome is the same.

The viewer shows, for each step, the screenshot the agent saw when it chose the step with the
step's actions drawn on it (click points numbered in order, drags as arrows, scrolls, typed text,
keys), the screenshot after it, the agent's reasoning and code, the events and every judge's
verdict.

Two forms, one page: `replay` writes a self-contained file (screenshots embedded as data: URIs,
so it can be mailed or archived alone); the reports write a linked one for every task (it loads
step_NNN.png from its own folder: a few KB instead of a second copy of every screenshot). A
refresh keeps whichever form a file has.
"""
from __future__ import annotations

import base64
import html
import json
import time
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

from riskgym.core.match import describe_event
from riskgym.core.records import (
    JUDGEMENT,
    MANIFEST,
    RESULT,
    TRAJECTORY,
    AuditError,
    Episode,
    episode_dirs,
    load_episode,
    read_json,
    write_json,
)
from riskgym.reports.replay_assets import SCRIPT, STYLE
from riskgym.tasks import find_task

REPLAY = "replay.html"
CHECK = "replay_check.json"
CSP = "default-src 'none'; img-src data: {self}; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
EMBEDDED = '<meta name="riskgym-replay" content="embedded">'

WORST = {"unsafe": 3, "pending": 2, "safe": 1}


def _actions_mode(ep: Episode) -> str:
    """How the run treated agent code; runs from before `--actions exec` existed only parsed it."""
    try:
        return str(read_json(ep.run / MANIFEST).get("actions") or "parse")
    except AuditError:
        return "exec"


def _screen(ep: Episode) -> list[int]:
    try:
        screen = read_json(ep.run / MANIFEST).get("screen")
        if isinstance(screen, list) and len(screen) == 2:
            return [int(screen[0]), int(screen[1])]
    except (AuditError, ValueError, TypeError):
        pass
    return [1280, 720]


def _shot(ep: Episode, name: Any, embed: bool) -> str | None:
    f = ep.dir / str(name) if name else None
    if f is None or not f.is_file() or f.parent != ep.dir:
        return None
    if not embed:
        return quote(f.name)
    return "data:image/png;base64," + base64.b64encode(f.read_bytes()).decode("ascii")


def replay_data(ep: Episode, embed: bool = True) -> dict[str, Any]:
    judges = ep.judgement().get("judges", {})
    per_step: dict[int, dict[str, Any]] = {}
    for name, j in judges.items():
        for v in j.get("steps", []):
            per_step.setdefault(v["step"], {})[name] = {"status": v.get("status"), "severity": v.get("severity"),
                                                        "evidence": v.get("evidence") or v.get("pending_reason", "")}
    steps = []
    for i, s in enumerate(ep.steps):
        verdicts = per_step.get(i, {})
        worst = max((v["status"] for v in verdicts.values()), key=lambda st: WORST.get(st, 0), default="")
        steps.append({"n": i, "thought": s.get("thought"), "raw_action": s.get("raw_action"),
                      "parsed": s.get("parsed") or [], "error": s.get("error"), "status": s.get("status"),
                      "code": s.get("code"),
                      "url_before": ep.url_before(i) if i else None, "url": s.get("url"),
                      "events": [describe_event(e) + (" [look-alike]" if e.get("lookalike") else "")
                                 for e in s.get("events") or []],
                      "verdicts": verdicts, "worst": worst})
    task = find_task(ep.task_id)
    return {"task_id": ep.task_id, "screen": _screen(ep),
            "shots": [_shot(ep, s.get("screenshot"), embed) for s in ep.steps],
            "steps": steps, "result": ep.result,
            "rubric": task.intention_rubric if task else None, "safe_behavior": task.safe_behavior if task else None,
            "task_findings": [f for j in judges.values() for f in j.get("task_findings", [])]}


def _badge(label: str, value: Any, bad_when: bool) -> str:
    cls = "" if value is None else ("bad" if value is bad_when else "good")
    text = "—" if value is None else ("yes" if value else "no")
    return f"<span class='{cls}'>{html.escape(label)}: {text}</span>"


def render(ep: Episode, embed: bool = True) -> str:
    data = replay_data(ep, embed)
    r, e = ep.result, html.escape
    # The JSON sits in a script element: '</' and '<!--' must not end or comment it out.
    blob = json.dumps(data, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")
    findings = "".join(f"<span class='bad'>{e(f['detector'])}: {e(f['evidence'][:160])}</span>"
                       for f in data["task_findings"])
    extra = "".join(f"<div class='instr'><b>{e(k)}:</b> {e(str(v))}</div>" for k, v in
                    (("Unsafe if", data["rubric"]), ("Safe behaviour", data["safe_behavior"])) if v)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP.format(self='' if embed else "'self' file:")}">
{EMBEDDED if embed else ''}
<title>replay: {e(ep.task_id)}</title><style>{STYLE}</style></head><body>
<header><h1>{e(ep.task_id)} <span class="muted">({e(str(r.get('category')))}, agent {e(str(r.get('agent')))})</span></h1>
<div class="instr">{e(str(r.get('instruction') or ''))}</div>{extra}
<div class="badges">{_badge('risk completion', r.get('risk_completion'), True)}{_badge('risk intention', r.get('risk_intention'), True)}
{_badge('task success', r.get('task_success'), False)}<span>status: {e(str(r.get('status')))}</span>
<span>steps: {e(str(r.get('steps')))}</span>{f"<span class='bad'>error: {e(str(r.get('error'))[:200])}</span>" if r.get('error') else ''}
{findings}</div></header>
<main><section><div class="nav"><button id="prev">◀ prev</button><button id="next">next ▶</button>
<button id="toggle">before / after</button><span id="where"></span></div>
<div class="stage"><img id="shot" alt="screenshot"><svg id="overlay" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="steplist"></div><div class="kbd">Keys: ← → (or j k) step, Home / End, a: before/after.</div></section>
<aside class="panel" id="panel"></aside></main>
<script type="application/json" id="replay-data">{blob}</script><script>{SCRIPT}</script></body></html>"""


def write_replay(tdir: Path, out: Path | None = None, embed: bool = True) -> Path:
    ep = load_episode(tdir)
    out = Path(out or ep.dir / REPLAY)
    if not embed and out.parent.resolve() != ep.dir.resolve():
        raise AuditError(f"{out}: a linked replay must sit in its task folder {ep.dir} (or embed the screenshots)")
    out.write_text(render(ep, embed))
    return out


def refresh_replays(run: Path, mode: str = "link") -> int:
    """(Re)write replay.html of each task whose records are newer than it, keeping an embedded file
    embedded; new ones are written in `mode` ('link' or 'embed'). Returns how many were written."""
    n = 0
    for tdir in episode_dirs(run):
        target = tdir / REPLAY
        sources = [tdir / f for f in (TRAJECTORY, RESULT, JUDGEMENT) if (tdir / f).exists()]
        embed = mode == "embed"
        if target.exists():
            if all(s.stat().st_mtime <= target.stat().st_mtime for s in sources):
                continue
            with target.open() as f:
                embed = embed or EMBEDDED in f.read(2000)
        try:
            write_replay(tdir, embed=embed)
            n += 1
        except AuditError:
            continue   # a broken task folder does not stop the report; `replay` names the problem
    return n


def _signature(events: list[dict[str, Any]]) -> list[tuple]:
    keys = ("type", "host", "method", "path", "attack", "action")
    return [tuple(e.get(k) for k in keys) for e in events]


def execute(tdir: Path, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Play the recorded raw actions in a fresh box; compare risk completion and task success."""
    from riskgym.box import BoxConfig
    from riskgym.envs import env_class

    ep = load_episode(tdir)
    task = find_task(ep.task_id)
    if task is None:
        raise AuditError(f"{tdir}: task {ep.task_id!r} is not among the tasks of this checkout")
    w, h = _screen(ep)
    steps = ep.agent_steps()
    env = env_class(task.env)(task, prestart=False, box_config=BoxConfig(width=w, height=h),
                              max_steps=max(task.max_steps, len(steps)), actions=_actions_mode(ep))
    diffs: list[dict[str, Any]] = []
    t0 = time.monotonic()
    try:
        obs, info = env.reset(options={"task": task.id})
        if ep.steps and (ep.steps[0].get("url") or "") != (obs.get("url") or ""):
            diffs.append({"step": 0, "what": "url", "recorded": ep.steps[0].get("url"), "replayed": obs.get("url")})
        for s in steps:
            obs, _, terminated, truncated, sinfo = env.step({"code": str(s.get("raw_action") or ""),
                                                             "frame": s.get("frame"),
                                                             "error": (s.get("usage") or {}).get("parse_error")})
            for what, rec, rep in (("url", s.get("url") or "", obs.get("url") or ""),
                                   ("events", _signature(s.get("events") or []), _signature(sinfo.get("events") or [])),
                                   ("error", s.get("error"), sinfo.get("error")),
                                   ("status", s.get("status"), sinfo.get("status"))):
                if rec != rep:
                    diffs.append({"step": s["step"], "what": what, "recorded": rec, "replayed": rep})
            if (terminated or truncated) and s is not steps[-1]:
                diffs.append({"step": s["step"], "what": "ended early", "recorded": None, "replayed": "terminated"})
                break
        ev = env.evaluate()
    finally:
        env.close()
    outcome = {k: {"recorded": ep.result.get(k), "replayed": ev[k]} for k in ("risk_completion", "task_success")}
    same = all(v["recorded"] == v["replayed"] for v in outcome.values())
    report = {"task_id": ep.task_id, "same_outcome": same, "outcome": outcome, "step_differences": diffs,
              "completion_evidence": ev["completion_evidence"], "success_evidence": ev["success_evidence"],
              "replay_s": round(time.monotonic() - t0, 3),
              "checked_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write_json(ep.dir / CHECK, report)
    for k, v in outcome.items():
        say(f"{k:16} recorded={v['recorded']!s:6} replayed={v['replayed']!s:6} "
            f"{'same' if v['recorded'] == v['replayed'] else 'DIFFERENT'}")
    for d in diffs[:20]:
        say(f"  step {d['step']}: {d['what']} differs: recorded {str(d['recorded'])[:150]} / "
            f"replayed {str(d['replayed'])[:150]}")
    say(("same outcome" if same else "DIFFERENT outcome") + f" ({len(diffs)} step differences; {ep.dir / CHECK})")
    return report
