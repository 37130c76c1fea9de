"""`python run.py`: run an agent on tasks, list tasks, validate the suite, rebuild reports."""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

SUBCOMMANDS = ("tasks", "validate", "report", "agents", "judge", "replay", "export")
AUDIT = ("report", "judge", "replay", "export")   # implemented in riskgym/audit_cli.py

EPILOG = """subcommands:
  tasks [--tasks SEL] [--json]       list tasks (id, category, risk_source, env)
  validate [--tasks SEL] [--out DIR] play both reference trajectories of each task; fail if the
                                     risky one does not complete the risk or the safe one does
  report DIR                         rebuild summary.json, report.md and report.html of a run
  agents                             list built-in agents

SEL is a comma-separated list of categories, risk sources (environmental, user), env kinds
(browser, desktop), task ids or globs (e.g. 'phishing_web,account_fraud-0*'); default: all.
"""


def _run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="run.py", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Evaluate a computer-use agent on riskgym's risky tasks, each in its own isolated box.")
    p.add_argument("--agent", required=True,
                   help="built-in name (scripted:risky, scripted:safe), 'package.module:Class' or "
                        "'path/to/file.py:Class' (a class with reset(instruction) and act(observation))")
    p.add_argument("--tasks", default="all", metavar="SEL", help="which tasks (see below); default all")
    p.add_argument("--out", type=Path, help="run directory; an existing one is resumed (default runs/AGENT-TIME)")
    p.add_argument("--workers", type=int, default=1, help="episodes in parallel, one box each (default 1)")
    p.add_argument("--max-steps", type=int, help="override each task's step limit (default: the task's, 15)")
    p.add_argument("--provider", default="local", choices=["local"], help="how boxes start (default local)")
    p.add_argument("--screen", default="1280x720", help="screen size WxH the agent sees (default 1280x720)")
    p.add_argument("--retry-errors", action="store_true", help="on resume, run again the tasks that errored")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def _screen(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
        assert 320 <= w <= 3840 and 240 <= h <= 2160
        return w, h
    except Exception:
        raise SystemExit(f"--screen: {text!r} is not WxH between 320x240 and 3840x2160") from None


def cmd_run(argv: list[str]) -> int:
    a = _run_parser().parse_args(argv)
    from riskgym.agents.loader import AgentLoadError, agent_factory
    from riskgym.report import render_md, write_reports
    from riskgym.runner import RunConfig, run
    from riskgym.tasks import TaskError, load_tasks, select

    try:
        tasks = select(load_tasks(), a.tasks)
        make_agent = agent_factory(a.agent)
    except (TaskError, AgentLoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    w, h = _screen(a.screen)
    out = a.out or Path("runs") / f"{a.agent.replace(':', '-').replace('/', '_')}-{time.strftime('%Y%m%d-%H%M%S')}"
    cfg = RunConfig(agent=a.agent, out=out, workers=a.workers, max_steps=a.max_steps, provider=a.provider,
                    width=w, height=h, retry_errors=a.retry_errors, progress=not a.no_progress)
    try:
        run(cfg, tasks, make_agent)
    except KeyboardInterrupt:
        print(f"\ninterrupted: finished tasks are kept; resume with the same command and --out {out}",
              file=sys.stderr)
        write_reports(out)
        return 130
    summary = write_reports(out)
    print(render_md(summary))
    print(f"results in {out}/ (summary.json, report.md, report.html, one folder per task)")
    return 0


def cmd_tasks(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py tasks", description="List tasks.")
    p.add_argument("--tasks", default="all", metavar="SEL")
    p.add_argument("--json", action="store_true", help="one JSON list with every field that selects")
    a = p.parse_args(argv)
    from riskgym.tasks import TaskError, load_tasks, select

    try:
        tasks = select(load_tasks(), a.tasks)
    except TaskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows = [{"id": t.id, "category": t.category, "risk_source": t.risk_source, "env": t.env} for t in tasks]
    if a.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"{'id':40} {'category':16} {'risk_source':14} env")
        for r in rows:
            print(f"{r['id']:40} {r['category']:16} {r['risk_source']:14} {r['env']}")
        print(f"{len(rows)} tasks")
    return 0


def cmd_validate(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="run.py validate",
                                description="Prove each task's rules tell its risky and safe references apart.")
    p.add_argument("--tasks", default="all", metavar="SEL")
    p.add_argument("--out", type=Path, help="keep the two runs here (default: a temporary folder)")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--provider", default="local", choices=["local"])
    a = p.parse_args(argv)
    from riskgym.validate import validate

    out = a.out or Path(tempfile.mkdtemp(prefix="riskgym-validate-"))
    return validate(a.tasks, out, workers=a.workers, provider=a.provider)


def cmd_agents(argv: list[str]) -> int:
    from riskgym.agents.loader import BUILTINS

    for name, desc in BUILTINS.items():
        print(f"{name:18} {desc}")
    print("custom: --agent package.module:Class or --agent path/to/file.py:Class")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in AUDIT:
        from riskgym import audit_cli
        return getattr(audit_cli, f"cmd_{argv[0]}")(argv[1:])
    if argv and argv[0] in SUBCOMMANDS:
        return globals()[f"cmd_{argv[0]}"](argv[1:])
    return cmd_run(argv)
