"""The box is the only place agent-controlled code runs: prove that nothing leaks out of it."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from riskgym.box import BoxConfig, BoxError, start_box
from riskgym.box.providers import cgroups
from tests.auditkit import host_http_server
from tests.waiting import eventually

pytestmark = pytest.mark.box


@pytest.fixture(scope="module")
def box():
    b = start_box("local", BoxConfig(start_app="none", memory_mb=256, max_pids=64, disk_mb=32))
    yield b
    b.close()


def sh(box, script: str, timeout: float = 20) -> dict:
    res, _ = box.call("run", argv=["/bin/sh", "-c", script], timeout=timeout + 10)
    return res


def test_box_runs_as_an_unprivileged_user_in_its_own_pid_namespace(box):
    assert box.info["agent_uid"] == 1000 and box.info["uid"] == 0   # the controller is another user
    out = sh(box, "id -u; cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc | grep -c '^[0-9]'; "
                  "grep -E '^Cap(Eff|Prm|Amb)' /proc/self/status | awk '{print $2}' | sort -u")
    uid, init, nprocs, caps = out["stdout"].splitlines()
    assert uid == "1000" and caps == "0000000000000000"     # the agent's commands hold no capability
    assert "bwrap" in init                      # pid 1 is the box's own init, not the host's
    assert int(nprocs) < 10                     # the host's processes are invisible
    assert os.getpid() != 1


def test_agent_code_cannot_write_outside_the_box(box, tmp_path):
    target = tmp_path / "canary.txt"
    target.write_text("untouched")
    repo = Path(__file__).resolve().parents[2]
    out = sh(box, f"echo pwned > {target}; rm -rf {tmp_path}; echo x > {repo}/pwned.txt; "
                  f"echo x > /usr/pwned; echo x > /etc/pwned; rm -rf /usr/bin/python3; echo done")
    assert out["stdout"].strip().endswith("done")
    assert target.read_text() == "untouched"
    assert not (repo / "pwned.txt").exists()
    assert not Path("/usr/pwned").exists() and not Path("/etc/pwned").exists()
    # the host's files are not even visible, only the box's own tmpfs home
    assert sh(box, f"ls {tmp_path} 2>&1; ls /root 2>&1 | head -3")["stdout"].count("No such file") >= 1


def test_box_home_is_private_and_writable_but_bounded(box):
    out = sh(box, "echo hello > ~/note.txt && cat ~/note.txt; "
                  "dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>&1 | grep -c 'No space left'; "
                  "stat -c %s /tmp/fill; rm -f /tmp/fill")
    hello, nospace, size = out["stdout"].split()
    assert hello == "hello"
    assert nospace == "1" and int(size) <= 32 * 2**20     # disk is capped (32 MiB tmpfs here)


def test_agent_code_cannot_reach_host_loopback_services(box):
    srv, hits = host_http_server()
    port = srv.server_address[1]
    try:
        out = sh(box, f"python3 -c \"import urllib.request as u; u.urlopen('http://127.0.0.1:{port}/leak', "
                      f"timeout=3)\" 2>&1 | tail -1; ip -o link | cut -d: -f2")
        assert hits == []
        assert "refused" in out["stdout"].lower() or "error" in out["stdout"].lower()
        assert [l.strip() for l in out["stdout"].splitlines()[1:]] == ["lo"]   # no other interface
    finally:
        srv.shutdown()


def test_box_names_resolve_to_its_own_site_server(box):
    out = sh(box, "python3 -c \"import urllib.request as u; "
                  "print(u.urlopen('http://codenest.example/', timeout=5).status)\"")
    assert out["stdout"].strip() == "200", out
    evs, _ = box.call("events", since=0)
    assert any(e["type"] == "request" and e["host"] == "codenest.example" for e in evs)


def test_process_limit_stops_a_fork_bomb(box):
    if not box.info.get("limits_enforced"):
        pytest.skip("cgroups not writable here: " + box.info.get("limits_note", ""))
    out = sh(box, "for i in $(seq 200); do sleep 5 & done 2>&1 | grep -c 'fork' ; echo end", timeout=30)
    assert "end" in out["stdout"]
    assert int(out["stdout"].split()[0]) > 0    # forks were refused at the pids limit
    sh(box, "pkill sleep; true")


def test_memory_limit_kills_a_hog_not_the_host(box):
    if not box.info.get("limits_enforced"):
        pytest.skip("cgroups not writable here: " + box.info.get("limits_note", ""))
    out = sh(box, "python3 -c \"b = bytearray(600 * 2**20); print('allocated')\"; echo rc=$?")
    assert "allocated" not in out["stdout"]
    assert "rc=137" in out["stdout"]            # OOM-killed inside its cgroup (256 MiB)
    assert box.call("ping")[0] == "pong"        # and the box itself goes on


def test_closing_a_box_leaves_nothing_behind():
    b = start_box("local", BoxConfig(start_app="none"))
    pid = b.proc.pid
    dirs = list(b.cgroup.dirs)
    inner = sh(b, "sleep 300 & echo $!")["stdout"].strip()   # a child that outlives its command
    assert inner
    b.close()
    assert not eventually(lambda: Path(f"/proc/{pid}").exists(), lambda alive: not alive)
    assert all(not d.exists() for d in dirs)
    with pytest.raises(BoxError):
        b.call("ping")


def test_host_death_takes_the_box_down(tmp_path):
    # A separate host process starts a box, then is SIGKILLed: bwrap's --die-with-parent
    # must take every process of the box with it.
    import subprocess
    import sys
    script = tmp_path / "host.py"
    script.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from riskgym.sandbox import BoxConfig, start_box\n"
        "b = start_box('local', BoxConfig(start_app='none'))\n"
        "print(b.proc.pid, flush=True)\n"
        "time.sleep(600)\n")
    host = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    bwrap_pid = int(host.stdout.readline())
    assert Path(f"/proc/{bwrap_pid}").exists()
    host.kill()
    host.wait()

    def alive() -> bool:
        try:
            return Path(f"/proc/{bwrap_pid}/stat").read_text().split()[2] != "Z"
        except OSError:
            return False
    if eventually(alive, lambda a: not a):
        pytest.fail("the box outlived its host")
    cgroups.sweep_stale()


def test_wall_clock_limit_kills_the_box():
    b = None
    with pytest.raises(BoxError, match="wall-clock"):
        # on a starved machine the limit can strike while the box still starts: the same error
        b = start_box("local", BoxConfig(start_app="none", wall_s=1.5))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:   # answers until the wall clock strikes
            b.call("ping")
            time.sleep(0.1)
    if b is not None:
        b.close()
