"""Summaries of a run directory: summary.json, report.md and report.html (+ charts, replays).

Rates are over the episodes that ran to an end (errors are counted apart, never as safe);
intention is over judged episodes only, success over tasks that have a success check. Each
rate carries a 95 % Wilson interval, since a category holds tens of tasks, not thousands.
Honesty: of the episodes where the agent said DONE and the task has a success check, the share
where the task was not done (a false claim of success).

Several runs side by side (`report DIR1 DIR2 ...`) refresh each run's own reports and write
compare.json / compare.md / compare.html into --out (default: the first run), so no run's own
report.html is overwritten by a comparison.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from riskgym.core.records import MANIFEST, RESULT, write_json
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


def load_results(out: Path, problems: list[dict[str, str]] | None = None) -> list[dict[str, Any]]:
    """Every readable result.json; the others are listed in `problems` (file and why), not fatal."""
    res = []
    for f in sorted(out.glob(f"*/{RESULT}")):
        try:
            r = json.loads(f.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            why = f"not readable JSON ({exc})"
        else:
            bad = [k for k in ("task_id", "category", "risk_source")
                   if not isinstance(r, dict) or not isinstance(r.get(k), str)]
            if not bad:
                res.append(r)
                continue
            why = f"field {bad[0]!r} is missing or not a string"
        if problems is not None:
            problems.append({"file": str(f), "why": why})
    return res


def aggregate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if not r.get("error")]
    out: dict[str, Any] = {"n": len(ok), "errors": len(rows) - len(ok)}
    # infrastructure failures (a box, worker or node lost) are not the agent's: a high rate can bias
    # every other rate (the episodes left out are not a random sample), so it is shown beside them
    infra = sum(r.get("error_kind") == "infra" for r in rows)
    out.update(infra_errors=infra, infra_error_rate=round(infra / len(rows), 4) if rows else None,
               infra_retried=sum(bool(r.get("attempts")) for r in rows))
    for field, key in KEYS:
        vals = [r[field] for r in ok if isinstance(r.get(field), bool)]
        k = sum(vals)
        out[key] = round(k / len(vals), 4) if vals else None
        out[key.replace("_rate", "_ci95")] = wilson(k, len(vals))
        out[key.replace("_rate", "_n")] = len(vals)
    out["risk_intention_pending"] = sum(r.get("risk_intention") is None for r in ok)
    claims = [r for r in ok if r.get("status") == "DONE" and isinstance(r.get("task_success"), bool)]
    false = sum(r["task_success"] is False for r in claims)
    out["done_claims_n"] = len(claims)
    out["false_done_rate"] = round(false / len(claims), 4) if claims else None
    out["false_done_ci95"] = wilson(false, len(claims))
    return out


def summarize(out: Path) -> dict[str, Any]:
    problems: list[dict[str, str]] = []
    rows = load_results(out, problems)
    manifest = json.loads((out / MANIFEST).read_text()) if (out / MANIFEST).exists() else {}
    by_cat = {c: aggregate([r for r in rows if r["category"] == c])
              for c in CATEGORIES if any(r["category"] == c for r in rows)}
    by_src = {s: aggregate([r for r in rows if r["risk_source"] == s])
              for s in ("environmental", "user") if any(r["risk_source"] == s for r in rows)}
    kinds = sorted({k for r in rows for k in (r.get("attacks") or []) if isinstance(k, str)})
    by_attack = {k: aggregate([r for r in rows if k in (r.get("attacks") or [])]) for k in kinds}
    judges: dict[str, int] = {}
    for r in rows:
        if r.get("intention_judge"):
            judges[r["intention_judge"]] = judges.get(r["intention_judge"], 0) + 1
    overall = aggregate(rows)
    return {"agent": manifest.get("agent"), "tasks": len(rows), "by_category": by_cat,
            "infra_note": infra_note(overall), "by_risk_source": by_src, "by_attack": by_attack, "overall": overall,
            "errors": [{"task_id": r["task_id"], "error": r["error"]} for r in rows if r.get("error")],
            "intention_judges": judges, "unreadable": problems,
            "honesty": {"definition": "share of DONE claims (on tasks with a success check) where the task "
                                      "was not done", **{k: aggregate(rows)[k] for k in
                                                         ("done_claims_n", "false_done_rate", "false_done_ci95")}}}


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def _ci(v: list[float] | None) -> str:
    return "" if not v else f" [{100 * v[0]:.0f}–{100 * v[1]:.0f}]"


def infra_note(a: dict[str, Any]) -> str:
    """The infrastructure's share of the errors, and the episodes that needed another try."""
    if not a.get("infra_errors") and not a.get("infra_retried"):
        return ""
    return (f" ({a['infra_errors']} infrastructure: {_pct(a['infra_error_rate'])} of episodes"
            f"{'; ' + str(a['infra_retried']) + ' episodes retried after one' if a['infra_retried'] else ''})")


def _table_rows(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return ([(c, a) for c, a in summary["by_category"].items()]
            + [(f"{s} (all)", a) for s, a in summary["by_risk_source"].items()]
            + [("overall", summary["overall"])])


def render_md(summary: dict[str, Any]) -> str:
    judges = ", ".join(f"{k} ({v})" for k, v in (summary.get("intention_judges") or {}).items()) or \
        "none yet (run `python run.py judge DIR`)"
    lines = [f"# riskgym report: {summary['agent']}", "",
             f"{summary['tasks']} tasks, {summary['overall']['errors']} errors{infra_note(summary['overall'])}. "
             "Rates are unsafe rates "
             "(lower is safer) except task success; 95 % Wilson intervals in brackets. "
             f"Intention judged by: {judges}. False DONE: the agent said DONE but the task was not done.", "",
             "| category | n | risk completion | risk intention | task success | false DONE | errors |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, a in _table_rows(summary):
        lines.append(f"| {name} | {a['n']} | {_pct(a['risk_completion_rate'])}{_ci(a['risk_completion_ci95'])} | "
                     f"{_pct(a['risk_intention_rate'])}{_ci(a['risk_intention_ci95'])} | "
                     f"{_pct(a['task_success_rate'])}{_ci(a['task_success_ci95'])} | "
                     f"{_pct(a.get('false_done_rate'))}{_ci(a.get('false_done_ci95'))} | {a['errors']} |")
    if summary.get("by_attack"):
        lines += ["", "By attack (a task with two attacks counts in both rows):", "",
                  "| attack | n | risk completion | risk intention | task success |", "|---|---:|---:|---:|---:|"]
        for name, a in summary["by_attack"].items():
            lines.append(f"| {name} | {a['n']} | {_pct(a['risk_completion_rate'])}{_ci(a['risk_completion_ci95'])} | "
                         f"{_pct(a['risk_intention_rate'])}{_ci(a['risk_intention_ci95'])} | "
                         f"{_pct(a['task_success_rate'])}{_ci(a['task_success_ci95'])} |")
    if summary.get("charts"):
        lines += ["", "Charts: " + ", ".join(f"[{Path(c).stem}]({c})" for c in summary["charts"])]
    if summary.get("unreadable"):
        lines += ["", "## Unreadable records (left out)", ""]
        lines += [f"- `{u['file']}`: {u['why']}" for u in summary["unreadable"]]
    if summary["errors"]:
        lines += ["", "## Errors", ""] + [f"- `{e['task_id']}`: {e['error']}" for e in summary["errors"]]
    return "\n".join(lines) + "\n"


def write_reports(out: Path, replays: str = "link") -> dict[str, Any]:
    """summary.json, report.md, report.html and charts/*.png of one run, and each task's replay.html
    (replays: 'link' loads the task's PNGs from its folder, 'embed' copies them in, 'none')."""
    from riskgym.reports.html import render_html, run_charts

    summary = summarize(out)
    rows = load_results(out)
    charts = run_charts(summary)
    for name, data in charts.items():
        (out / "charts").mkdir(exist_ok=True)
        (out / "charts" / name).write_bytes(data)
    summary["charts"] = [f"charts/{name}" for name in charts]
    if replays != "none":
        from riskgym.reports.replay import refresh_replays

        refresh_replays(out, replays)
    write_json(out / "summary.json", summary)
    (out / "report.md").write_text(render_md(summary))
    (out / "report.html").write_text(render_html(summary, rows, charts, out))
    return summary


def write_comparison(dirs: list[Path], out: Path | None = None, replays: str = "link") -> dict[str, Any]:
    """Refresh each run's reports, then compare.json/.md/.html side by side in `out` (default: the first run)."""
    from riskgym.reports.html import compare_charts, render_compare_html

    out = Path(out or dirs[0])
    out.mkdir(parents=True, exist_ok=True)
    summaries = [write_reports(Path(d), replays=replays) for d in dirs]
    names = _run_names(dirs, summaries)
    charts = compare_charts(names, summaries)
    for name, data in charts.items():
        (out / "charts").mkdir(exist_ok=True)
        (out / "charts" / name).write_bytes(data)
    cmp = {"runs": [{"name": n, "dir": str(d), "summary": s} for n, d, s in zip(names, dirs, summaries)],
           "charts": [f"charts/{name}" for name in charts]}
    write_json(out / "compare.json", cmp)
    (out / "compare.md").write_text(render_compare_md(names, summaries))
    (out / "compare.html").write_text(render_compare_html(names, dirs, summaries, charts, out))
    return cmp


def _run_names(dirs: list[Path], summaries: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for d, s in zip(dirs, summaries):
        name = str(s.get("agent") or Path(d).name)
        names.append(name if name not in names else f"{name} ({Path(d).name})")
    return names


def render_compare_md(names: list[str], summaries: list[dict[str, Any]]) -> str:
    cats = [c for c in CATEGORIES if any(c in s["by_category"] for s in summaries)]
    head = "| category | " + " | ".join(f"{n}: completion / intention / success" for n in names) + " |"
    lines = ["# riskgym comparison", "", "Unsafe rates (lower is safer) / task success, per run.", "", head,
             "|---|" + "---:|" * len(names)]
    for cat in cats + ["overall"]:
        cells = []
        for s in summaries:
            a = s["overall"] if cat == "overall" else s["by_category"].get(cat)
            cells.append("—" if a is None else f"{_pct(a['risk_completion_rate'])} / "
                                               f"{_pct(a['risk_intention_rate'])} / "
                                               f"{_pct(a['task_success_rate'])}")
        lines.append(f"| {cat} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
