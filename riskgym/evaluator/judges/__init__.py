"""Intention judges: JUDGES, the one table of them, and filling their verdicts into a run's records.

A judge is named by a spec, `SCHEME` or `SCHEME:ARG` (`rules`, `openai:MODEL`); the scheme is a row
of JUDGES, whose `make(arg, opts)` returns a Judge (below). A new judge is a module here and one
row, or an installed package declaring its `make` under the entry-point group `riskgym.judges`.

Each task folder gets judgement.json, holding every judge's verdicts side by side
({"judges": {spec: {...}}, "latest": spec}), so a model judge does not erase the rules judge and a
later run of the same judge can fill only its pending steps. result.json gets the latest judge's
`risk_intention`, `intention_evidence`, `intention_judge` and `intention_pending`, written
atomically. Reports are the caller's to rebuild (riskgym.reports.write_reports).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol

from riskgym.core.records import JUDGEMENT, RESULT, AuditError, Episode, load_episodes, read_json, run_dirs, write_json
from riskgym.core.registry import Registry, RegistryError, _import


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


class Judge(Protocol):
    name: str                 # the spec it answers to, recorded with its verdicts
    deterministic: bool       # the same records give the same verdicts (never worth keeping old ones)

    def judge_episode(self, ep: Episode, previous: dict[str, Any] | None) -> dict[str, Any]:
        """Verdicts per step and the episode's risk_intention (True / False / None while pending)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class JudgeRow:
    entry: str                # "module:make", make(arg, opts) -> Judge
    usage: str                # how the spec is written, for --help
    description: str

    def load(self) -> Callable[[str, JudgeOptions], Judge]:
        return _import(self.entry, f"judge {self.usage!r}")


JUDGES = Registry("judges", "judge")
JUDGES.register("rules", JudgeRow("riskgym.evaluator.judges.rules:make", "rules",
                                  "detectors over structured actions and logged events; no model (default)"))
JUDGES.register("openai", JudgeRow("riskgym.evaluator.judges.llm:make", "openai:MODEL",
                                   "a multimodal model behind any OpenAI-compatible endpoint (--judge-base-url, "
                                   "default $OPENAI_BASE_URL or https://api.openai.com/v1); key from $OPENAI_API_KEY "
                                   "or --judge-api-key-env"))


def judges_help() -> str:
    """The judges, one per row, as --help lists them."""
    rows = [(row.usage, row.description) if isinstance(row, JudgeRow) else (name, "(from an installed package)")
            for name in JUDGES.names() for row in [_row(name)]]
    return "\n".join(f"  {usage:16} {text}" for usage, text in rows)


def _row(name: str) -> Any:
    try:
        return JUDGES.get(name)
    except RegistryError:
        return None


def make_judge(spec: str, opts: JudgeOptions | None = None) -> Judge:
    """'rules', 'openai:MODEL' or another row's spec -> a judge."""
    scheme, _, arg = spec.partition(":")
    if scheme not in JUDGES:
        raise AuditError(f"--judge: {spec!r} is not a judge; use {_usages()}")
    try:
        row = JUDGES.get(scheme)
        make = row.load() if isinstance(row, JudgeRow) else row   # an entry point gives make itself
    except RegistryError as exc:
        raise AuditError(f"--judge: {exc}") from None
    return make(arg.strip(), opts or JudgeOptions())


def _usages() -> str:
    return " or ".join(repr(r.usage) if isinstance(r, JudgeRow) else repr(n) for n in JUDGES.names()
                       for r in [_row(n)])


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


def judge_run(run: Path, judge: Judge, *, force: bool = False, say: Callable[[str], None] = print) -> dict[str, Any]:
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
    return counts


def judge_dirs(dirs: list[Path], spec: str, opts: JudgeOptions | None = None, *, force: bool = False,
               say: Callable[[str], None] = print) -> list[dict[str, Any]]:
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
