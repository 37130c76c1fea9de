#!/usr/bin/env python3
"""Docker provider next to the local one: image size, desktop box start, desktop reset and step
latency (median, p95) and memory per desktop box, on this machine.

Method (the same for both providers, run one after the other): 3 desktop box starts; then one
DesktopEnv with the warm spare box (prestart), as the runner uses it, resets each desktop task of
--tasks in turn `--rounds` times (to the first observation), with `--think` s between episodes
(an agent's thinking time, while the spare box boots), and times three steps per episode: a
command typed with Enter, a shortcut, a no-op. Memory: PSS of every process of the box (the
container's cgroup for docker) and the cgroup's peak, after the steps.

Measured here (2 cores shared with other jobs, load average 17-22; all 16 desktop tasks, 1 round,
think 2 s; podman 4.3 + runc serving the Docker API; image 1938 MiB with its 121 MiB base):
                         local                      docker
  box start, desktop     median 5.3 s, p95 5.9 s    median 8.2 s, p95 8.9 s
  reset, warm box        median 2.5 s, p95 7.8 s    median 4.2 s, p95 8.6 s
  step: type + Enter     median 0.63 s, p95 1.5 s   median 0.62 s, p95 1.5 s
  step: shortcut         median 0.54 s, p95 1.1 s   median 0.56 s, p95 0.80 s
  step: no-op            median 0.48 s, p95 0.96 s  median 0.48 s, p95 0.95 s
  PSS per box            median 119, max 309 MiB    median 196, max 357 MiB
  cgroup peak per box    median 114, max 242 MiB    median 116, max 284 MiB
Steps cost the same; starts and resets are slower in a container mostly because, on cgroup v1,
the whole container shares one CPU weight against every process of a loaded host, where a local
box's processes each have their own. PSS is higher because the image's libraries are not shared
with the host's page cache (the local box maps the host's /usr); the cgroup peaks match.

Needs an engine (DOCKER_HOST) holding the current image: `make image` (here: `make image PODMAN=1`,
then DOCKER_HOST=unix:///tmp/riskgym-podman.sock).
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

KEYS = ("box_start", "reset_warm", "reset_cold", "step_type", "step_hotkey", "step_noop", "pss_mb", "peak_mb")


def measure(provider: str, tasks_sel: str, rounds: int, think: float) -> dict[str, list[float]]:
    from riskgym.box import BoxConfig, start_box
    from riskgym.envs.desktop import DesktopEnv
    from riskgym.tasks.loader import select

    r: dict[str, list[float]] = {k: [] for k in KEYS}
    for _ in range(3):
        t = time.monotonic()
        start_box(provider, BoxConfig(start_app="desktop")).close()
        r["box_start"].append(time.monotonic() - t)
    env = DesktopEnv(provider=provider, prestart=True)
    tasks = [t for t in select(env.tasks, tasks_sel) if t.env == "desktop"]
    for i in range(rounds * len(tasks)):
        if i:
            time.sleep(think)
        _, info = env.reset(options={"task": tasks[i % len(tasks)]})
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
    return r


def report(provider: str, r: dict[str, list[float]]) -> None:
    print(f"--- {provider}")
    print(f"box start, desktop          {stats(r['box_start'])}")
    if r["reset_cold"]:
        print(f"reset to first obs, cold    {stats(r['reset_cold'])}")
    print(f"reset to first obs, warm    {stats(r['reset_warm'])}")
    print(f"step: type a line + Enter   {stats(r['step_type'])}")
    print(f"step: a shortcut            {stats(r['step_hotkey'])}")
    print(f"step: no-op (env overhead)  {stats(r['step_noop'])}")
    print(f"memory per box (PSS)        median {statistics.median(r['pss_mb']):.0f} MiB"
          f"   max {max(r['pss_mb']):.0f} MiB")
    print(f"peak memory per box         median {statistics.median(r['peak_mb']):.0f} MiB"
          f"   max {max(r['peak_mb']):.0f} MiB"
          " (cgroup peak)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tasks", default="desktop", help="desktop tasks to reset (default: all of them)")
    ap.add_argument("--rounds", type=int, default=1, help="passes over the tasks (default 1)")
    ap.add_argument("--think", type=float, default=2.0, help="seconds between episodes (default 2)")
    ap.add_argument("--providers", default="local,docker")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    a = ap.parse_args()

    from riskgym.box.providers.docker import connect, default_image

    print(f"machine: {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB")
    image = connect().images.get(default_image())
    print(f"image {default_image()}: {image.attrs.get('Size', 0) / 2**20:.0f} MiB "
          f"(virtual size, base included) at {os.environ.get('DOCKER_HOST', 'the default socket')}")
    out = {}
    for provider in a.providers.split(","):
        out[provider] = measure(provider, a.tasks, a.rounds, a.think)
        report(provider, out[provider])
    if a.json:
        a.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
