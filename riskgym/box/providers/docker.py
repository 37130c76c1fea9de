"""The `docker` provider: each box is a container of the riskgym image (vm_images/Dockerfile).

The container has no network at all (network_mode none: loopback only, the site server is "the
internet"), runs the same controller as the local box as uid 1000 with every capability dropped,
a read-only image, tmpfs home and /tmp, and the memory/pids limits of BoxConfig. The host listens
on a Unix socket in a private folder mounted into the container; the controller connects to it
and speaks the same framed protocol as over the local box's socketpair. Containers carry labels
naming the host process that made them, so the next box removes those whose host died.

In the box the controller is started as
    python -m riskgym.guest.launch --connect unix:/run/riskgym/ctl.sock --boot JSON
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from riskgym.box.handle import Box, BoxConfig, BoxError, BoxUnavailable, hosts_file
from riskgym.box.providers.cgroups import pss_of
from riskgym.core.protocol import Channel

PACKAGE_DIR = Path(__file__).resolve().parents[2]     # .../riskgym
REPO_DIR = PACKAGE_DIR.parent
log = logging.getLogger(__name__)
IMAGE_REPO = "riskgym-box"
LABEL = "org.riskgym.box"                             # value: "<host name>:<host pid>"
BOX_RUN = "/run/riskgym"                              # the mounted folder, inside the box
SOCK_NAME = "ctl.sock"
API_TIMEOUT_S = 60
# What the image is built from (the tag is their hash, so a box never runs a stale controller).
IMAGE_INPUTS = ("vm_images/Dockerfile", "vm_images/packages-base.txt", "vm_images/packages-desktop.txt",
                "pyproject.toml", ".dockerignore")


@functools.lru_cache(maxsize=1)
def image_tag() -> str:
    """riskgym-box:<hash of the Dockerfile, the package lists and riskgym's source>, as they were
    when this process first asked (a long run keeps its image while the source is edited)."""
    h = hashlib.sha256()
    files = [REPO_DIR / p for p in IMAGE_INPUTS] + sorted(
        p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(REPO_DIR)).encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{IMAGE_REPO}:{h.hexdigest()[:16]}"


def default_image() -> str:
    return os.environ.get("RISKGYM_DOCKER_IMAGE") or image_tag()


def connect(timeout: float = API_TIMEOUT_S):
    """A Docker SDK client for DOCKER_HOST (or the default socket), checked with a ping."""
    try:
        import docker
    except ImportError:
        raise BoxUnavailable("the docker provider needs the Docker SDK: pip install 'riskgym[docker]'") from None
    where = os.environ.get("DOCKER_HOST") or "the default socket"
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except Exception as exc:
        raise BoxUnavailable(f"no Docker engine at {where} ({type(exc).__name__}: {str(exc)[:200]}); start Docker "
                       "or set DOCKER_HOST (no Docker here? vm_images/podman-engine.sh serves one)") from None


def _host_alive(label: str) -> bool:
    host, _, pid = label.rpartition(":")
    if host != socket.gethostname():
        return True          # another machine's box: not ours to judge
    try:
        os.kill(int(pid), 0)
        return True
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True


def sweep_stale(client) -> int:
    """Remove riskgym containers whose host process is gone (killed before it could clean up)."""
    removed = 0
    for c in client.containers.list(all=True, filters={"label": LABEL}):
        if not _host_alive(c.labels.get(LABEL, "")):
            try:
                c.remove(force=True)
                removed += 1
            except Exception as exc:
                log.debug("a stale container was not removed: %s", exc)
    return removed


class _ContainerCgroup:
    """The container's memory cgroup, read from the host (v2, or v1's memory controller)."""

    def __init__(self, pid: int) -> None:
        self.dir: Path | None = None
        try:
            for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
                _, ctrls, path = line.split(":", 2)
                base = Path("/sys/fs/cgroup/memory") if "memory" in ctrls.split(",") else (
                    Path("/sys/fs/cgroup") if ctrls == "" and Path("/sys/fs/cgroup/cgroup.controllers").exists()
                    else None)
                if base is not None and (base / path.lstrip("/")).is_dir():
                    self.dir = base / path.lstrip("/")
                    break
        except (OSError, ValueError):
            pass

    def pids(self) -> set[int]:
        try:
            return {int(p) for p in (self.dir / "cgroup.procs").read_text().split()} if self.dir else set()
        except OSError:
            return set()

    def peak_bytes(self) -> int | None:
        for name in ("memory.peak", "memory.max_usage_in_bytes", "memory.current", "memory.usage_in_bytes"):
            try:
                return int((self.dir / name).read_text()) if self.dir else None
            except (OSError, ValueError):
                continue
        return None


class DockerBox(Box):
    provider = "docker"

    @classmethod
    def requirements(cls) -> list[str]:
        try:
            connect(timeout=10)
        except BoxUnavailable as exc:
            return [str(exc)]
        return []

    @classmethod
    def cleanup_stale(cls) -> int:
        return sweep_stale(connect())

    def __init__(self, config: BoxConfig | None = None, image: str | None = None) -> None:
        super().__init__(config or BoxConfig())
        self.image = image or default_image()
        self.client = connect()
        self.container = None
        self.cgroup: _ContainerCgroup | None = None
        self._kill_lock = threading.Lock()
        try:
            sweep_stale(self.client)
        except Exception as exc:   # a failed sweep must not stop this box
            log.debug("sweeping stale containers failed: %s", exc)
        self.dir = Path(tempfile.mkdtemp(prefix="riskgym-docker-"))
        try:
            self._start()
        except BaseException:
            self.kill()
            raise

    def _run_kwargs(self) -> dict[str, Any]:
        c = self.config
        (self.dir / "hosts").write_text(hosts_file(c))
        boot = {"width": c.width, "height": c.height, "persona": c.persona, "app": c.start_app, "hosts": c.hosts}
        tmpfs = f"size={c.disk_mb}m"
        # the engine's own clock as well: the box dies even if this host process cannot kill it
        cmd = ["timeout", "-s", "KILL", str(int(c.wall_s) + 30), "python3", "-m", "riskgym.guest.launch",
               "--connect", f"unix:{BOX_RUN}/{SOCK_NAME}", "--boot", json.dumps(boot)]
        return dict(
            image=self.image, command=cmd, detach=True, name=f"riskgym-{uuid.uuid4().hex[:12]}",
            labels={LABEL: f"{socket.gethostname()}:{os.getpid()}"}, hostname="box",
            network_mode="none", user="1000:1000", cap_drop=["ALL"], security_opt=["no-new-privileges"],
            # the site server binds ports 80 and 25 as the box's user, as in the local box's netns
            sysctls={"net.ipv4.ip_unprivileged_port_start": "0"},
            mem_limit=c.memory_mb << 20, memswap_limit=c.memory_mb << 20, pids_limit=c.max_pids,
            read_only=True, init=True, shm_size="256m",
            # engines differ on tmpfs uid= options: the launcher makes the home, as its owner
            tmpfs={"/tmp": f"{tmpfs},mode=1777", "/home": f"{tmpfs},mode=1777", "/var/tmp": "size=16m,mode=1777"},
            working_dir="/tmp",
            volumes={str(self.dir): {"bind": BOX_RUN, "mode": "rw"},
                     str(self.dir / "hosts"): {"bind": "/etc/hosts", "mode": "ro"}},
        )

    def _start(self) -> None:
        import docker.errors

        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = self.dir / SOCK_NAME
        listener.bind(str(path))
        listener.listen(1)
        # the box's user (uid 1000) must reach the socket; nobody else has a way into this folder
        os.chmod(path, 0o777)
        self.dir.chmod(0o711)
        try:
            try:
                self.container = self.client.containers.run(**self._run_kwargs())
            except docker.errors.ImageNotFound:
                raise BoxUnavailable(f"no image {self.image} in the Docker engine: build it with: make image") from None
            except docker.errors.APIError as exc:
                if "image" in str(exc).lower() and ("not found" in str(exc).lower() or "unknown" in str(exc).lower()):
                    raise BoxUnavailable(f"no image {self.image} in the Docker engine: build it with: "
                                         "make image") from None
                raise BoxError(f"docker could not start the box: {exc}") from None
            conn = self._accept(listener)
        finally:
            listener.close()
            path.unlink(missing_ok=True)
        self._arm_wall_clock()
        self._hello(Channel(conn), self.logs_tail)
        self.info.update(container=self.container.name, image=self.image, limits_enforced=True)
        try:
            self.container.reload()
            self.cgroup = _ContainerCgroup(int(self.container.attrs["State"]["Pid"]))
        except Exception as exc:
            log.debug("the container's cgroup is not readable: %s", exc)

    def _accept(self, listener: socket.socket) -> socket.socket:
        """Wait for the controller to connect; fail fast if the container exits first."""
        end = time.monotonic() + self.config.call_timeout_s
        listener.settimeout(0.5)
        while time.monotonic() < end:
            try:
                conn, _ = listener.accept()
                conn.settimeout(None)
                return conn
            except socket.timeout:
                self.container.reload()
                if self.container.status in ("exited", "dead"):
                    raise BoxError(f"box container exited before its controller connected: {self.logs_tail()}")
        raise BoxError(f"box controller did not connect within {self.config.call_timeout_s:.0f} s: {self.logs_tail()}")

    def logs_tail(self) -> str:
        try:
            return self.container.logs(tail=40).decode(errors="replace").strip()[-3000:]
        except Exception:
            return ""

    def peak_memory_bytes(self) -> int | None:
        peak = self.cgroup.peak_bytes() if self.cgroup else None
        if peak is None and self.container is not None:
            try:
                mem = self.container.stats(stream=False).get("memory_stats") or {}
                peak = mem.get("max_usage") or mem.get("usage")
            except Exception as exc:
                log.debug("the container's memory stats are not readable: %s", exc)
        return peak

    def pss_bytes(self) -> int | None:
        return pss_of(self.cgroup.pids()) if self.cgroup else None   # the container's cgroup, read from the host

    def kill(self) -> None:
        with self._kill_lock:
            self._drop_channel()
            if self.container is not None:
                try:
                    self.container.remove(force=True)
                except Exception as exc:
                    if "no such container" not in str(exc).lower() and "404" not in str(exc):
                        self.dead_reason = self.dead_reason or f"container not removed: {exc}"
                self.container = None
            shutil.rmtree(self.dir, ignore_errors=True)
            if self._timer:
                self._timer.cancel()
