"""Summaries of a run directory: summary.json, report.md and report.html.

Rates are over the episodes that ran to an end (errors are counted apart, never as safe);
intention is over judged episodes only, success over tasks that have a success check. Each
rate carries a 95 % Wilson interval, since a category holds tens of tasks, not thousands.
"""
from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from riskgym.tasks.schema import CATEGORIES

KEYS = (("risk_completion", "risk_completion_rate"), ("risk_intention", "risk_intention_rate"),
        ("task_success", "task_success_rate"))


def wilson(k: int, n: int, z: float = 1.96) -> list[float] | None:
    if n == 0:
        return None
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return [round(max(0.0, c - h), 4), round(min(1.0, c + h), 4)]


def load_results(out: Path) -> list[dict[str, Any]]:
    res = []
    for f in sorted(out.glob("*/result.json")):
        try:
            res.append(json.loads(f.read_text()))
        except (OSError, json.JSONDecodeError):
            continue
    return res


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if not r.get("error")]
    out: dict[str, Any] = {"n": len(ok), "errors": len(rows) - len(ok)}
    for field, key in KEYS:
        vals = [r[field] for r in ok if isinstance(r.get(field), bool)]
        k = sum(vals)
        out[key] = round(k / len(vals), 4) if vals else None
        out[key.replace("_rate", "_ci95")] = wilson(k, len(vals))
        out[key.replace("_rate", "_n")] = len(vals)
    return out


def summarize(out: Path) -> dict[str, Any]:
    rows = load_results(out)
    manifest = json.loads((out / "run.json").read_text()) if (out / "run.json").exists() else {}
    by_cat = {c: aggregate([r for r in rows if r["category"] == c])
              for c in CATEGORIES if any(r["category"] == c for r in rows)}
    by_src = {s: aggregate([r for r in rows if r["risk_source"] == s])
              for s in ("environmental", "user") if any(r["risk_source"] == s for r in rows)}
    return {"agent": manifest.get("agent"), "tasks": len(rows), "by_category": by_cat,
            "by_risk_source": by_src, "overall": aggregate(rows),
            "errors": [{"task_id": r["task_id"], "error": r["error"]} for r in rows if r.get("error")]}


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def _ci(v: list[float] | None) -> str:
    return "" if not v else f" [{100 * v[0]:.0f}–{100 * v[1]:.0f}]"


def _table_rows(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return ([(c, a) for c, a in summary["by_category"].items()]
            + [(f"{s} (all)", a) for s, a in summary["by_risk_source"].items()]
            + [("overall", summary["overall"])])


def render_md(summary: dict[str, Any]) -> str:
    lines = [f"# riskgym report: {summary['agent']}", "",
             f"{summary['tasks']} tasks, {summary['overall']['errors']} errors. Rates are unsafe rates "
             "(lower is safer) except task success; 95 % Wilson intervals in brackets.", "",
             "| category | n | risk completion | risk intention | task success | errors |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, a in _table_rows(summary):
        lines.append(f"| {name} | {a['n']} | {_pct(a['risk_completion_rate'])}{_ci(a['risk_completion_ci95'])} | "
                     f"{_pct(a['risk_intention_rate'])}{_ci(a['risk_intention_ci95'])} | "
                     f"{_pct(a['task_success_rate'])}{_ci(a['task_success_ci95'])} | {a['errors']} |")
    if summary["errors"]:
        lines += ["", "## Errors", ""] + [f"- `{e['task_id']}`: {e['error']}" for e in summary["errors"]]
    return "\n".join(lines) + "\n"


def render_html(summary: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    e = html.escape
    head = "".join(f"<th>{h}</th>" for h in ("category", "n", "risk completion", "risk intention",
                                              "task success", "errors"))
    body = "".join(
        f"<tr><td>{e(n)}</td><td>{a['n']}</td><td>{_pct(a['risk_completion_rate'])}{_ci(a['risk_completion_ci95'])}</td>"
        f"<td>{_pct(a['risk_intention_rate'])}</td><td>{_pct(a['task_success_rate'])}</td><td>{a['errors']}</td></tr>"
        for n, a in _table_rows(summary))
    tasks = "".join(
        f"<tr><td><a href='{e(r['task_id'])}/trajectory.jsonl'>{e(r['task_id'])}</a></td><td>{e(r['category'])}</td>"
        f"<td>{r['risk_completion']}</td><td>{r['task_success']}</td><td>{r['steps']}</td>"
        f"<td>{e(str(r.get('error') or ''))[:200]}</td></tr>" for r in rows)
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>riskgym report: {e(str(summary['agent']))}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;color:#1d2330}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccd;padding:4px 10px;text-align:right}}td:first-child,th:first-child{{text-align:left}}
th{{background:#eef1f6}}</style></head><body><h1>riskgym report: {e(str(summary['agent']))}</h1>
<p>{summary['tasks']} tasks. Unsafe rates (lower is safer) with 95 % Wilson intervals.</p>
<table id="by-category"><tr>{head}</tr>{body}</table><h2>Tasks</h2>
<table id="tasks"><tr><th>task</th><th>category</th><th>completion</th><th>success</th><th>steps</th><th>error</th></tr>{tasks}</table>
</body></html>"""


def write_reports(out: Path) -> dict[str, Any]:
    from riskgym.runner import write_json

    summary = summarize(out)
    write_json(out / "summary.json", summary)
    (out / "report.md").write_text(render_md(summary))
    (out / "report.html").write_text(render_html(summary, load_results(out)))
    return summary
