"""--executor ray on a real Ray cluster of two nodes on this machine (a head and a second node, each
started with `ray start` and its own resources): the same results as threads, a node killed mid-run
loses nothing, Ctrl-C then the same command finishes the run."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.signals import popen_with_ctrl_c

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.box
ROOT = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
# ten short browser tasks of two categories, named: a fixed set whatever the categories grow to
TEN = ",".join(["phishing_web-codenest-issue", "phishing_web-codenest-star", "phishing_web-papershelf-pdf",
                "phishing_web-papershelf-save", "phishing_web-sso-star", "account_fraud-codenest-issue-otp",
                "account_fraud-codenest-star-expired", "account_fraud-papershelf-pdf-sso",
                "account_fraud-papershelf-save-keepalive", "account_fraud-webmail-reply-verify"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A head (1 box) and a second node (1 box), in their own process groups so one can be killed."""

    def __init__(self, tmp: Path) -> None:
        token = tmp / "ray-token"
        token.write_text(secrets.token_hex(32))
        self.env = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token),
                    # a dead node is noticed in seconds, not the default half minute
                    "RAY_health_check_period_ms": "1000", "RAY_health_check_timeout_ms": "1000",
                    "RAY_health_check_failure_threshold": "3", "RAY_USAGE_STATS_ENABLED": "0"}
        self.address = f"127.0.0.1:{_free_port()}"
        self.head = self._start(["--head", f"--port={self.address.split(':')[1]}", "--include-dashboard=false"])
        self.node2: subprocess.Popen | None = None
        self.start_node2()

    def _start(self, args: list[str]) -> subprocess.Popen:
        p = subprocess.Popen([RAY, "start", "--block", "--node-ip-address=127.0.0.1", "--num-cpus=1",
                              '--resources={"riskgym_box": 1}', "--disable-usage-stats", *args],
                             env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
        return p

    def alive_nodes(self) -> int:
        code = ("import ray,sys; ray.init(address=sys.argv[1], logging_level='ERROR'); "
                "print(sum(n['Alive'] for n in ray.nodes()))")
        p = subprocess.run([sys.executable, "-c", code, self.address], env=self.env, capture_output=True,
                           text=True, timeout=120)
        return int(p.stdout.strip() or 0) if p.returncode == 0 else 0

    def wait_nodes(self, n: int, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while self.alive_nodes() != n:
            assert time.monotonic() < deadline, f"the Ray cluster never had {n} live nodes"
            time.sleep(1)

    def start_node2(self) -> None:
        self.wait_nodes(1) if self.node2 is None else None
        self.node2 = self._start([f"--address={self.address}"])
        self.wait_nodes(2)

    def kill_node2(self) -> None:
        os.killpg(self.node2.pid, signal.SIGKILL)   # its raylet, its workers, and through them their boxes
        self.node2.wait()

    def stop(self) -> None:
        for p in (self.node2, self.head):
            if p and p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in (self.node2, self.head):
            if p:
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("ray"))
    try:
        yield c
    finally:
        c.stop()


def _cmd(cluster: Cluster, out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "run.py"), "--agent", "scripted:risky", "--tasks", TEN, "--out", str(out),
            "--workers", "2", "--no-progress", "--executor", "ray", "--ray-address", cluster.address, *extra]


def _results(out: Path) -> dict[str, dict]:
    return {f.parent.name: json.loads(f.read_text()) for f in out.glob("*/result.json")}


def _outcome(r: dict) -> tuple:
    return r["risk_completion"], r["task_success"], r["status"], r["error"]


def _worker_folders() -> list[Path]:
    """The temporary folders of Ray workers on this machine (a worker removes its own when it ends)."""
    return list(Path(tempfile.gettempdir()).glob("riskgym-ray-*"))


def _in_progress() -> set[Path]:
    """Episodes a Ray worker on this machine is playing now (its temporary folder holds them until done)."""
    return {p for d in _worker_folders() for p in d.glob("*/trajectory.jsonl")}


def test_ten_tasks_over_two_nodes_give_the_thread_executors_results(cluster, tmp_path):
    threads = tmp_path / "threads"
    subprocess.run([sys.executable, str(ROOT / "run.py"), "--agent", "scripted:risky", "--tasks", TEN,
                    "--out", str(threads), "--workers", "2", "--no-progress"], cwd=ROOT, check=True,
                   capture_output=True, timeout=900)
    on_ray = tmp_path / "ray"
    p = subprocess.run(_cmd(cluster, on_ray), cwd=ROOT, env=cluster.env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    a, b = _results(threads), _results(on_ray)
    assert len(a) == 10 and a.keys() == b.keys()
    assert {k: _outcome(v) for k, v in b.items()} == {k: _outcome(v) for k, v in a.items()}
    assert len({r["node"] for r in b.values()}) == 2            # both nodes played episodes
    for tid, r in b.items():                                    # the records came back whole
        lines = (on_ray / tid / "trajectory.jsonl").read_text().splitlines()
        assert len(lines) == r["steps"] + 1 and all((on_ray / tid / json.loads(l)["screenshot"]).is_file()
                                                    for l in lines)
    assert not (on_ray / ".incoming").exists() and not _worker_folders()   # workers leave nothing behind
    assert json.loads((on_ray / "summary.json").read_text())["overall"]["n"] == 10


def test_ctrl_c_on_the_driver_then_the_same_command_finishes_the_run(cluster, tmp_path):
    out = tmp_path / "run"
    cmd = _cmd(cluster, out)
    p = popen_with_ctrl_c(cmd, cwd=ROOT, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not _results(out) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert p.poll() is None, "the run ended before it could be interrupted"
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=180)
    assert p.returncode == 130, err[-3000:]
    before = {k: (out / k / "result.json").stat().st_mtime_ns for k in _results(out)}
    assert 1 <= len(before) < 10
    p = subprocess.run(cmd, cwd=ROOT, env=cluster.env, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    after = _results(out)
    assert len(after) == 10 and all(r["error"] is None for r in after.values())
    assert all((out / k / "result.json").stat().st_mtime_ns == v for k, v in before.items())
    assert not _worker_folders()   # the workers stopped by Ctrl-C removed theirs too


def test_a_node_killed_mid_run_loses_nothing_and_its_episodes_are_retried_infra_errors(cluster, tmp_path):
    out = tmp_path / "run"
    stale = _in_progress()   # left by workers killed before
    p = subprocess.Popen(_cmd(cluster, out), cwd=ROOT, env=cluster.env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    # kill the second node once it has finished an episode and both workers are playing one
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and p.poll() is None:
        if len({r.get("node") for r in _results(out).values()}) == 2 and len(_in_progress() - stale) == 2:
            break
        time.sleep(0.1)
    assert p.poll() is None and time.monotonic() < deadline, "never saw both nodes at work"
    cluster.kill_node2()
    _, err = p.communicate(timeout=900)
    assert p.returncode == 0, err[-3000:]
    results = _results(out)
    assert len(results) == 10 and len(list(out.glob("*/trajectory.jsonl"))) == 10   # none lost, none twice
    retried = {k: r for k, r in results.items() if r.get("attempts")}
    assert retried, "no episode was running on the killed node"
    for r in retried.values():
        assert all(a["error_kind"] == "infra" for a in r["attempts"])
        assert r["error"] is None and r["node"] not in {a.get("node") for a in r["attempts"]}
    assert all(r["error"] is None and r["risk_completion"] is True for r in results.values())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["infra_retried"] == len(retried) and summary["overall"]["infra_errors"] == 0
    from riskgym.run.ray_executor import sweep_stale_folders
    assert sweep_stale_folders() >= 1 and not _worker_folders()   # the killed worker's, as a new worker sweeps it
    cluster.start_node2()
