"""What a process's boxes can leave behind on the host, read before and after (bench/soak.py).

Attribution on a shared machine: other people's boxes come and go meanwhile, so only what is
provably this process's counts as left behind: its own descendants, processes in a cgroup it
made (riskgym's cgroups are `riskgym-<12 hex>`, the names this process made are
cgroups._MINE, and every process of a local box is in its box's cgroups), those cgroups
themselves, entries in a temp dir given to this process alone (TMPDIR), containers labelled
with this process (docker provider), and this process's own threads and file descriptors.
Mounts are the host's table, compared as a whole; new `riskgym*` entries in the shared /tmp
and orphaned box-like processes outside any riskgym cgroup are shown but not counted.
"""
from __future__ import annotations

import os
import socket
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from riskgym.box.providers import cgroups

# process names a box runs (the browser box, the desktop box, the controller): orphans worth a look
BOXLIKE = {"Xvfb", "chromium", "chrome", "chrome_crashpad", "soffice.bin", "oosplash", "openbox", "bwrap",
           "dbus-daemon", "xfce4-terminal", "mousepad", "thunar", "gimp", "at-spi-bus-laun", "at-spi2-registr"}


def processes() -> dict[int, tuple[str, int, str]]:
    """pid -> (name, parent pid, start time in ticks) of every process now."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(d.name)] = (name, int(fields[1]), fields[19])
    return out


def descendants(procs: dict[int, tuple[str, int, str]], root: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for pid, (_, ppid, _) in procs.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = set(), [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in out:
                out.add(k)
                todo.append(k)
    return out


def cgroup_names(pid: int) -> set[str]:
    """The riskgym cgroup names (last path part) `pid` is in, in any hierarchy."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return set()
    return {p.rsplit("/", 1)[-1] for p in (line.split(":", 2)[-1] for line in lines)
            if p.rsplit("/", 1)[-1].startswith(cgroups.PREFIX)}


def cgroup_bases() -> list[Path]:
    root = cgroups.ROOT
    if (root / "cgroup.controllers").exists():
        return [root / cgroups._own_path(None).lstrip("/")]
    return [root / c / cgroups._own_path(c).lstrip("/") for c in ("memory", "pids")]


def riskgym_cgroups() -> set[str]:
    """Paths of every riskgym cgroup where this process makes its own (anyone's)."""
    out = set()
    for base in cgroup_bases():
        try:
            out |= {str(d) for d in base.iterdir() if d.is_dir() and d.name.startswith(cgroups.PREFIX)}
        except OSError:
            pass
    return out


def mounts() -> set[str]:
    lines = set()
    for f in ("/proc/self/mountinfo", "/proc/mounts"):
        try:
            lines |= {f"{f}: {line}" for line in Path(f).read_text().splitlines()}
        except OSError:
            pass
    return lines


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def containers(provider: str) -> list[str] | None:
    """This process's riskgym containers (docker provider); None where there is no docker provider."""
    if provider != "docker":
        return None
    from riskgym.box.providers.docker import LABEL
    label = f"{LABEL}={socket.gethostname()}:{os.getpid()}"
    r = subprocess.run(["docker", "ps", "-a", "--filter", f"label={label}", "--format", "{{.Names}}"],
                       capture_output=True, text=True, timeout=60)
    return r.stdout.split()


@dataclass
class Snapshot:
    procs: dict[int, tuple[str, int, str]]
    mounts: set[str]
    cgroups: set[str]
    shared_tmp: set[str]
    fds: int
    threads: int
    rss_kib: int
    containers: list[str] | None = field(default=None)


def snapshot(provider: str, shared_tmp: Path) -> Snapshot:
    return Snapshot(procs=processes(), mounts=mounts(), cgroups=riskgym_cgroups(),
                    shared_tmp={p.name for p in shared_tmp.iterdir() if p.name.startswith("riskgym")},
                    fds=len(os.listdir("/proc/self/fd")), threads=threading.active_count(),
                    rss_kib=rss_kib(), containers=containers(provider))


def left_behind(before: Snapshot, warm: Snapshot, now: Snapshot, private_tmp: Path,
                shared_tmp: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(what this process left: counted, what is new but may be anyone's: shown): `before` the first
    episode, and `now`; threads and descriptors from `warm` (after the first episodes: modules,
    logging and caches keep some open for good) to `now`."""
    me = os.getpid()
    mine_cg = set(cgroups._MINE)
    new = {pid: v for pid, v in now.procs.items() if before.procs.get(pid) != v}
    kids = descendants(now.procs, me)
    ours, theirs = [], []
    for pid, (name, ppid, _) in sorted(new.items()):
        cg = cgroup_names(pid)
        if pid in kids or cg & mine_cg:
            ours.append(f"{pid} {name} (parent {ppid}, cgroups {sorted(cg) or '-'})")
        elif name in BOXLIKE and ppid == 1 and not cg:
            theirs.append(f"{pid} {name} (orphan, in no riskgym cgroup)")
    counted = {
        "processes": ours,
        "cgroups": sorted(p for p in now.cgroups if p.rsplit("/", 1)[-1] in mine_cg),
        "mounts": sorted(now.mounts - before.mounts) + [f"gone: {m}" for m in sorted(before.mounts - now.mounts)],
        "temp": sorted(str(p) for p in private_tmp.iterdir()),
        "threads": [f"{warm.threads} -> {now.threads}: " + ", ".join(t.name for t in threading.enumerate())]
        if now.threads > warm.threads else [],
        "fds": [f"{warm.fds} -> {now.fds}: " + ", ".join(_fd_targets())] if now.fds > warm.fds else [],
        "containers": now.containers or [],
    }
    shown = {
        "processes (anyone's)": theirs,
        "cgroups (others')": sorted(now.cgroups - before.cgroups - set(counted["cgroups"])),
        f"riskgym* in {shared_tmp} (anyone's)": sorted(now.shared_tmp - before.shared_tmp),
    }
    return counted, shown


def _fd_targets() -> list[str]:
    out = []
    for fd in sorted(os.listdir("/proc/self/fd"), key=int):
        try:
            out.append(f"{fd}->{os.readlink(f'/proc/self/fd/{fd}')}")
        except OSError:
            pass
    return out
