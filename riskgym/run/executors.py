"""Where a run's episodes execute: EXECUTORS, one row per way (threads of this process, or Ray).

An executor's `start(cfg, make_agent, prestart)` gives a Pool of workers, each a Slot (one agent and
its warm boxes). The run loop (runner.py) submits tasks and takes them back as they end with
`next_done()` -> (task, outcome, where): the outcome is the episode's result dict, Interrupted, or
the exception that lost the worker (an infra failure); `where` names the node, so a retry can go
elsewhere. The task's records are in the run's folder when its outcome is handed back. On Ctrl-C the
run loop calls cancel() (drop what has not started), end_running() (end the running episodes' boxes),
then close() (wait for them). Everything else (resume, retries, records, progress) is the run loop's.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Protocol

from riskgym.run.config import Interrupted, RunConfig, RunError
from riskgym.run.episode import Slot


class Pool(Protocol):
    pending: int

    def submit(self, task: Any, avoid: str | None = None) -> None: ...

    def next_done(self) -> tuple[Any, Any, str | None]: ...

    def cancel(self) -> None: ...

    def end_running(self) -> None: ...

    def close(self) -> None: ...


class ThreadExecutor:
    """Episodes in threads of this process, one box each (`--workers N`)."""

    def __init__(self, cfg: RunConfig) -> None:
        self.workers = max(1, cfg.workers)

    def start(self, cfg: RunConfig, make_agent: Callable[[], Any], prestart: frozenset[str]) -> "_Threads":
        return _Threads(self.workers, cfg, make_agent, prestart)


class _Threads:
    def __init__(self, workers: int, cfg: RunConfig, make_agent: Callable[[], Any], prestart: frozenset[str]) -> None:
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="riskgym-worker")
        self.cfg, self.make_agent, self.prestart = cfg, make_agent, prestart
        self.local = threading.local()
        self.slots: list[Slot] = []
        self.lock = threading.Lock()
        self.done: queue.Queue[tuple[Any, Future]] = queue.Queue()
        self.futures: list[Future] = []
        self.pending = 0

    def _play(self, task: Any) -> dict[str, Any]:
        slot = getattr(self.local, "slot", None)
        if slot is None:
            slot = self.local.slot = Slot(self.cfg, self.make_agent, self.prestart)
            with self.lock:
                self.slots.append(slot)
        return slot.play(task)

    def submit(self, task: Any, avoid: str | None = None) -> None:
        self.pending += 1
        fut = self.pool.submit(self._play, task)
        self.futures.append(fut)
        fut.add_done_callback(lambda f, t=task: self.done.put((t, f)))

    def next_done(self) -> tuple[Any, Any, str | None]:
        while True:
            try:
                task, fut = self.done.get(timeout=0.5)   # a timeout keeps Ctrl-C prompt in the main thread
                break
            except queue.Empty:
                continue
        self.pending -= 1
        if fut.cancelled():
            return task, Interrupted(task.id), None
        exc = fut.exception()
        return task, (exc if exc is not None else fut.result()), None

    def cancel(self) -> None:
        for fut in self.futures:
            fut.cancel()

    def end_running(self) -> None:
        with self.lock:
            for slot in self.slots:
                slot.close()

    def close(self) -> None:
        self.cancel()
        self.pool.shutdown(wait=True)
        with self.lock:
            for slot in self.slots:
                slot.close()


def _ray_executor(cfg: RunConfig) -> Any:
    from riskgym.run.ray_executor import RayExecutor

    return RayExecutor(cfg)


EXECUTORS: dict[str, Callable[[RunConfig], Any]] = {"thread": ThreadExecutor, "ray": _ray_executor}


def make_executor(cfg: RunConfig) -> Any:
    if cfg.executor not in EXECUTORS:
        raise RunError(f"--executor {cfg.executor!r}: expected one of {', '.join(EXECUTORS)}")
    return EXECUTORS[cfg.executor](cfg)
