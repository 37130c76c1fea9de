"""The box's two users: the controller, and the user whose session the agent drives.

In the local box the controller runs as uid 0 of the box's user namespace with a handful of
capabilities that count only inside that namespace; everything the agent can reach (the
terminal's shell, the apps, setup commands, `run` requests) runs as uid 1000 with none. So a
`kill -9 -1`, `pkill -u user` or `rm -rf /tmp/*` typed in the terminal ends or deletes only the
user's own things: the controller, its event log, its socket to the host, the X server and the
site server's files belong to uid 0. Where the controller itself runs unprivileged (another
provider, a test), everything simply runs as that one user, as before.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

AGENT_UID = 1000
AGENT_GID = 1000


_CAP_SETUID = 7


def split() -> bool:
    """True when the controller can and should hand the agent's processes to uid 1000: it is
    uid 0 in a box and holds CAP_SETUID (a provider that drops it gets the single-user box)."""
    global _SPLIT
    if _SPLIT is None:
        try:
            eff = next(int(l.split()[1], 16) for l in open("/proc/self/status") if l.startswith("CapEff:"))
        except (OSError, StopIteration, ValueError):
            eff = 0
        _SPLIT = os.getuid() == 0 and os.environ.get("RISKGYM_IN_BOX") == "1" and bool(eff >> _CAP_SETUID & 1)
    return _SPLIT


_SPLIT: bool | None = None


def popen_kwargs() -> dict[str, Any]:
    """subprocess keyword arguments that start a process as the agent's user (all capabilities
    go with the switch from uid 0: the kernel clears them)."""
    if not split():
        return {}
    return {"user": AGENT_UID, "group": AGENT_GID, "extra_groups": []}


CONTROLLER_ONLY = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "RISKGYM_IN_BOX", "NO_AT_BRIDGE")


def session_env(**extra: str) -> dict[str, str]:
    """The environment the agent's processes get: the controller's, less what is the controller's own."""
    return {**{k: v for k, v in os.environ.items() if k not in CONTROLLER_ONLY}, **extra}


def give(path: Path | str, recursive: bool = False) -> None:
    """Make a file (or a tree) the agent user's, as if the user had made it."""
    if not split():
        return
    p = Path(path)
    os.lchown(p, AGENT_UID, AGENT_GID)
    if recursive and p.is_dir() and not p.is_symlink():
        for dirpath, dirs, files in os.walk(p):
            for name in dirs + files:
                os.lchown(os.path.join(dirpath, name), AGENT_UID, AGENT_GID)


def give_new_parents(path: Path, stop: Path) -> None:
    """The user owns the folders setup just made for one of its files (up to `stop`, excluded)."""
    for parent in path.parents:
        if parent == stop or not str(parent).startswith(str(stop) + "/"):
            break
        give(parent)
