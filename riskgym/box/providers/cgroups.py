"""Per-box resource limits through cgroups (v1 hierarchy or unified v2), when writable.

Memory and process-count limits need a cgroup: rlimits count per user, not per box, and
root bypasses RLIMIT_NPROC. Where no cgroup can be made (an unprivileged user, a read-only
/sys) the box still runs; `Cgroup.enforced` says so and the box records it.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
PREFIX = "riskgym-"


def _own_path(controller: str | None) -> str:
    """This process's cgroup path for a v1 controller (or v2 when None)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return "/"
    for line in lines:
        _, ctrls, path = line.split(":", 2)
        if (controller is None and ctrls == "") or (controller and controller in ctrls.split(",")):
            return path
    return "/"


class Cgroup:
    """One cgroup (per controller on v1) holding every process of a box."""

    def __init__(self, name: str, memory_bytes: int, max_pids: int) -> None:
        self.dirs: list[Path] = []
        self.memory_file: Path | None = None
        self.peak_file: Path | None = None
        self.enforced = False
        self.reason = ""
        try:
            if (ROOT / "cgroup.controllers").exists():  # pure v2
                self._make_v2(name, memory_bytes, max_pids)
            elif (ROOT / "memory").is_dir() and (ROOT / "pids").is_dir():
                self._make_v1(name, memory_bytes, max_pids)
            else:
                self.reason = "no cgroup hierarchy with memory and pids controllers"
                return
            self.enforced = True
        except OSError as exc:
            self.reason = f"cgroup not writable: {exc}"
            self.remove()

    def _mk(self, base: Path, name: str) -> Path:
        d = base / name
        _MINE.add(name)
        d.mkdir()
        self.dirs.append(d)
        return d

    def _make_v1(self, name: str, memory_bytes: int, max_pids: int) -> None:
        mem = self._mk(ROOT / "memory" / _own_path("memory").lstrip("/"), name)
        (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
        try:  # no swap on most hosts, but do not let a box swap its way past the limit
            (mem / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
        except OSError:
            pass
        pids = self._mk(ROOT / "pids" / _own_path("pids").lstrip("/"), name)
        (pids / "pids.max").write_text(str(max_pids))
        self.memory_file = mem / "memory.usage_in_bytes"
        self.peak_file = mem / "memory.max_usage_in_bytes"

    def _make_v2(self, name: str, memory_bytes: int, max_pids: int) -> None:
        d = self._mk(ROOT / _own_path(None).lstrip("/"), name)
        (d / "memory.max").write_text(str(memory_bytes))
        (d / "memory.swap.max").write_text("0") if (d / "memory.swap.max").exists() else None
        (d / "pids.max").write_text(str(max_pids))
        self.memory_file = d / "memory.current"
        self.peak_file = d / "memory.peak"

    def procs_files(self) -> list[str]:
        return [str(d / "cgroup.procs") for d in self.dirs]

    def peak_bytes(self) -> int | None:
        for f in (self.peak_file, self.memory_file):
            try:
                return int(f.read_text()) if f else None
            except (OSError, ValueError):
                continue
        return None

    def pids(self) -> set[int]:
        out: set[int] = set()
        for d in self.dirs:
            try:
                out |= {int(p) for p in (d / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return out

    def kill_all(self) -> None:
        for _ in range(50):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        for d in reversed(self.dirs):
            for _ in range(50):
                try:
                    d.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)
        self.dirs = []


_MINE: set[str] = set()   # cgroups this process made: never swept, even while still empty


def sweep_stale(min_age_s: float = 60.0) -> int:
    """Remove leftover riskgym cgroups whose processes are all gone (a host that died).

    Only old ones: another host (or another worker thread here) may have just made a cgroup
    that its box has not joined yet."""
    removed = 0
    bases = [ROOT / _own_path(None).lstrip("/")] if (ROOT / "cgroup.controllers").exists() else [
        ROOT / c / _own_path(c).lstrip("/") for c in ("memory", "pids")]
    for base in bases:
        try:
            entries = [d for d in base.iterdir() if d.is_dir() and d.name.startswith(PREFIX)]
        except OSError:
            continue
        for d in entries:
            try:
                if d.name in _MINE or time.time() - d.stat().st_mtime < min_age_s:
                    continue
                if not (d / "cgroup.procs").read_text().strip():
                    d.rmdir()
                    removed += 1
            except OSError:
                pass
    return removed


def pss_of(pids: set[int]) -> int | None:
    """Proportional set size of these processes (shared pages split fairly), None if none is readable."""
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except OSError:
            continue
    return total or None
