"""Where a run's episodes execute: EXECUTORS, one row per way (today: threads of this process).

An executor starts `fn(task)` for each task, `workers` at a time, and hands back a Running set:
`finished()` yields (task, future) as each episode ends (the future holds its result or its
exception), `cancel()` drops what has not started, `close()` also waits for what has. The run loop
(runner.py) owns everything else: records, resume, progress, and on Ctrl-C the order that stops a
run at once: cancel, end the running episodes' boxes, then close.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from typing import Any, Callable, Iterator, Protocol


class Running(Protocol):
    def finished(self) -> Iterator[tuple[Any, Future]]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


class ThreadExecutor:
    """Episodes in threads of this process, one box each (`--workers N`)."""

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)

    def start(self, fn: Callable[[Any], Any], tasks: list[Any]) -> "_Threads":
        return _Threads(ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="riskgym-worker"), fn, tasks)


class _Threads:
    def __init__(self, pool: ThreadPoolExecutor, fn: Callable[[Any], Any], tasks: list[Any]) -> None:
        self.pool = pool
        self.futures = {pool.submit(fn, t): t for t in tasks}

    def finished(self) -> Iterator[tuple[Any, Future]]:
        for fut in as_completed(self.futures):
            yield self.futures[fut], fut

    def cancel(self) -> None:
        for fut in self.futures:
            fut.cancel()

    def close(self) -> None:
        self.cancel()
        self.pool.shutdown(wait=True)


EXECUTORS: dict[str, Callable[[int], Any]] = {"thread": ThreadExecutor}
