"""The docker provider for real: an engine (Docker, or podman's Docker API set up here), the image
built from vm_images/, containers with no network, and the same results as the local box.

The engine and the image are made once per session (vm_images/build.py --podman when no engine
answers; the image is cached by its tag, the hash of what it is built from, so only the first
session pays for the build). Every test leaves no container behind, even when it fails.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from riskgym.box import BoxConfig, BoxError, start_box

docker = pytest.importorskip("docker", reason="the docker provider's tests need the Docker SDK (pip install docker)")

from riskgym.box.providers import docker as docker_box  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NO_APP = dict(start_app="none", memory_mb=256, max_pids=64, disk_mb=32)


@pytest.fixture(scope="session")
def engine():
    """DOCKER_HOST of a working engine holding the current image (built here if missing)."""
    saved = os.environ.get("DOCKER_HOST")
    started_pid = None
    try:
        docker_box.connect(timeout=10)
        cmd = [sys.executable, str(ROOT / "vm_images" / "build.py")]
    except BoxError:
        pid_file = Path(os.environ.get("RISKGYM_PODMAN_SOCK", "/tmp/riskgym-podman.sock") + ".pid")
        before = pid_file.stat().st_mtime if pid_file.exists() else None
        if os.geteuid() != 0:
            pytest.skip("no Docker engine answers, and setting up podman's needs root")
        cmd = [sys.executable, str(ROOT / "vm_images" / "build.py"), "--podman"]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3000)
    if "--podman" in cmd and pid_file.exists() and pid_file.stat().st_mtime != before:
        started_pid = int(pid_file.read_text())     # this session started podman's service: it stops it
    if r.returncode != 0 and "podman-engine.sh failed" in r.stderr:
        pytest.skip(f"podman could not be installed or started here: {r.stderr.strip()[-300:]}")
    assert r.returncode == 0, f"image build failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    built = json.loads(r.stdout.strip().splitlines()[-1])
    assert built["image"] == docker_box.image_tag()
    if built["docker_host"]:
        os.environ["DOCKER_HOST"] = built["docker_host"]
    yield built
    if started_pid:
        try:
            os.kill(started_pid, 15)
        except ProcessLookupError:
            pass
    if saved is None:
        os.environ.pop("DOCKER_HOST", None)
    else:
        os.environ["DOCKER_HOST"] = saved


def _ours(client) -> list:
    """Containers of this process, or of a host process that is gone (run.py started by a test)."""
    return [c for c in client.containers.list(all=True, filters={"label": docker_box.LABEL})
            if c.labels.get(docker_box.LABEL, "").endswith(f":{os.getpid()}")
            or not docker_box._host_alive(c.labels.get(docker_box.LABEL, ""))]


@pytest.fixture(autouse=True)
def no_container_left(engine):
    """After each test: no container of this process, or of the run.py processes it started, remains
    (removed here if one did, and the test fails)."""
    yield
    client = docker_box.connect()
    left = _ours(client)
    for c in left:
        c.remove(force=True)
    assert not left, f"containers left behind: {[c.name for c in left]}"


def sh(box, script: str, timeout: float = 30) -> dict:
    res, _ = box.call("run", argv=["/bin/sh", "-c", script], timeout=timeout + 10)
    return res


def test_box_runs_unprivileged_with_only_the_local_internet(engine, tmp_path):
    (tmp_path / "canary.txt").write_text("untouched")
    with start_box("docker", BoxConfig(**NO_APP)) as box:
        name = box.info["container"]
        assert box.call("ping")[0] == "pong"
        assert box.info["uid"] == 1000 and box.info["image"] == engine["image"]
        out = sh(box, "id -u; ip -o addr | awk '{print $2}' | sort -u | tr '\\n' ' '; echo; "
                      "python3 -c \"import urllib.request as u; print(u.urlopen('http://codenest.example/').status)\"; "
                      "python3 -c \"import socket; socket.create_connection(('1.1.1.1', 80), timeout=3)\" 2>&1 | tail -1; "
                      "getent hosts deb.debian.org || echo no-dns")
        uid, ifaces, status, outside, dns = out["stdout"].strip().splitlines()
        assert uid == "1000"
        assert ifaces.split() == ["lo"]                  # loopback only: network_mode none
        assert status == "200"                           # the local sites answer on port 80
        assert "unreachable" in outside.lower()          # and nothing else does
        assert dns == "no-dns"
        # the host's files are not there; the image is read-only; home and /tmp are the box's own
        out = sh(box, f"cat {tmp_path}/canary.txt 2>&1; echo x > /usr/pwned 2>&1; rm -rf /opt/riskgym 2>&1 | tail -1; "
                      "echo hi > ~/note && cat ~/note && stat -c '%U %a' ~")
        assert "No such file" in out["stdout"] and "Read-only file system" in out["stdout"]
        assert out["stdout"].strip().splitlines()[-2:] == ["hi", "user 755"]
        # the pids limit holds: 100 processes cannot all start under max_pids=64
        n = sh(box, "python3 -c \"import subprocess\nps = []\nfor _ in range(100):\n"
                    "    try: ps.append(subprocess.Popen(['sleep', '20']))\n    except OSError: pass\n"
                    "print(len(ps))\nfor p in ps: p.kill()\"")["stdout"].split()[0]
        assert 10 < int(n) < 64
    assert not docker_box.connect().containers.list(all=True, filters={"name": name})


def test_clear_errors_without_engine_or_image(engine, monkeypatch):
    with pytest.raises(BoxError, match="build it with: make image"):
        docker_box.DockerBox(BoxConfig(**NO_APP), image="riskgym-box:no-such-tag")
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(BoxError, match="no Docker engine at unix:///nonexistent/docker.sock"):
        start_box("docker", BoxConfig(**NO_APP))


def test_containers_of_a_killed_host_are_swept(engine):
    # a host process that starts a box and dies with no chance to clean up
    code = ("import os; from riskgym.sandbox import start_box, BoxConfig; "
            f"b = start_box('docker', BoxConfig(**{NO_APP!r})); print(b.info['container'], flush=True); os._exit(9)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    name = r.stdout.strip()
    assert name.startswith("riskgym-"), r.stderr[-2000:]
    client = docker_box.connect()
    assert client.containers.list(all=True, filters={"name": name})   # left behind by the dead host
    with start_box("docker", BoxConfig(**NO_APP)):
        assert not client.containers.list(all=True, filters={"name": name})


def run_cli(*args: str) -> None:
    p = subprocess.run([sys.executable, str(ROOT / "run.py"), *args, "--workers", "1", "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, f"run.py {' '.join(args)} failed:\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"


def results(out: Path) -> dict[str, tuple]:
    res = {}
    for f in sorted(out.glob("*/result.json")):
        r = json.loads(f.read_text())
        assert r["error"] is None, (f, r["error"])
        res[r["task_id"]] = (r["risk_completion"], r["task_success"], r["steps"])
    return res


@pytest.mark.box
def test_browser_episode_gives_the_same_result_as_local(engine, tmp_path):
    from riskgym.tasks import load_tasks

    task = sorted(t for t in load_tasks() if t.startswith("phishing_web-"))[0]
    for provider in ("local", "docker"):
        run_cli("--agent", "scripted:risky", "--tasks", task, "--out", str(tmp_path / provider), "--provider", provider)
    local, dock = results(tmp_path / "local"), results(tmp_path / "docker")
    assert list(dock) == [task] and dock == local
    assert local[task][0] is True                 # the risky reference completes the risk in both


@pytest.fixture
def host_canaries(tmp_path):
    """What the risky os_operation trajectories would destroy if they ran on the host: a file in
    /home/user and a process of uid 1000 named soffice (`pkill -9 soffice`, `rm -rf ~/*`)."""
    home = Path("/home/user")
    made_home = not home.exists()
    home.mkdir(parents=True, exist_ok=True)
    canary = home / f"riskgym-canary-{uuid.uuid4().hex[:8]}.txt"
    canary.write_text("host file")
    os.chown(canary, 1000, 1000)
    fake = tmp_path / "soffice"
    fake.write_bytes(Path("/bin/sleep").read_bytes())
    fake.chmod(0o755)
    tmp_path.chmod(0o755)
    proc = subprocess.Popen(["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", str(fake), "600"])
    yield canary, proc
    proc.kill()
    proc.wait()
    canary.unlink(missing_ok=True)
    if made_home:
        subprocess.run(["rm", "-rf", str(home)])


@pytest.mark.box
def test_os_operation_risky_runs_the_same_and_leaves_the_host_alone(engine, tmp_path, host_canaries):
    canary, proc = host_canaries
    run_cli("--agent", "scripted:risky", "--tasks", "os_operation", "--out", str(tmp_path / "docker"),
            "--provider", "docker")
    assert canary.read_text() == "host file"
    assert proc.poll() is None, "a process on the host was killed by a box"
    dock = results(tmp_path / "docker")
    assert len(dock) >= 5 and all(r[0] is True for r in dock.values())   # every risk completed, in the box
    run_cli("--agent", "scripted:risky", "--tasks", "os_operation", "--out", str(tmp_path / "local"))
    assert results(tmp_path / "local") == dock
