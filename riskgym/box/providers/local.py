"""The `local` provider: a box made of Linux namespaces with bubblewrap, no daemon needed.

Inside: a fresh network namespace with only loopback (the site server is "the internet"),
a read-only view of the system's /usr and /etc, private tmpfs home and /tmp that die with
the box, a PID namespace, an unprivileged user namespace with every capability dropped, and
a cgroup for memory and process count. The host's files, the repository and the run's
records are simply not mounted.

The user namespace maps two users (see riskgym/guest/users.py): the controller is uid 0 in it, with only
the capabilities it needs to hand processes and files to the agent's user and to read them
back (they count only inside the namespace, and no_new_privs and nosuid mounts stop any way
back up); the agent's shell and apps are uid 1000, mapped to an unprivileged host uid, with
none. So what the agent types cannot kill or rewrite the controller, its log or its socket. The
controller talks to the host over a socketpair, so no path is shared at all; bubblewrap's
--die-with-parent tears the box down if the host dies.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from riskgym.box.handle import Box, BoxConfig, BoxError, BoxUnavailable, hosts_file
from riskgym.box.providers import cgroups
from riskgym.core.protocol import Channel

PACKAGE_DIR = Path(__file__).resolve().parents[2]   # .../riskgym
BOX_UID = 1000
# the agent's uid 1000 is this host uid: unprivileged, owning nothing on the host
HOST_AGENT_UID = 1_800_001_000
# what the controller (uid 0 in the box) keeps: hand things to uid 1000, read and end them
CONTROLLER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_CHOWN", "CAP_FOWNER", "CAP_DAC_OVERRIDE", "CAP_KILL",
                   "CAP_SYS_PTRACE")
BOX_HOME = "/home/user"
BOX_PKG_ROOT = "/opt/riskgym"                       # riskgym's source, read-only, inside the box

# The netns is made by `unshare` (as root) so the box can bind ports 80 and 25 without
# keeping any capability; then the shell joins the cgroup and execs bubblewrap.
_NETNS_SCRIPT = (
    'for f in $RISKGYM_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; '
    "ip link set lo up || exit 98; "
    "sysctl -qw net.ipv4.ip_unprivileged_port_start=0 || exit 99; "
    'exec "$@"'
)


def missing_requirements() -> list[str]:
    """What this machine lacks to start a local box (empty when it can)."""
    missing = [b for b in ("bwrap", "unshare", "ip", "sysctl") if not shutil.which(b)]
    if os.geteuid() != 0:
        missing.append("root (the local provider makes a network namespace with unshare)")
    return missing


def _python_paths() -> list[str]:
    """Read-only binds that let the box run this same Python and its packages."""
    paths = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    for p in list(sys.path):
        rp = os.path.realpath(p) if p else ""
        if rp and os.path.isdir(rp) and "site-packages" in rp:
            paths.add(rp)
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    # keep only the outermost of nested paths
    out: list[str] = []
    for p in sorted(paths):
        if not any(p == o or p.startswith(o + "/") for o in out):
            out.append(p)
    return [p for p in out if not p.startswith(("/usr/", "/etc/")) and p not in ("/usr", "/etc")]


def _etc_files(config: BoxConfig) -> dict[str, str]:
    passwd = (f"root:x:0:0:riskgym controller:/root:/usr/sbin/nologin\n"
              f"user:x:{BOX_UID}:{BOX_UID}:Box User:{BOX_HOME}:/bin/bash\n"
              "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
    group = f"root:x:0:\nuser:x:{BOX_UID}:\nnogroup:x:65534:\n"
    return {"/etc/hosts": hosts_file(config), "/etc/passwd": passwd, "/etc/group": group, "/etc/hostname": "box\n"}


def _two_user_namespace() -> int:
    """A user namespace mapping box uid 0 to the caller (bubblewrap, started by root, must stay
    mapped to set the box up) and box uid 1000 to HOST_AGENT_UID; returns an fd on it for
    bubblewrap's --userns. bubblewrap alone maps a single uid, which leaves no second user."""
    mine = os.readlink("/proc/self/ns/user")
    holder = subprocess.Popen(["unshare", "--user", "--", "/bin/sh", "-c", "read _"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
    try:
        deadline = time.monotonic() + 10
        while os.readlink(f"/proc/{holder.pid}/ns/user") == mine:
            if holder.poll() is not None or time.monotonic() > deadline:
                raise BoxError("could not make the box's user namespace (unshare --user failed)")
            time.sleep(0.002)
        uid, gid = os.getuid(), os.getgid()
        for name, outer in (("uid_map", uid), ("gid_map", gid)):
            with open(f"/proc/{holder.pid}/{name}", "w") as f:
                f.write(f"0 {outer} 1\n{BOX_UID} {HOST_AGENT_UID} 1\n")
        return os.open(f"/proc/{holder.pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)


class LocalBox(Box):
    provider = "local"

    @classmethod
    def requirements(cls) -> list[str]:
        return missing_requirements()

    @classmethod
    def cleanup_stale(cls) -> int:
        return cgroups.sweep_stale()   # cgroups left by a host that was killed before it could clean up

    def __init__(self, config: BoxConfig | None = None) -> None:
        super().__init__(config or BoxConfig())
        missing = self.requirements()
        if missing:
            raise BoxUnavailable("cannot start a local box, missing: " + ", ".join(missing)
                                 + " (install bubblewrap and iproute2, run as root, or use --provider docker)")
        self.cleanup_stale()
        self.name = cgroups.PREFIX + uuid.uuid4().hex[:12]
        self.cgroup = cgroups.Cgroup(self.name, self.config.memory_mb << 20, self.config.max_pids)
        self.proc: subprocess.Popen | None = None
        try:
            self._start()
        except BaseException:
            self.kill()
            raise

    def _bwrap_args(self, ctl_fd: int, data_fds: dict[str, int], userns_fd: int) -> list[str]:
        c = self.config
        tmpfs_size = str(c.disk_mb << 20)
        args = [
            "bwrap", "--userns", str(userns_fd), "--uid", "0", "--gid", "0",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "box", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        ]
        for cap in CONTROLLER_CAPS:
            args += ["--cap-add", cap]
        args += ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
        for link in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
            target = f"/{link}"
            if os.path.islink(target):
                args += ["--symlink", os.readlink(target), target]
            elif os.path.isdir(target):
                args += ["--ro-bind", target, target]
        for dest, fd in data_fds.items():
            args += ["--perms", "0644", "--ro-bind-data", str(fd), dest]   # readable by the agent's uid too
        args += [
            "--proc", "/proc", "--dev", "/dev",
            "--size", tmpfs_size, "--perms", "1777", "--tmpfs", "/tmp",
            "--size", tmpfs_size, "--tmpfs", "/home",
            "--dir", BOX_HOME, "--tmpfs", "/run", "--tmpfs", "/var", "--perms", "1777", "--dir", "/var/tmp",
        ]
        binds = [(p, p) for p in _python_paths()] + [(str(PACKAGE_DIR), f"{BOX_PKG_ROOT}/riskgym")]
        # bubblewrap makes a bind's missing parents 0700: the agent's uid must pass them to run Python
        parents = sorted({str(q) for _, dest in binds for q in Path(dest).parents if str(q) != "/"},
                         key=lambda q: q.count("/"))
        for q in parents:
            args += ["--perms", "0755", "--dir", q]
        for src, dest in binds:
            args += ["--ro-bind", src, dest]
        args += ["--chdir", BOX_HOME, "--clearenv"]
        env = {
            "PATH": f"{os.path.dirname(sys.executable)}:/usr/local/bin:/usr/bin:/bin",
            "HOME": BOX_HOME, "USER": "user", "LOGNAME": "user", "LANG": "C.UTF-8", "TZ": "UTC",
            "PYTHONPATH": BOX_PKG_ROOT, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
            "XDG_RUNTIME_DIR": "/tmp/runtime-user", "RISKGYM_IN_BOX": "1",
        }
        for k, v in env.items():
            args += ["--setenv", k, v]
        boot = {"width": c.width, "height": c.height, "persona": c.persona, "app": c.start_app,
                "hosts": c.hosts}
        args += ["--", sys.executable, "-m", "riskgym.guest.launch",
                 "--fd", str(ctl_fd), "--boot", json.dumps(boot)]
        return args

    def _start(self) -> None:
        host_sock, box_sock = socket.socketpair()
        pipes = []
        data_fds: dict[str, int] = {}
        userns_fd = _two_user_namespace()
        pipes.append(userns_fd)
        try:
            for dest, text in _etc_files(self.config).items():
                r, w = os.pipe()
                os.write(w, text.encode())   # small: fits the pipe buffer
                os.close(w)
                pipes.append(r)
                data_fds[dest] = r
            cmd = ["unshare", "--net", "--", "/bin/sh", "-c", _NETNS_SCRIPT, "sh",
                   *self._bwrap_args(box_sock.fileno(), data_fds, userns_fd)]
            env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                   "RISKGYM_CGROUP_PROCS": " ".join(self.cgroup.procs_files())}
            self.proc = subprocess.Popen(
                cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, pass_fds=[box_sock.fileno(), *pipes], close_fds=True)
        finally:
            box_sock.close()
            for r in pipes:
                os.close(r)
        self._stderr_tail = bytearray()
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()
        self._arm_wall_clock()
        self._hello(Channel(host_sock), self.stderr_tail)
        self.info["limits_enforced"] = self.cgroup.enforced
        if not self.cgroup.enforced:
            self.info["limits_note"] = self.cgroup.reason

    def _drain_stderr(self) -> None:
        # Keep only the tail: the box may print without end, and must never block on a full pipe.
        stream = self.proc.stderr if self.proc else None
        while stream is not None:
            try:
                chunk = stream.read1(65536)
            except (OSError, ValueError):
                return
            if not chunk:
                return
            self._stderr_tail += chunk
            del self._stderr_tail[:-8192]

    def _close_stderr(self) -> None:
        """Close the stderr pipe once its reader has seen it end (the box is gone). Left to the
        garbage collector, a closed box held its pipe until a full collection: one descriptor
        more per episode in a long run (bench/soak.py found it)."""
        drain = getattr(self, "_drain", None)
        if drain is not None:
            drain.join(timeout=5)
            if drain.is_alive():   # still reading: closing under it is not safe; the collector will
                return
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()

    def stderr_tail(self) -> str:
        return bytes(getattr(self, "_stderr_tail", b"")).decode(errors="replace").strip()[-3000:]

    def peak_memory_bytes(self) -> int | None:
        return self.cgroup.peak_bytes()

    def pss_bytes(self) -> int | None:
        return cgroups.pss_of(self.cgroup.pids())

    def kill(self) -> None:
        self._drop_channel()
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()  # bwrap dies -> the PID namespace's init dies -> every process in it
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            self._close_stderr()
        self.cgroup.kill_all()    # belt and braces: anything that escaped the PID namespace's teardown
        self.cgroup.remove()
        if self._timer:
            self._timer.cancel()
