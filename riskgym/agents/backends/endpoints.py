"""Several servers of one model (`--base-url URL1,URL2,...`): each request goes to the least loaded
live one; one that fails (connection refused, 5xx, timeout, 429) is left out for a while and then
tried again. Each process keeps its own counts: under Ray every worker balances its own requests,
which with one request at a time per episode spreads a cluster's load evenly enough."""
from __future__ import annotations

import itertools
import threading
import time

COOLDOWN_S = 30.0


def split_urls(text: str | None) -> list[str]:
    """'URL1, URL2' -> ['URL1', 'URL2'] (a single URL stays a list of one)."""
    return [u.strip().rstrip("/") for u in (text or "").split(",") if u.strip()]


class Endpoints:
    def __init__(self, urls: list[str], cooldown_s: float = COOLDOWN_S) -> None:
        if not urls:
            raise ValueError("no endpoint URL")
        self.urls, self.cooldown_s = list(urls), cooldown_s
        self._fresh()

    def _fresh(self) -> None:
        self.lock = threading.Lock()
        self.in_flight = {u: 0 for u in self.urls}
        self.down_until = {u: 0.0 for u in self.urls}
        self.turn = itertools.count()   # breaks ties in turn, so idle endpoints share the first requests

    def __getstate__(self) -> dict:     # shipped to another process (a Ray node): counts start afresh there
        return {"urls": self.urls, "cooldown_s": self.cooldown_s}

    def __setstate__(self, state: dict) -> None:
        self.urls, self.cooldown_s = state["urls"], state["cooldown_s"]
        self._fresh()

    def acquire(self) -> str:
        """The endpoint for the next request: the live one with fewest requests in flight; when all are
        out, the one that comes back first (a request must go somewhere)."""
        with self.lock:
            now, n = time.monotonic(), next(self.turn)
            live = [u for u in self.urls if self.down_until[u] <= now]
            if live:
                pick = min(live, key=lambda u: (self.in_flight[u], (self.urls.index(u) - n) % len(self.urls)))
            else:
                pick = min(self.urls, key=lambda u: self.down_until[u])
            self.in_flight[pick] += 1
            return pick

    def release(self, url: str, ok: bool) -> None:
        with self.lock:
            self.in_flight[url] -= 1
            if ok:
                self.down_until[url] = 0.0
            else:
                self.down_until[url] = time.monotonic() + self.cooldown_s
