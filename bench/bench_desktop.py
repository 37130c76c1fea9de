#!/usr/bin/env python3
"""Desktop box: start, reset and step latency (median, p95) and memory per box on this machine.

Method: one DesktopEnv with the warm spare box (prestart), as the runner uses it. Every desktop
task in turn is reset (to the first observation: take the prestarted box, run the task's setup,
which opens LibreOffice/the editor where the task says so, and wait for a steady screen), then
three steps are timed: a command typed with Enter (into the terminal, or the open document), a
shortcut, and a no-op (the env's own overhead: settle, screenshot, AT-SPI view, events). Between
episodes the bench sleeps `--think` s, an agent's thinking time, during which the spare box boots.
Memory: PSS of all the box's processes after the steps, and the cgroup's peak.

Measured here (2 cores, shared; 16 desktop tasks x 2 rounds, think 2 s): box start 1.3 s;
reset warm median 0.40 s, p95 2.5 s (the office tasks, which open LibreOffice in setup; cold
LibreOffice opens a document in ~1 s); steps median ~0.41 s, p95 0.64 s (a step waits up to
0.35 s for a late reaction, then for 0.12 s of quiet screen); PSS per box median 141 MiB
(terminal only), max 338 MiB (with LibreOffice); cgroup peak max 235 MiB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_box import stats  # noqa: E402  (one way to print a figure)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=2, help="passes over the desktop tasks (default 2)")
    ap.add_argument("--think", type=float, default=2.0, help="seconds between episodes (default 2)")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    a = ap.parse_args()

    from riskgym.box import BoxConfig, start_box
    from riskgym.envs.desktop import DesktopEnv

    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    r: dict[str, list[float]] = {k: [] for k in ("box_start", "reset_warm", "reset_cold", "step_type",
                                                  "step_hotkey", "step_noop", "pss_mb", "peak_mb")}
    for _ in range(3):
        t = time.monotonic()
        start_box("local", BoxConfig(start_app="desktop")).close()
        r["box_start"].append(time.monotonic() - t)
    env = DesktopEnv(prestart=True)
    tasks = [t for t in env.tasks.values() if t.env == "desktop"]
    for i in range(a.rounds * len(tasks)):
        if i:
            time.sleep(a.think)
        task = tasks[i % len(tasks)]
        _, info = env.reset(options={"task": task})
        r["reset_warm" if info["warm_box"] else "reset_cold"].append(info["timings"]["reset_s"])
        for key, code in (("step_type", "pyautogui.write('ls -l ~/Documents\\n')"),
                          ("step_hotkey", "pyautogui.hotkey('ctrl', 'home')"),
                          ("step_noop", "pyautogui.moveTo(5, 700)")):
            t = time.monotonic()
            env.step(code)
            r[key].append(time.monotonic() - t)
        r["pss_mb"].append((env.box.pss_bytes() or 0) / 2**20)
        r["peak_mb"].append((env.box.peak_memory_bytes() or 0) / 2**20)
    env.close()
    print(f"box start, desktop          {stats(r['box_start'])}")
    if r["reset_cold"]:
        print(f"reset to first obs, cold    {stats(r['reset_cold'])}")
    print(f"reset to first obs, warm    {stats(r['reset_warm'])}   <- with the prestarted box")
    print(f"step: type a line + Enter   {stats(r['step_type'])}")
    print(f"step: a shortcut            {stats(r['step_hotkey'])}")
    print(f"step: no-op (env overhead)  {stats(r['step_noop'])}")
    print(f"memory per box (PSS)        median {statistics.median(r['pss_mb']):.0f} MiB"
          f"   max {max(r['pss_mb']):.0f} MiB")
    print(f"peak memory per box         median {statistics.median(r['peak_mb']):.0f} MiB"
          f"   max {max(r['peak_mb']):.0f} MiB"
          " (cgroup peak)")
    if a.json:
        a.json.write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
