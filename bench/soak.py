#!/usr/bin/env python3
"""Soak: N consecutive episodes through the normal run loop, then what they left behind.

Browser and desktop tasks alternate, played by the scripted reference agents (risky and safe
by turns) with runner.run() and RiskEnv, as `run.py` plays them. Before the first episode and
after the last one (once teardown has had time to finish), it reads the host: processes,
mounts, cgroups, temp folders, containers (docker provider), this process's threads and file
descriptors, and its memory (RSS; with --tracemalloc, the Python allocations that grew most).
What counts and how it is attributed on a shared machine: bench/leftovers.py.

    .venv/bin/python bench/soak.py --episodes 10

Exit status 1 if anything was left behind (or an episode errored, with --strict), else 0.
"""
from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SHARED_TMP = Path(tempfile.gettempdir())
# Every temp file this process and its children make goes here: what remains at the end is ours.
PRIVATE_TMP = Path(tempfile.mkdtemp(prefix="riskgym-soak-tmp-"))
os.environ["TMPDIR"] = tempfile.tempdir = str(PRIVATE_TMP)


def mixed_tasks(selector: str, n: int) -> list:
    """n tasks, browser and desktop by turns (each list in id order, cycled when it runs out)."""
    from riskgym.tasks import load_tasks, select

    tasks = select(load_tasks(), selector)
    kinds = [sorted((t for t in tasks if t.env == kind), key=lambda t: t.id) for kind in ("browser", "desktop")]
    cycles = [itertools.cycle(k) for k in kinds if k]
    return [next(cycles[i % len(cycles)]) for i in range(n)]


def batches(tasks: list, size: int) -> list[list]:
    """Runs of at most `size` tasks with no task twice (a run directory holds a task once)."""
    out: list[list] = []
    for t in tasks:
        if not out or len(out[-1]) >= size or any(x.id == t.id for x in out[-1]):
            out.append([])
        out[-1].append(t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--episodes", type=int, default=200)
    ap.add_argument("--tasks", default="all", metavar="SEL", help="which tasks to draw from (run.py's SEL)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--provider", default="local")
    ap.add_argument("--batch", type=int, default=10, help="episodes per run() call (default 10)")
    ap.add_argument("--settle", type=float, default=30.0,
                    help="at most this long for teardown to finish before reading what is left (default 30 s)")
    ap.add_argument("--tracemalloc", action="store_true", help="also the Python allocations that grew most")
    ap.add_argument("--strict", action="store_true", help="an episode that errored fails the soak too")
    ap.add_argument("--keep", type=Path, help="keep the run directories here (default: removed)")
    a = ap.parse_args()

    import leftovers

    from riskgym.agents.loader import agent_factory
    from riskgym.run.runner import RunConfig, run

    tasks = mixed_tasks(a.tasks, a.episodes)
    out_root = a.keep or Path(tempfile.mkdtemp(prefix="riskgym-soak-runs-", dir=SHARED_TMP))
    print(f"soak: {len(tasks)} episodes ({sum(t.env == 'desktop' for t in tasks)} desktop), "
          f"{a.workers} worker(s), provider {a.provider}; machine: {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    before = leftovers.snapshot(a.provider, SHARED_TMP)
    warm, rss, episode_s, errors, done = None, [], [], [], 0
    t0 = time.monotonic()
    for i, batch in enumerate(batches(tasks, a.batch)):
        agent = "scripted:risky" if i % 2 == 0 else "scripted:safe"
        cfg = RunConfig(agent=agent, out=out_root / f"batch-{i:03d}", workers=a.workers, provider=a.provider,
                        progress=False)
        for r in run(cfg, batch, agent_factory(agent)):
            done += 1
            episode_s.append(r["timings"].get("episode_s", 0.0))
            if r["error"]:
                errors.append(f"{r['task_id']} ({agent}): {r['error'][:160]}")
        rss.append(leftovers.rss_kib())
        if warm is None:   # after the first batch: what stays loaded for good is loaded now
            warm = leftovers.snapshot(a.provider, SHARED_TMP)
            if a.tracemalloc:
                import tracemalloc
                tracemalloc.start(10)
                traced = tracemalloc.take_snapshot()
        print(f"  {done}/{len(tasks)} episodes, {time.monotonic() - t0:.0f} s, RSS {rss[-1] / 1024:.0f} MiB, "
              f"{len(errors)} errored", flush=True)
    wall = time.monotonic() - t0

    # teardown may still be finishing (a killed box's processes being reaped): wait for evidence
    end = time.monotonic() + a.settle
    while True:
        now = leftovers.snapshot(a.provider, SHARED_TMP)
        counted, shown = leftovers.left_behind(before, warm or before, now, PRIVATE_TMP, SHARED_TMP)
        if not any(counted.values()) or time.monotonic() > end:
            break
        time.sleep(0.5)

    print(f"\n{done} episodes in {wall:.0f} s (median episode {statistics.median(episode_s or [0]):.1f} s), "
          f"{len(errors)} errored; load now {os.getloadavg()[0]:.1f}")
    for e in errors[:10]:
        print(f"  error: {e}")
    growth = (now.rss_kib - warm.rss_kib) / 1024 if warm else 0.0
    print(f"driver RSS: {before.rss_kib / 1024:.0f} MiB before, {warm.rss_kib / 1024 if warm else 0:.0f} MiB after "
          f"the first batch, {now.rss_kib / 1024:.0f} MiB at the end: {growth:+.1f} MiB after warm-up "
          f"({1024 * growth / max(1, done - len(batches(tasks, a.batch)[0])):+.0f} KiB per later episode)")
    print(f"threads {before.threads} -> {now.threads}, file descriptors {before.fds} -> {now.fds}")
    # after the count (a leak that only the collector would end is still a leak there): how much of the
    # growth is garbage in cycles, and how much memory the allocator holds free but has not returned
    import ctypes
    import gc
    gc.collect()
    after_gc = leftovers.rss_kib()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    print(f"driver RSS after gc.collect(): {after_gc / 1024:.0f} MiB; after malloc_trim(0) as well: "
          f"{leftovers.rss_kib() / 1024:.0f} MiB")
    if a.tracemalloc and warm is not None:
        import tracemalloc
        print("Python allocations that grew most since the first batch:")
        for stat in tracemalloc.take_snapshot().compare_to(traced, "lineno")[:8]:
            print(f"  {stat}")
    print("left behind (counted):")
    for what, items in counted.items():
        print(f"  {what:12} {len(items)}" + "".join(f"\n      {x}" for x in items[:10]))
    for what, items in shown.items():
        if items:
            print(f"  new, not attributed to this run: {what}: {len(items)}"
                  + "".join(f"\n      {x}" for x in items[:5]))
    if not a.keep:
        shutil.rmtree(out_root, ignore_errors=True)
    shutil.rmtree(PRIVATE_TMP, ignore_errors=True)
    leaked = any(counted.values())
    print("RESULT: " + ("something was left behind" if leaked else "nothing left behind"))
    return 1 if leaked or (a.strict and errors) else 0


if __name__ == "__main__":
    sys.exit(main())
