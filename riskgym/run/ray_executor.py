"""`--executor ray`: each worker is a Ray actor holding one Slot (an agent and its warm boxes) on a
node of a Ray cluster; episodes go to idle workers and their records come back to the driver.

Nodes share nothing with the driver but Ray: a worker writes an episode into its own temporary
folder, sends the files back as the episode ends, and the driver puts them into --out (result.json
last, the folder swapped in whole), so resume, reports and replay see a run like any other.

A worker asks for what a box needs: `cpus` CPUs and the box's memory, and one unit of the custom
resource `riskgym_box` where the cluster declares it (a node started with
`--resources '{"riskgym_box": N}'` runs at most N boxes). A worker lost with its node or process is
replaced, and its episode comes back as the exception that lost it (the run loop retries it
elsewhere); an episode's own failure comes back as its result, like with threads.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

from riskgym.box import BoxConfig
from riskgym.core.records import RESULT
from riskgym.run.config import Interrupted, RunConfig, RunError
from riskgym.run.episode import Slot

log = logging.getLogger(__name__)

BOX_RESOURCE = "riskgym_box"
INSTALL_HINT = "--executor ray needs Ray: pip install 'riskgym[ray]' (Ray 2.60)"
MAX_START_FAILURES = 5     # workers that could not start in a row, with none running: the run stops
PLACE_TIMEOUT_S = 300.0     # no worker could be placed on the cluster for this long: stop asking


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RunError(INSTALL_HINT) from None
    return ray


class EpisodeWorker:
    """Runs on a node (wrapped by ray.remote in RayExecutor.start): one Slot, episodes one at a time."""

    def __init__(self, cfg_fields: dict[str, Any], make_agent: Callable[[], Any], prestart: frozenset[str]) -> None:
        sweep_stale_folders()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"riskgym-ray-{os.getpid()}-"))
        self.cfg = RunConfig(**{**cfg_fields, "out": self.tmp, "progress": False})
        self.slot = Slot(self.cfg, make_agent, prestart)

    def where(self) -> str:
        import ray
        return ray.get_runtime_context().get_node_id()

    def play(self, task: Any) -> dict[str, Any]:
        try:
            result = self.slot.play(task)
        except Interrupted:
            return {"interrupted": True}
        tdir = self.tmp / task.id
        files = {str(f.relative_to(tdir)): f.read_bytes() for f in sorted(tdir.rglob("*")) if f.is_file()}
        shutil.rmtree(tdir, ignore_errors=True)
        return {"result": result, "files": files}

    def stop(self) -> None:
        """Called while play() runs (the actor has two threads): end the running episode's box now."""
        self.cfg.stop.set()
        self.slot.close()

    def shutdown(self) -> None:
        self.slot.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def sweep_stale_folders() -> int:
    """Remove the temporary folders of workers that were killed on this node (their pid is gone)."""
    n = 0
    for d in Path(tempfile.gettempdir()).glob("riskgym-ray-*-*"):
        pid = d.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(d, ignore_errors=True)
            n += 1
    return n


def land_records(out: Path, task_id: str, files: dict[str, bytes]) -> None:
    """Write an episode's files into out/task_id as one step: a fresh folder, result.json last, then
    swapped in for any earlier attempt's. A crash in between leaves no result: the task runs on resume."""
    incoming = out / ".incoming" / task_id
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True)
    for rel, data in sorted(files.items(), key=lambda kv: kv[0] == RESULT):
        dest = (incoming / rel).resolve()
        if incoming.resolve() not in dest.parents:
            raise RunError(f"{task_id}: a record path leaves the task's folder: {rel!r}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    final = out / task_id
    if final.exists():
        shutil.rmtree(final)
    os.replace(incoming, final)


def check_shippable(ray: Any, make_agent: Callable[[], Any]) -> None:
    """The agent factory goes to every node: say what in it cannot be pickled, before any box starts."""
    import sys

    from riskgym.agents.loader import FILE_MODULE_PREFIX

    for name, mod in list(sys.modules.items()):   # agents loaded from a file are not importable on a node
        if name.startswith(FILE_MODULE_PREFIX) and mod is not None:
            ray.cloudpickle.register_pickle_by_value(mod)
    try:
        ray.cloudpickle.dumps(make_agent)
    except Exception as exc:
        import contextlib
        import io

        from ray.util import inspect_serializability

        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            _, failures = inspect_serializability(make_agent, name="the agent factory")
        what = ", ".join(sorted({f"{_path(f)} ({type(f.obj).__name__})" for f in failures})) or str(exc)
        raise RunError(f"--executor ray: the agent cannot be shipped to the nodes: {what} cannot be pickled "
                       f"({type(exc).__name__}: {exc}); make it a module-level class whose attributes pickle, "
                       "or use --executor thread") from None


class RayExecutor:
    def __init__(self, cfg: RunConfig, cpus: float = 1.0) -> None:
        self.ray = import_ray()
        self.cfg, self.cpus = cfg, cpus

    def start(self, cfg: RunConfig, make_agent: Callable[[], Any], prestart: frozenset[str]) -> "_RayPool":
        ray = self.ray
        started = not ray.is_initialized()
        if started:
            env_address = cfg.executor_address or os.environ.get("RAY_ADDRESS")
            kw: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                                      configure_logging=True)
            if env_address:
                ray.init(address=env_address, **kw)
            else:   # a local Ray for this run only, sized for its workers
                ray.init(address="local", num_cpus=max(os.cpu_count() or 1, int(cfg.workers * self.cpus)),
                         resources={BOX_RESOURCE: cfg.workers}, **kw)
        check_shippable(ray, make_agent)
        return _RayPool(ray, cfg, make_agent, prestart, self.cpus, started)


class _RayPool:
    def __init__(self, ray: Any, cfg: RunConfig, make_agent: Callable[[], Any], prestart: frozenset[str],
                 cpus: float, started: bool) -> None:
        self.ray, self.cfg, self.started, self.cpus = ray, cfg, started, cpus
        mem = BoxConfig().memory_mb * 1024 * 1024
        res = {BOX_RESOURCE: 1} if ray.cluster_resources().get(BOX_RESOURCE) else {}
        self.actor_cls = ray.remote(EpisodeWorker).options(
            num_cpus=cpus, memory=mem, resources=res, max_concurrency=2, max_restarts=0, max_task_retries=0)
        self.args = (cfg.portable(out=Path("."), progress=False), make_agent, prestart)
        self.queue: deque[tuple[Any, str | None]] = deque()
        self.idle: list[Any] = []
        self.node: dict[Any, str] = {}          # actor -> its node id, once placed
        self.starting: dict[Any, Any] = {}      # where() ref -> actor not yet placed
        self.busy: dict[Any, tuple[Any, Any]] = {}   # play() ref -> (task, actor)
        self.pending = 0
        self.waiting_since: float | None = None
        self.start_failures = 0
        for _ in range(max(1, cfg.workers)):
            self._spawn()

    def _spawn(self) -> None:
        actor = self.actor_cls.remote(*self.args)
        self.starting[actor.where.remote()] = actor

    def submit(self, task: Any, avoid: str | None = None) -> None:
        self.pending += 1
        self.queue.append((task, avoid))

    def _dispatch(self) -> None:
        while self.queue and self.idle:
            task, avoid = self.queue.popleft()
            pick = next((a for a in self.idle if self.node.get(a) != avoid), self.idle[0])
            self.idle.remove(pick)
            self.busy[pick.play.remote(task)] = (task, pick)

    def next_done(self) -> tuple[Any, Any, str | None]:
        ray = self.ray
        while True:
            self._dispatch()
            refs = list(self.busy) + list(self.starting)
            if not refs:   # every worker was lost and none is being placed
                self._spawn()
                continue
            ready, _ = ray.wait(refs, num_returns=1, timeout=0.5)
            if not ready:
                self._check_placement()
                continue
            ref = ready[0]
            if ref in self.starting:
                actor = self.starting.pop(ref)
                try:
                    self.node[actor] = ray.get(ref)
                    self.idle.append(actor)
                    self.waiting_since, self.start_failures = None, 0
                except ray.exceptions.RayError as exc:
                    self.start_failures += 1
                    if self.start_failures >= MAX_START_FAILURES and not self.idle and not self.busy:
                        raise RunError(f"--executor ray: {self.start_failures} workers failed to start, the last "
                                       f"with: {exc}; is riskgym installed on every node?") from None
                    log.warning("a Ray worker could not start: %s", exc)
                    self._spawn()
                continue
            task, actor = self.busy.pop(ref)
            where = self.node.get(actor)
            self.pending -= 1
            try:
                out = ray.get(ref)
            except ray.exceptions.RayError as exc:   # the worker, its process or its node is gone
                self._forget(actor)
                if not self.cfg.stop.is_set():
                    self._spawn()
                return task, exc, where
            self.idle.append(actor)
            if out.get("interrupted"):
                return task, Interrupted(task.id), where
            result = {**out["result"], "node": where}   # which node played it, in the record too
            land_records(self.cfg.out, task.id, {**out["files"], RESULT: json.dumps(
                result, indent=2, ensure_ascii=False, default=str).encode()})
            return task, result, where

    def _check_placement(self) -> None:
        """Workers that the cluster cannot place (no node has the CPU, memory or riskgym_box they ask
        for) would leave the run waiting for ever: after PLACE_TIMEOUT_S with none alive, say so."""
        if self.busy or self.idle or not self.starting:
            self.waiting_since = None
            return
        self.waiting_since = self.waiting_since or time.monotonic()
        if time.monotonic() - self.waiting_since > PLACE_TIMEOUT_S:
            raise RunError(f"--executor ray: no worker could be placed in {PLACE_TIMEOUT_S:.0f} s; each asks for "
                           f"{self.cpus} CPU, the box's memory and "
                           f"{BOX_RESOURCE} where declared; the cluster has {self.ray.available_resources()}")

    def _forget(self, actor: Any) -> None:
        self.node.pop(actor, None)
        if actor in self.idle:
            self.idle.remove(actor)
        try:
            self.ray.kill(actor)
        except Exception as exc:
            log.debug("killing a lost worker: %s", exc)

    def cancel(self) -> None:
        while self.queue:
            self.queue.popleft()
            self.pending -= 1

    def end_running(self) -> None:
        for _task, actor in self.busy.values():
            try:
                actor.stop.remote()
            except Exception as exc:
                log.debug("stopping a worker: %s", exc)

    def close(self) -> None:
        ray = self.ray
        self.cancel()
        if self.busy:   # let the stopped episodes come back (their boxes are closing), then end the workers
            ray.wait(list(self.busy), num_returns=len(self.busy), timeout=60)
        placed = list(self.idle) + [a for _, a in self.busy.values()]
        actors = placed + list(self.starting.values())
        closing = [a.shutdown.remote() for a in placed]   # each closes its boxes and removes its folder, at once
        for ref in closing:
            try:
                ray.get(ref, timeout=30)
            except Exception as exc:   # a lost worker: nothing to close
                log.debug("shutting a worker down: %s", exc)
        for actor in actors:
            try:
                ray.kill(actor)
            except Exception as exc:
                log.debug("killing a worker: %s", exc)
        self.idle, self.busy, self.starting = [], {}, {}
        try:
            (self.cfg.out / ".incoming").rmdir()   # empty once every episode has landed
        except OSError:
            pass
        if self.started:
            ray.shutdown()


def _path(failure: Any) -> str:
    """Where in the factory the unpicklable object sits, e.g. 'Holds.lock' (Ray's FailureTuple)."""
    path = getattr(failure, "path", None)
    return ".".join(str(p) for p in path) if isinstance(path, (list, tuple)) and path else \
        str(getattr(failure, "name", None) or type(failure.obj).__name__)
