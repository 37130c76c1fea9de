"""`--workers auto`: as many episodes in parallel as this machine's cores and memory carry.

Cores: a step keeps about one core busy (the app, Xvfb, the controller), so one worker per core
this process may run on. Memory: a worker's box may grow to its cgroup limit (BoxConfig.memory_mb)
and its env keeps a booted spare beside it (box/pool.py), and the host keeps some for itself; the
memory is what is available now, or what this process's cgroup still allows, whichever is less.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from riskgym.box import BoxConfig

SPARE_MB = 512      # a booted, idle spare box (Xvfb, the app at rest, the controller)
RESERVE_MB = 1024   # the host's own: this process, the page cache a run writes its records through


def choose_workers(cores: int, available_mb: int, box_mb: int = BoxConfig.memory_mb, spare_mb: int = SPARE_MB,
                   reserve_mb: int = RESERVE_MB) -> int:
    """Workers for `cores` cores and `available_mb` MiB of memory: at least 1."""
    by_memory = (available_mb - reserve_mb) // (box_mb + spare_mb)
    return max(1, min(cores, by_memory))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _available_mb() -> int:
    """MemAvailable, or less where this process's cgroup (v2 or v1 memory) has less left."""
    avail = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        if ctrls == "":                                # v2
            d, limit, usage = Path("/sys/fs/cgroup") / path.lstrip("/"), "memory.max", "memory.current"
        elif "memory" in ctrls.split(","):             # v1
            d, limit, usage = Path("/sys/fs/cgroup/memory") / path.lstrip("/"), "memory.limit_in_bytes", \
                "memory.usage_in_bytes"
        else:
            continue
        try:
            left = (int((d / limit).read_text()) - int((d / usage).read_text())) // 2**20
        except (OSError, ValueError):   # no such file, or "max": no limit there
            continue
        avail = left if avail is None else min(avail, left)
    return avail if avail is not None else 4096


def auto_workers() -> tuple[int, str]:
    cores, mb = _cores(), _available_mb()
    return choose_workers(cores, mb), f"{cores} cores, {mb} MiB available"


def workers_arg(text: str) -> int:
    """argparse type of --workers: a count, or 'auto' (said on stderr, with why)."""
    if text == "auto":
        import sys
        n, why = auto_workers()
        print(f"--workers auto: {n} ({why})", file=sys.stderr)
        return n
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is neither a count of at least 1 nor 'auto'")
    return n
