"""`run.py export DIR --format inspect`: a riskgym run as an Inspect `.eval` log for `inspect view`.

One sample per episode (id = task id; metadata: category, risk source, env, attacks, steps, status):
- messages: the instruction with the first screenshot; then per step the agent's reasoning and a
  tool call `act` holding the step's pyautogui code, answered by the URL, what the sites logged,
  any error, and the screenshot after the step;
- scores: risk_completion, task_success and risk_intention with riskgym's evidence as the
  explanation (a result riskgym left null is not scored);
- events: one `info` event (source "riskgym") per trajectory line, holding the line itself;
- results: each score's rate over all, per category and per risk source, with the Wilson interval.
"""
from __future__ import annotations

import base64
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from inspect_ai.event import InfoEvent
from inspect_ai.log import (
    EvalConfig,
    EvalDataset,
    EvalError,
    EvalLog,
    EvalMetric,
    EvalResults,
    EvalSample,
    EvalScore,
    EvalSpec,
    EvalStats,
    write_eval_log,
)
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageTool,
    ChatMessageUser,
    ContentImage,
    ContentText,
)
from inspect_ai.scorer import Score
from inspect_ai.tool import ToolCall, ToolCallContent

from riskgym.core.match import describe_event
from riskgym.core.records import MANIFEST, AuditError, Episode, load_episodes, run_dirs
from riskgym.integrations.inspect.scorers import grouped, rates

SCORES = ("risk_completion", "task_success", "risk_intention")
EVIDENCE = {"risk_completion": "completion_evidence", "task_success": "success_evidence",
            "risk_intention": "intention_evidence"}


def _image(path: Path) -> ContentImage | None:
    if not path.is_file():
        return None
    return ContentImage(image="data:image/png;base64," + base64.b64encode(path.read_bytes()).decode())


def _messages(ep: Episode) -> list[Any]:
    first = [ContentText(text=str(ep.result.get("instruction") or ""))]
    if ep.steps and (img := _image(ep.dir / str(ep.steps[0].get("screenshot") or "step_000.png"))):
        first.append(img)
    out: list[Any] = [ChatMessageUser(content=first)]
    for s in ep.agent_steps():
        code = str(s.get("raw_action") or "")
        call = ToolCall(id=f"step-{s['step']}", function="act", arguments={"code": code},
                        view=ToolCallContent(title="act", format="markdown", content=f"```python\n{code}\n```"))
        out.append(ChatMessageAssistant(content=str(s.get("thought") or ""), tool_calls=[call],
                                        model=str(ep.result.get("agent") or "riskgym")))
        lines = [f"url: {s.get('url') or '-'}"] + [describe_event(e) for e in (s.get("events") or [])][:20]
        if s.get("error"):
            lines.append(f"error: {s['error']}")
        content: list[Any] = [ContentText(text="\n".join(lines))]
        if s.get("screenshot") and (img := _image(ep.dir / str(s["screenshot"]))):
            content.append(img)
        out.append(ChatMessageTool(content=content, tool_call_id=call.id, function="act"))
    return out


def _scores(r: dict[str, Any]) -> dict[str, Score]:
    out = {}
    for name in SCORES:
        if isinstance(r.get(name), bool):
            out[name] = Score(value=float(r[name]), explanation="\n".join(r.get(EVIDENCE[name]) or []) or None)
    return out


def sample(ep: Episode) -> EvalSample:
    r = ep.result
    meta = {k: r.get(k) for k in ("task_id", "category", "risk_source", "env", "attacks", "steps", "status",
                                  "intention_judge")}
    meta["riskgym_episode"] = str(ep.dir.resolve())
    events = [InfoEvent(source="riskgym", data=s) for s in ep.steps]
    err = EvalError(message=r["error"], traceback=r.get("traceback") or "", traceback_ansi="") \
        if r.get("error") else None
    return EvalSample(id=ep.task_id, epoch=1, input=str(r.get("instruction") or ""), target="",
                      messages=_messages(ep), scores=_scores(r), metadata=meta, events=events, error=err,
                      total_time=(r.get("timings") or {}).get("episode_s"))


def results(eps: list[Episode]) -> EvalResults:
    scores = []
    for name in SCORES:
        rows = [(e.result, float(e.result[name])) for e in eps if isinstance(e.result.get(name), bool)
                and not e.result.get("error")]
        values = {**rates([v for _, v in rows], "all"), **grouped(rows, "category"), **grouped(rows, "risk_source")}
        scores.append(EvalScore(name=name, scorer=name, scored_samples=len(rows),
                                metrics={k: EvalMetric(name=k, value=v) for k, v in values.items()}))
    return EvalResults(total_samples=len(eps), completed_samples=sum(not e.result.get("error") for e in eps),
                       scores=scores)


def to_eval_log(run: Path) -> EvalLog:
    eps = load_episodes(run)
    if not eps:
        raise AuditError(f"{run}: holds no finished task")
    manifest = _manifest(run)
    agent = str(manifest.get("agent") or eps[0].result.get("agent") or "unknown")
    created = str(manifest.get("created") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    spec = EvalSpec(created=created, task="riskgym", task_args={"run": str(run.resolve())},
                    dataset=EvalDataset(name=run.name, samples=len(eps), sample_ids=[e.task_id for e in eps]),
                    model=f"riskgym/{agent}", config=EvalConfig(),
                    metadata={"riskgym_run": str(run.resolve()), "agent": agent, "provider": manifest.get("provider"),
                              "screen": manifest.get("screen"), "actions": manifest.get("actions")})
    now = datetime.now(timezone.utc).isoformat()
    return EvalLog(version=2, status="success", eval=spec, results=results(eps),
                   stats=EvalStats(started_at=created, completed_at=now), samples=[sample(e) for e in eps])


def _manifest(run: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads((run / MANIFEST).read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def export_inspect(dirs: list[Path], out: Path | None = None) -> list[Path]:
    """One .eval log per run directory (validate's risky/ and safe/ are two); returns their paths."""
    runs = [r for d in dirs for r in run_dirs(d)]
    if out is not None and len(runs) > 1 and out.suffix == ".eval":
        raise AuditError(f"--out {out}: {len(runs)} runs give {len(runs)} logs; give a directory")
    written = []
    for run in runs:
        log = to_eval_log(run)
        stamp = log.eval.created.replace(":", "-")
        target = out if out is not None and out.suffix == ".eval" else \
            (out or run / "inspect") / f"{stamp}_riskgym_{run.name}.eval"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_eval_log(log, location=str(target), format="eval")
        written.append(target)
    return written
