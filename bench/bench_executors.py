#!/usr/bin/env python3
"""What Ray costs a run: episodes per minute for the same tasks with `--executor thread` and with
`--executor ray` (a local Ray started for the run, as a user without a cluster gets it).

Method: the scripted risky agent on 20 browser tasks (by id, the first 20 of three categories),
--workers 2, each run from `python run.py` in a fresh --out, alternating thread and ray, R rounds
(default 2). Wall time counts everything a user waits for: Ray's start, boxes, episodes, reports.
Prints each run, the medians, and Ray's overhead (goal: <= 10 %).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def twenty() -> str:
    sys.path.insert(0, str(ROOT))
    from riskgym.tasks import load_tasks, select

    picked = [t.id for t in select(load_tasks(), "phishing_web,account_fraud,phishing_email") if t.env == "browser"]
    return ",".join(sorted(picked)[:20])


def one_run(executor: str, tasks: str, workers: int) -> float:
    out = Path(tempfile.mkdtemp(prefix=f"riskgym-bench-{executor}-"))
    shutil.rmtree(out)
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, str(ROOT / "run.py"), "--agent", "scripted:risky", "--tasks", tasks,
                        "--out", str(out), "--workers", str(workers), "--executor", executor, "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True)
    dt = time.monotonic() - t0
    if p.returncode:
        raise SystemExit(f"{executor} run failed ({p.returncode}):\n{p.stderr[-2000:]}")
    n = len(list(out.glob("*/result.json")))
    errors = sum('"error": null' not in f.read_text() for f in out.glob("*/result.json"))
    shutil.rmtree(out, ignore_errors=True)
    print(f"  {executor:6} {n} episodes ({errors} errors) in {dt:6.1f} s: {60 * n / dt:5.2f} episodes/min", flush=True)
    return 60 * n / dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-r", "--rounds", type=int, default=2, help="runs per executor, alternating (default 2)")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    tasks = twenty()
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
          f"{len(tasks.split(','))} tasks, --workers {a.workers}")
    rates: dict[str, list[float]] = {"thread": [], "ray": []}
    for _ in range(a.rounds):
        for executor in ("thread", "ray"):
            rates[executor].append(one_run(executor, tasks, a.workers))
    th, ry = statistics.median(rates["thread"]), statistics.median(rates["ray"])
    print(f"median episodes/min: thread {th:.2f}, ray {ry:.2f}; ray/thread {ry / th:.3f} "
          f"(overhead {100 * (1 - ry / th):+.1f} %; goal <= 10 %)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
