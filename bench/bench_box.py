#!/usr/bin/env python3
"""Box start, task reset, step latency and memory per box, next to BrowserGym's same loop.

Prints medians and p95 over repeated runs on this machine. The loop measured on both sides:
load a page, click a link, take a screenshot. This script (riskgym's side) runs in the project's
.venv; BrowserGym's side runs bench/browsergym_loop.py, pointed at the same Debian Chromium, with
--browsergym-python: a venv of its own, as browsergym-core 0.14.3 pins Playwright 1.44 and
riskgym 1.64. `make bench` builds that venv (.venv-bench) and passes it; .venv is never touched.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def stats(xs: list[float]) -> str:
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]
    return f"median {1000 * statistics.median(xs):7.1f} ms   p95 {1000 * p95:7.1f} ms   (n={len(xs)})"


def bench_riskgym(n_boxes: int, n_steps: int) -> dict:
    from riskgym.box import BoxConfig, start_box
    from riskgym.envs.base import RiskEnv

    out: dict = {}
    starts = []
    for _ in range(n_boxes):
        t = time.monotonic()
        b = start_box("local", BoxConfig(start_app="none"))
        starts.append(time.monotonic() - t)
        b.close()
    out["box_start_no_app"] = starts
    starts = []
    for _ in range(n_boxes):
        t = time.monotonic()
        b = start_box("local", BoxConfig())
        starts.append(time.monotonic() - t)
        b.close()
    out["box_start_browser"] = starts

    env = RiskEnv(prestart=True)
    task = env.default_task
    cold, warm, steps, noops, peaks, psss = [], [], [], [], [], []
    for i in range(n_boxes + 1):
        if i:
            time.sleep(2.0)   # an agent's think time: the spare box boots meanwhile
        obs, info = env.reset(options={"task": task.id})
        (warm if info["warm_box"] else cold).append(info["timings"]["reset_s"])
        for _ in range(n_steps):
            # a click on the first link, then the screenshot (the env always observes after a step)
            line = next((l for l in obs["a11y_tree"].splitlines() if "] link " in l), None)
            x, y = (line.split("@(")[1].split(" ")[0].split(",") if line else (640, 400))
            t = time.monotonic()
            obs, _, _, _, sinfo = env.step(f"pyautogui.click({x}, {y})")
            steps.append(time.monotonic() - t)
            obs, _, _, _, _ = env.step("pyautogui.hotkey('alt', 'left')")
            # the env's own overhead: an action with no effect, settle, screenshot, a11y, events
            t = time.monotonic()
            obs, _, _, _, _ = env.step("pyautogui.moveTo(5, 700)")
            noops.append(time.monotonic() - t)
        peaks.append(env.box.peak_memory_bytes() or 0)
        psss.append(env.box.pss_bytes() or 0)
    env.close()
    out.update(reset_cold=cold, reset_warm=warm, step=steps, step_noop=noops, peak_mb=[p / 2**20 for p in peaks],
               pss_mb=[p / 2**20 for p in psss])
    return out


def bench_browsergym(python: Path, n_steps: int) -> dict | None:
    if not python.exists():
        print(f"BrowserGym skipped: no {python} (`make bench` builds .venv-bench with browsergym-core)")
        return None
    r = subprocess.run([str(python), str(ROOT / "bench" / "browsergym_loop.py"),
                        "--steps", str(n_steps)], capture_output=True, text=True, timeout=900)
    if r.returncode:
        print("BrowserGym loop failed:", r.stderr[-1500:])
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--boxes", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--skip-browsergym", action="store_true")
    ap.add_argument("--browsergym-python", type=Path, default=ROOT / ".venv-bench" / "bin" / "python",
                    help="the interpreter of a venv with browsergym-core==0.14.3 (default .venv-bench's)")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    a = ap.parse_args()
    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    r = bench_riskgym(a.boxes, a.steps)
    print(f"box start, no app          {stats(r['box_start_no_app'])}")
    print(f"box start, browser         {stats(r['box_start_browser'])}")
    if r["reset_cold"]:
        print(f"reset to first obs, cold   {stats(r['reset_cold'])}")
    if r["reset_warm"]:
        print(f"reset to first obs, warm   {stats(r['reset_warm'])}   <- with the prestarted box")
    print(f"step overhead (no-op act)  {stats(r['step_noop'])}")
    print(f"step click->page load+shot {stats(r['step'])}")
    print(f"peak memory per box        median {statistics.median(r['peak_mb']):.0f} MiB   "
          f"max {max(r['peak_mb']):.0f} MiB (cgroup peak incl. page cache: Xvfb, Chromium, controller, sites)")
    print(f"memory per box (PSS)       median {statistics.median(r['pss_mb']):.0f} MiB   "
          f"max {max(r['pss_mb']):.0f} MiB (after {a.steps * 3} steps)")
    if not a.skip_browsergym:
        bg = bench_browsergym(a.browsergym_python, a.steps * a.boxes)
        if bg:
            for k in ("step_default", "step_no_delay"):
                print(f"BrowserGym {k:15} {stats(bg[k])}")
            ours = statistics.median(r["step"])
            for k in ("step_default", "step_no_delay"):
                print(f"ratio riskgym/BrowserGym ({k}): {ours / statistics.median(bg[k]):.2f}")
            r["browsergym"] = bg
    if a.json:
        a.json.write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
