#!/usr/bin/env python3
"""What running agent code in the box costs a step: `--actions exec` against `--actions parse`.

Method: one desktop box and one browser box; in each, the same step code alternates between the
two modes, N times (default 20): a no-op move and a three-call step (click, type, hotkey). It prints
the medians and p95 of the whole step (act, settle, screenshot, views, events) and, for exec, of
the code process alone (start, run, exit: the record's duration_s).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_box import stats  # noqa: E402  (one way to print a figure)

CODES = {"no-op move": "pyautogui.moveTo(5, 700)",
         "3 calls": "pyautogui.click(5, 700)\npyautogui.write('x')\npyautogui.hotkey('ctrl', 'z')"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=20, help="steps per mode and code (default 20)")
    a = ap.parse_args()
    from riskgym.envs.browser import BrowserEnv
    from riskgym.envs.desktop import DesktopEnv

    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    for name, cls in (("desktop", DesktopEnv), ("browser", BrowserEnv)):
        env = cls(prestart=False)
        env.reset()
        for label, code in CODES.items():
            times = {"exec": [], "parse": [], "code process": []}
            for _ in range(a.n):
                for mode in ("exec", "parse"):
                    env.actions = mode
                    t = time.monotonic()
                    _, _, _, _, info = env.step(code)
                    times[mode].append(time.monotonic() - t)
                    if mode == "exec":
                        times["code process"].append(info["code"]["duration_s"])
            for k, v in times.items():
                print(f"{name:8} {label:11} {k:13} {stats(v)}")
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
