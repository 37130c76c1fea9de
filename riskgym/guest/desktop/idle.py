"""Whether an app has done all it was asked: every thread of its process asleep, and no CPU time
spent, for a moment. Evidence that keys sent to it were handled, whatever the machine's load: a
starved process is runnable ('R'), not asleep, so it never looks idle for lack of CPU. An app
also sleeps while it waits for another process's answer (the X server's, the session bus's), so
those are watched with it: idle is all of them at once."""
from __future__ import annotations

import time
from pathlib import Path


def _threads(pid: int) -> tuple[bool, int] | None:
    """(all threads asleep, CPU ticks so far) of `pid`, or None when it is gone."""
    asleep, ticks = True, 0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    for t in tasks:
        try:
            stat = (t / "stat").read_text()
        except OSError:
            continue   # a thread that just ended
        fields = stat.rsplit(")", 1)[1].split()   # after "pid (comm)": state, ppid, ... utime, stime
        asleep = asleep and fields[0] in ("S", "I", "Z", "X")
        ticks += int(fields[11]) + int(fields[12])
    return asleep, ticks


def wait_idle(*pids: int | None, quiet: float = 0.3, limit: float = 20.0, step: float = 0.05) -> bool:
    """True once every one of `pids` (those gone or unknown aside) has been idle for the same `quiet`
    s; False after `limit` s of one staying busy (an app that never rests: a spinner, a video)."""
    end = time.monotonic() + limit
    since = last = last_t = None
    while True:
        now = time.monotonic()
        states = [s for s in (_threads(p) for p in pids if p) if s is not None]
        if not states:
            return True
        asleep, ticks = all(s[0] for s in states), sum(s[1] for s in states)
        if asleep and ticks == last:   # idle since the last look at least
            since = last_t if since is None else since
            if now - since >= quiet:
                return True
        else:
            since = None
        last, last_t = ticks, now
        if now > end:
            return False
        time.sleep(step)
