"""report.html and compare.html: self-contained pages (styles inline, charts as data: URIs).

Nothing is fetched: a Content-Security-Policy allows only inline styles and data: images, so a
report opened from an archive shows the same thing and cannot reach out. Agent-written text (task
errors, judge evidence) is escaped. Each task links to its replay viewer next to it.
"""
from __future__ import annotations

import html
import io
import os
from pathlib import Path
from typing import Any

from riskgym.reports import charts as C
from riskgym.tasks.schema import CATEGORIES

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2em;color:#1d2330;max-width:1200px}
table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccd;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#eef1f6}tr.sum td{background:#f7f8fb;font-weight:600}
.ci{color:#6b7384;font-size:12px}.charts{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}
figcaption{font-size:13px;color:#6b7384}.yes{color:#b03a2e;font-weight:600}.no{color:#1e8449}
.callout{background:#fff8e6;border-left:4px solid #e6a700;padding:8px 14px;margin:1em 0}td.ev{text-align:left;
max-width:420px;font-size:12px;color:#434c5e}"""
METRICS = (("risk_completion", "risk completion", "#c0392b"), ("risk_intention", "risk intention", "#e67e22"),
           ("task_success", "task success", "#2e86c1"))


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f} %"


def _cell(a: dict[str, Any], key: str) -> str:
    ci = a.get(f"{key}_ci95")
    rng = f" <span class='ci'>[{100 * ci[0]:.0f}–{100 * ci[1]:.0f}]</span>" if ci else ""
    return f"<td>{_pct(a.get(f'{key}_rate'))}{rng}</td>"


def _groups(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return ([(c, a) for c, a in summary["by_category"].items()]
            + [(f"{s} (all)", a) for s, a in summary["by_risk_source"].items()] + [("overall", summary["overall"])])


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def _figures(charts: dict[str, bytes], captions: dict[str, str]) -> str:
    out = []
    for name, data in charts.items():
        w = C.Image.open(io.BytesIO(data)).width // C.S
        out.append(f"<figure><img src='{C.data_uri(data)}' width='{w}' alt='{html.escape(captions.get(name, name))}'>"
                   f"<figcaption>{html.escape(captions.get(name, name))} (<code>charts/{name}</code>)</figcaption></figure>")
    return f"<div class='charts'>{''.join(out)}</div>"


CAPTIONS = {"rates.png": "Rates per category with 95 % intervals",
            "safety_vs_success.png": "Safety (1 − risk completion) against task success, per category",
            "honesty.png": "False DONE: the agent said DONE, the task was not done",
            "compare_risk_completion.png": "Risk completion per run", "compare_risk_intention.png": "Risk intention per run",
            "compare_task_success.png": "Task success per run",
            "compare_safety_vs_success.png": "Safety against success, each run's categories"}


def run_charts(summary: dict[str, Any]) -> dict[str, bytes]:
    groups = _groups(summary)
    rates = C.grouped_bars([g for g, _ in groups], [
        {"label": label, "color": color, "values": [(a.get(f"{k}_rate"), a.get(f"{k}_ci95")) for _, a in groups]}
        for k, label, color in METRICS], "Rates per category (95 % Wilson intervals)")
    points = [{"label": c, "x": a.get("task_success_rate"),
               "y": None if a.get("risk_completion_rate") is None else 1 - a["risk_completion_rate"],
               "xci": a.get("task_success_ci95"),
               "yci": a.get("risk_completion_ci95") and [1 - a["risk_completion_ci95"][1], 1 - a["risk_completion_ci95"][0]]}
              for c, a in summary["by_category"].items()]
    scat = C.scatter(points, "Safety vs success (up and right is better)", "task success rate",
                     "safe rate (1 − risk completion)")
    cats = [(c, a) for c, a in summary["by_category"].items()] + [("overall", summary["overall"])]
    honesty = C.grouped_bars([c for c, _ in cats], [{"label": "false DONE", "color": "#8e44ad", "values": [
        (a.get("false_done_rate"), a.get("false_done_ci95")) for _, a in cats]}], "Honesty: DONE claimed, task not done")
    return {"rates.png": C.png_bytes(rates), "safety_vs_success.png": C.png_bytes(scat), "honesty.png": C.png_bytes(honesty)}


def _bool(v: Any) -> str:
    if v is None:
        return "<td class='ci'>—</td>"
    return f"<td class='{'yes' if v else 'no'}'>{'yes' if v else 'no'}</td>"


def render_html(summary: dict[str, Any], rows: list[dict[str, Any]], charts: dict[str, bytes], out: Path) -> str:
    e = html.escape
    head = "".join(f"<th>{h}</th>" for h in ("category", "n", "risk completion", "risk intention", "task success",
                                              "false DONE", "errors"))
    body = "".join(
        f"<tr class='{'sum' if n == 'overall' or n.endswith('(all)') else ''}'><td>{e(n)}</td><td>{a['n']}</td>"
        + "".join(_cell(a, k) for k in ("risk_completion", "risk_intention", "task_success", "false_done"))
        + f"<td>{a['errors']}</td></tr>" for n, a in _groups(summary))
    tasks = []
    for r in rows:
        tid = str(r["task_id"])
        link = f"{tid}/replay.html" if (out / tid / "replay.html").exists() else f"{tid}/trajectory.jsonl"
        ev = "; ".join(map(str, r.get("intention_evidence") or []))[:300]
        tasks.append(f"<tr><td><a href='{e(link)}'>{e(tid)}</a></td><td>{e(str(r['category']))}</td>"
                     f"{_bool(r.get('risk_completion'))}{_bool(r.get('risk_intention'))}{_bool(r.get('task_success'))}"
                     f"<td>{e(str(r.get('status') or ''))}</td><td>{r.get('steps', '')}</td><td class='ev'>{e(ev)}</td>"
                     f"<td class='ev'>{e(str(r.get('error') or ''))[:200]}</td></tr>")
    ov = summary["overall"]
    judges = ", ".join(f"{e(k)} ({v})" for k, v in (summary.get("intention_judges") or {}).items()) or \
        "not judged yet (<code>python run.py judge DIR</code>)"
    hon = summary.get("honesty") or {}
    callout = (f"<div class='callout' id='honesty'><b>Honesty:</b> the agent said DONE on {hon.get('done_claims_n', 0)} "
               f"tasks with a success check; on {_pct(hon.get('false_done_rate'))} of them the task was not done"
               + (f" <span class='ci'>[{100 * hon['false_done_ci95'][0]:.0f}–{100 * hon['false_done_ci95'][1]:.0f}]</span>"
                  if hon.get("false_done_ci95") else "") + ".</div>")
    unreadable = "".join(f"<li><code>{e(u['file'])}</code>: {e(u['why'])}</li>" for u in summary.get("unreadable") or [])
    if unreadable:
        callout += f"<div class='callout'><b>Unreadable records, left out:</b><ul>{unreadable}</ul></div>"
    title = f"riskgym report: {summary['agent']}"
    return _page(title, f"""<h1>{e(title)}</h1>
<p>{summary['tasks']} tasks, {ov['errors']} errors{html.escape(summary.get('infra_note', ''))}. Risk rates are unsafe rates (lower is safer); task success
is the benign job. 95 % Wilson intervals in brackets. Intention judged by: {judges}
({ov.get('risk_intention_pending', 0)} tasks not judged or pending).</p>{callout}
<h2>Per category and risk source</h2><table id="by-category"><tr>{head}</tr>{body}</table>
<h2>Charts</h2>{_figures(charts, CAPTIONS)}
<h2>Tasks</h2><p>Each task links to its step-by-step replay.</p>
<table id="tasks"><tr><th>task</th><th>category</th><th>completion</th><th>intention</th><th>success</th><th>status</th>
<th>steps</th><th>intention evidence</th><th>error</th></tr>{''.join(tasks)}</table>""")


def compare_charts(names: list[str], summaries: list[dict[str, Any]]) -> dict[str, bytes]:
    cats = [c for c in CATEGORIES if any(c in s["by_category"] for s in summaries)] + ["overall"]
    pick = lambda s, c: s["overall"] if c == "overall" else s["by_category"].get(c, {})
    out = {}
    for key, label, _color in METRICS:
        img = C.grouped_bars(cats, [{"label": n, "values": [(pick(s, c).get(f"{key}_rate"), pick(s, c).get(f"{key}_ci95"))
                                                            for c in cats]} for n, s in zip(names, summaries)],
                             f"{label} per run (95 % intervals)")
        out[f"compare_{key}.png"] = C.png_bytes(img)
    points = []
    for k, (n, s) in enumerate(zip(names, summaries)):
        color = C.PALETTE[k % len(C.PALETTE)]
        for c in cats:
            a = pick(s, c)
            if a.get("risk_completion_rate") is not None:
                points.append({"label": c if c != "overall" else f"{n} overall", "color": color,
                               "x": a.get("task_success_rate"), "y": 1 - a["risk_completion_rate"]})
    out["compare_safety_vs_success.png"] = C.png_bytes(C.scatter(
        points, "Safety vs success per run", "task success rate", "safe rate (1 − risk completion)",
        legend=[(n, C.PALETTE[k % len(C.PALETTE)]) for k, n in enumerate(names)]))
    return out


def render_compare_html(names: list[str], dirs: list[Path], summaries: list[dict[str, Any]],
                        charts: dict[str, bytes], out: Path) -> str:
    e = html.escape
    cats = [c for c in CATEGORIES if any(c in s["by_category"] for s in summaries)]
    head = "<tr><th rowspan=2>category</th>" + "".join(
        f"<th colspan=4><a href='{e(os.path.relpath(Path(d) / 'report.html', out))}'>{e(n)}</a></th>"
        for n, d in zip(names, dirs)) + "</tr><tr>" + "<th>n</th><th>completion</th><th>intention</th><th>success</th>" \
        * len(names) + "</tr>"
    rows = []
    for cat in cats + ["environmental (all)", "user (all)", "overall"]:
        cells = []
        for s in summaries:
            a = (s["overall"] if cat == "overall" else s["by_risk_source"].get(cat.split(" ")[0])
                 if cat.endswith("(all)") else s["by_category"].get(cat))
            cells.append("<td>—</td>" * 4 if a is None else f"<td>{a['n']}</td>" + "".join(
                _cell(a, k) for k in ("risk_completion", "risk_intention", "task_success")))
        rows.append(f"<tr class='{'sum' if cat == 'overall' or cat.endswith('(all)') else ''}'><td>{e(cat)}</td>"
                    f"{''.join(cells)}</tr>")
    return _page("riskgym comparison", f"""<h1>riskgym comparison</h1>
<p>{len(names)} runs side by side. Unsafe rates (lower is safer) and task success, 95 % Wilson intervals.
Each run's name links to its own report.</p>
<table id="by-category">{head}{''.join(rows)}</table><h2>Charts</h2>{_figures(charts, CAPTIONS)}""")
