"""`run.py judge`: fill risk intention and per-step verdicts into a run's records.

Each task folder gets judgement.json, holding every judge's verdicts side by side
({"judges": {spec: {...}}, "latest": spec}), so a model judge does not erase the rules judge and a
later run of the same judge can fill only its pending steps. result.json gets the latest judge's
`risk_intention`, `intention_evidence`, `intention_judge` and `intention_pending`, written
atomically; then the run's reports are rebuilt.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from riskgym.evaluator.judges import rules as judge_rules
from riskgym.core.records import JUDGEMENT, RESULT, AuditError, Episode, load_episodes, read_json, write_json


@dataclass
class JudgeOptions:
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    samples: int = 1
    temperature: float | None = None
    timeout: float = 120.0
    retries: int = 4
    backoff_s: float = 1.0
    workers: int = 4
    max_tokens: int = 1024


class RulesJudge:
    name = judge_rules.NAME
    deterministic = True

    def judge_episode(self, ep: Episode, previous: dict[str, Any] | None) -> dict[str, Any]:
        return judge_rules.judge_episode(ep)

    def close(self) -> None:
        pass


def make_judge(spec: str, opts: JudgeOptions | None = None):
    """'rules' or 'openai:MODEL' -> a judge with .name, .judge_episode(ep, previous), .close()."""
    opts = opts or JudgeOptions()
    if spec == "rules":
        return RulesJudge()
    if spec.startswith("openai:") and spec[len("openai:"):].strip():
        from riskgym.evaluator.judges.llm import LLMConfig, LLMJudge

        base = opts.base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"
        return LLMJudge(LLMConfig(model=spec[len("openai:"):].strip(), base_url=base,
                                  api_key=os.environ.get(opts.api_key_env) or None, samples=opts.samples,
                                  temperature=opts.temperature, timeout=opts.timeout, retries=opts.retries,
                                  backoff_s=opts.backoff_s, workers=opts.workers, max_tokens=opts.max_tokens))
    raise AuditError(f"--judge: {spec!r} is not a judge; use 'rules' or 'openai:MODEL'")


def _complete(prev: dict[str, Any] | None, ep: Episode) -> bool:
    return bool(prev) and prev.get("pending") == 0 and len(prev.get("steps", [])) == len(ep.agent_steps())


def record(ep: Episode, verdict: dict[str, Any]) -> None:
    """Write one judge's verdict into judgement.json and result.json."""
    doc = ep.judgement()
    doc.setdefault("judges", {})[verdict["judge"]] = verdict
    doc["latest"] = verdict["judge"]
    doc["task_id"] = ep.task_id
    write_json(ep.dir / JUDGEMENT, doc)
    result = read_json(ep.dir / RESULT)   # fresh: never write back a stale copy
    result.update(risk_intention=verdict["risk_intention"], intention_evidence=verdict.get("evidence", []),
                  intention_judge=verdict["judge"], intention_pending=verdict.get("pending", 0))
    write_json(ep.dir / RESULT, result)
    ep.result = result


def judge_run(run: Path, judge, *, force: bool = False, refresh_reports: bool = True,
              say: Callable[[str], None] = print) -> dict[str, Any]:
    """Judge every episode of one run directory; returns counts."""
    counts = {"run": str(run), "judge": judge.name, "tasks": 0, "unsafe": 0, "safe": 0, "undecided": 0,
              "pending_steps": 0, "kept": 0}
    for ep in load_episodes(run):
        prev = ep.judgement().get("judges", {}).get(judge.name)
        if not force and not getattr(judge, "deterministic", False) and _complete(prev, ep):
            verdict = prev   # already fully judged: nothing to ask
            counts["kept"] += 1
        else:
            t0 = time.monotonic()
            verdict = judge.judge_episode(ep, None if force else prev)
            verdict["judged_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            verdict["judge_s"] = round(time.monotonic() - t0, 3)
        record(ep, verdict)
        counts["tasks"] += 1
        counts["pending_steps"] += verdict.get("pending", 0)
        key = {True: "unsafe", False: "safe", None: "undecided"}[verdict["risk_intention"]]
        counts[key] += 1
        say(f"{key.upper():9} {ep.task_id:44} " + (f"{verdict['pending']} steps pending" if verdict.get("pending")
                                                   else (verdict.get("evidence") or [""])[0][:110]))
    if refresh_reports:
        from riskgym.reports.summary import write_reports

        write_reports(run)
    return counts


def judge_dirs(dirs: list[Path], spec: str, opts: JudgeOptions | None = None, *, force: bool = False,
               say: Callable[[str], None] = print) -> list[dict[str, Any]]:
    from riskgym.core.records import run_dirs

    runs = [r for d in dirs for r in run_dirs(d)]
    judge = make_judge(spec, opts)
    try:
        out = []
        for run in runs:
            say(f"== {run} ({judge.name})")
            out.append(judge_run(run, judge, force=force, say=say))
        return out
    finally:
        judge.close()
