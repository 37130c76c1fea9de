"""Subcommands that audit finished runs: report, judge (incl. --calibrate, --pairwise), replay, export.

Each parses its flags and hands over to the module that does the work; bad input (a missing
run, a malformed record) ends with exit status 2 and a message naming the file and field.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from riskgym.core.records import AuditError
from riskgym.evaluator.judges import judges_help

JUDGE_NOTES = """
Verdicts go to DIR/<task>/judgement.json (every judge side by side) and result.json (risk_intention,
intention_evidence); model calls are logged to DIR/<task>/judge_log.jsonl and cached in DIR/.judge_cache/.
A step the model could not judge stays pending; run the same command again to fill only those steps.
"""


def _fail(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 2


def cmd_report(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py report", description="Rebuild the reports of a run (summary.json, "
                                "report.md, report.html, charts/*.png, each task's replay.html); with several "
                                "runs, also compare.json/.md/.html side by side.")
    p.add_argument("dirs", type=Path, nargs="+", metavar="DIR")
    p.add_argument("--out", type=Path, help="where the comparison of several runs goes (default: the first DIR)")
    p.add_argument("--replays", default="link", choices=["link", "embed", "none"],
                   help="each task's replay.html: link (loads the task's screenshots from its folder; default), "
                        "embed (self-contained, a copy of every screenshot) or none")
    a = p.parse_args(argv)
    from riskgym.reports.summary import render_compare_md, render_md, write_comparison, write_reports

    for d in a.dirs:
        if not d.is_dir():
            return _fail(AuditError(f"{d}: no such run directory"))
    try:
        if len(a.dirs) == 1:
            print(render_md(write_reports(a.dirs[0], replays=a.replays)))
            print(f"report: {a.dirs[0] / 'report.html'}")
        else:
            cmp = write_comparison(a.dirs, a.out, replays=a.replays)
            print(render_compare_md([r["name"] for r in cmp["runs"]], [r["summary"] for r in cmp["runs"]]))
            print(f"comparison: {(a.out or a.dirs[0]) / 'compare.html'}")
    except AuditError as exc:
        return _fail(exc)
    return 0


def cmd_judge(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py judge", formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="judges:\n" + judges_help() + "\n" + JUDGE_NOTES,
                                description="Judge risk intention step by step and fill it "
                                "into the run's records; or calibrate a judge; or rank runs pairwise.")
    p.add_argument("dirs", type=Path, nargs="*", metavar="DIR", help="run directories (or a validate directory)")
    p.add_argument("--judge", default="rules", metavar="SPEC", help="rules (default) or openai:MODEL")
    p.add_argument("--judge-base-url", metavar="URL", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1")
    p.add_argument("--judge-api-key-env", default="OPENAI_API_KEY", metavar="VAR",
                   help="environment variable holding the judge's API key (default OPENAI_API_KEY)")
    p.add_argument("--judge-samples", type=int, default=1, metavar="K",
                   help="answers per step, majority wins; odd (default 1)")
    p.add_argument("--judge-temperature", type=float, metavar="T", help="default 0 with one sample, 0.7 with several")
    p.add_argument("--judge-timeout", type=float, default=120.0, metavar="S", help="seconds per request (default 120)")
    p.add_argument("--judge-retries", type=int, default=4, metavar="N",
                   help="retries per request on 429/5xx/timeouts/network errors (default 4)")
    p.add_argument("--judge-backoff", type=float, default=1.0, metavar="S",
                   help="first retry delay, doubling (default 1)")
    p.add_argument("--judge-workers", type=int, default=4, metavar="N", help="requests in parallel (default 4)")
    p.add_argument("--force", action="store_true", help="judge again steps already judged by this judge")
    p.add_argument("--calibrate", nargs="?", const="", metavar="VALIDATE_DIR",
                   help="score the judge against labels from reference runs (a `run.py validate --out` directory; "
                        "without one, the references are played now, in boxes, for --tasks)")
    p.add_argument("--tasks", default="all", metavar="SEL", help="with --calibrate and no directory: which tasks")
    p.add_argument("--pairwise", action="store_true", help="compare two or more runs task by task; rank them")
    p.add_argument("--out", type=Path, help="--calibrate/--pairwise: also write the JSON result here")
    a = p.parse_args(argv)
    from riskgym.evaluator.judges import JudgeOptions, judge_dirs, make_judge
    from riskgym.reports.summary import write_reports

    opts = JudgeOptions(base_url=a.judge_base_url, api_key_env=a.judge_api_key_env, samples=a.judge_samples,
                        temperature=a.judge_temperature, timeout=a.judge_timeout, retries=a.judge_retries,
                        backoff_s=a.judge_backoff, workers=a.judge_workers)
    try:
        if a.calibrate is not None:
            return _calibrate(a, opts)
        if not a.dirs:
            return _fail(AuditError("give a run directory (or --calibrate)"))
        if a.pairwise:
            from riskgym.evaluator import pairwise

            judge = make_judge(a.judge, opts)
            try:
                result = pairwise.pairwise(a.dirs, judge)
            finally:
                judge.close()
            out = a.out or a.dirs[0] / f"pairwise-{judge.name.replace(':', '_').replace('/', '_')}.json"
            pairwise.write(result, out)
            print(pairwise.render(result))
            print(f"written: {out}")
            return 0
        counts = judge_dirs(a.dirs, a.judge, opts, force=a.force)
        for c in counts:
            write_reports(Path(c["run"]))
    except (AuditError, ValueError) as exc:
        return _fail(exc)
    pending = sum(c["pending_steps"] for c in counts)
    for c in counts:
        print(f"{c['run']}: {c['unsafe']} unsafe, {c['safe']} safe, {c['undecided']} undecided "
              f"({c['pending_steps']} steps pending) by {c['judge']}")
    if pending:
        print(f"{pending} steps pending (judge unreachable or unreadable): run the same command again to fill them")
    return 0


def _calibrate(a: argparse.Namespace, opts) -> int:
    from riskgym.evaluator import calibrate
    from riskgym.evaluator.judges import make_judge

    ref = Path(a.calibrate) if a.calibrate else None
    if ref is None:
        from riskgym.run.validate import validate

        ref = Path(tempfile.mkdtemp(prefix="riskgym-calibrate-"))
        print(f"playing the reference trajectories into {ref} ...")
        if validate(a.tasks, ref) == 2:
            return 2
    judge = make_judge(a.judge, opts)
    try:
        report = calibrate.calibrate(ref, judge)
    finally:
        judge.close()
    print(calibrate.render(report))
    if a.out:
        from riskgym.core.records import write_json

        write_json(a.out, report)
    print(f"written: {report['file']}" + (f" and {a.out}" if a.out else ""))
    return 0


def cmd_replay(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py replay", description="Write DIR/TASK_ID/replay.html, a self-contained "
                                "step-by-step viewer; --execute plays the recorded actions again in a fresh box.")
    p.add_argument("task_dir", type=Path, metavar="DIR/TASK_ID")
    p.add_argument("--execute", action="store_true", help="re-run the recorded actions in a fresh box and check that "
                   "risk completion and task success come out the same (exit 1 if not)")
    p.add_argument("--out", type=Path, help="where to write the viewer (default DIR/TASK_ID/replay.html)")
    p.add_argument("--link", action="store_true", help="load the screenshots from the task folder instead of "
                   "embedding them (a small file that only works in place)")
    a = p.parse_args(argv)
    from riskgym.reports import replay

    try:
        if a.execute:
            return 0 if replay.execute(a.task_dir)["same_outcome"] else 1
        print(f"replay: {replay.write_replay(a.task_dir, a.out, embed=not a.link)}")
    except AuditError as exc:
        return _fail(exc)
    return 0


def cmd_export(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py export", description="Export preference pairs (screen, chosen = safe "
                                "action, rejected = risky action) from a validate run or two judged runs; or, with "
                                "--format inspect, each run as an Inspect .eval log that `inspect view` opens.")
    p.add_argument("dirs", type=Path, nargs="+", metavar="DIR")
    p.add_argument("--format", default="preference", choices=["preference", "inspect"])
    p.add_argument("--images", default="path", choices=["path", "base64"],
                   help="preference: screenshots as file paths (default) or embedded base64 PNG")
    p.add_argument("--out", type=Path, help="preference: JSONL file (default DIR/preference.jsonl); inspect: a .eval "
                   "file or a folder for the logs (default DIR/inspect/)")
    a = p.parse_args(argv)
    if a.format == "inspect":
        return _export_inspect(a.dirs, a.out)
    from riskgym.reports.export import export

    try:
        export(a.dirs, a.out or a.dirs[0] / "preference.jsonl", a.format, a.images)
    except AuditError as exc:
        return _fail(exc)
    return 0


def _export_inspect(dirs: list[Path], out: Path | None) -> int:
    try:
        from riskgym.integrations.inspect.export import export_inspect
    except ImportError as exc:
        return _fail(RuntimeError(f"--format inspect needs Inspect: pip install 'riskgym[inspect]' ({exc})"))
    try:
        for path in export_inspect(dirs, out):
            print(f"written: {path}  (open with: inspect view --log-dir {path.parent})")
    except AuditError as exc:
        return _fail(exc)
    return 0
