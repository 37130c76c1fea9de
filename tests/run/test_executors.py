"""The run loop's executors and error kinds, without a cluster: a box that cannot start is an infra
error retried then recorded; an agent's own crash is never retried; Ray's records land whole; what
Ray cannot ship or find is said in one line."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from riskgym.core.records import RESULT
from riskgym.run.config import RunError

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args, "--no-progress"], cwd=ROOT, text=True,
                          capture_output=True, timeout=600, env=env)


def test_a_box_that_cannot_start_is_an_infra_error_retried_then_counted_apart(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "DOCKER_HOST": "unix:///nonexistent/docker.sock"}   # no engine behind it
    p = _run("--agent", "scripted:risky", "--tasks", "phishing_web-sso-star", "--provider", "docker",
             "--out", str(out), env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads((out / "phishing_web-sso-star" / RESULT).read_text())
    assert res["error_kind"] == "infra" and "no Docker engine" in res["error"]
    assert [a["error_kind"] for a in res["attempts"]] == ["infra", "infra"]    # 1 + 2 tries, then recorded
    overall = json.loads((out / "summary.json").read_text())["overall"]
    assert overall["infra_errors"] == 1 and overall["infra_error_rate"] == 1.0 and overall["errors"] == 1
    assert "1 infrastructure: 100.0 % of episodes" in (out / "report.md").read_text()


@pytest.mark.box
def test_an_agents_own_crash_is_never_retried(tmp_path):
    agents = tmp_path / "crash.py"
    agents.write_text("class Crashes:\n    def reset(self, i):\n        pass\n"
                      "    def act(self, o):\n        raise RuntimeError('agent blew up')\n")
    out = tmp_path / "run"
    p = _run("--agent", f"{agents}:Crashes", "--tasks", "phishing_web-sso-star", "--out", str(out))
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads((out / "phishing_web-sso-star" / RESULT).read_text())
    assert res["error_kind"] == "agent" and "agent blew up" in res["error"] and not res.get("attempts")
    assert json.loads((out / "summary.json").read_text())["overall"]["infra_errors"] == 0


def test_without_ray_the_executor_fails_in_one_line_that_says_how_to_install_it(tmp_path):
    code = "import sys; sys.modules['ray'] = None; from riskgym.cli import main; sys.exit(main(sys.argv[1:]))"
    p = subprocess.run([sys.executable, "-c", code, "--agent", "scripted:risky", "--tasks", "phishing_web-sso-star",
                        "--out", str(tmp_path / "r"), "--executor", "ray"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == ["error: --executor ray needs Ray: pip install 'riskgym[ray]' (Ray 2.60)"]
    assert not (tmp_path / "r").exists()


def test_an_episodes_records_land_whole_and_replace_an_earlier_attempt(tmp_path):
    from riskgym.run.ray_executor import land_records

    (tmp_path / "t1").mkdir()
    (tmp_path / "t1" / "step_009.png").write_bytes(b"from a longer first attempt")
    land_records(tmp_path, "t1", {RESULT: b'{"task_id": "t1"}', "trajectory.jsonl": b"{}\n", "step_000.png": b"png"})
    assert sorted(p.name for p in (tmp_path / "t1").iterdir()) == [RESULT, "step_000.png", "trajectory.jsonl"]
    with pytest.raises(RunError, match="leaves the task's folder"):
        land_records(tmp_path, "t2", {"../t1/result.json": b"forged"})
    assert json.loads((tmp_path / "t1" / RESULT).read_text()) == {"task_id": "t1"} and not (tmp_path / "t2").exists()


def test_an_agent_that_cannot_be_shipped_to_the_nodes_is_named(tmp_path):
    ray = pytest.importorskip("ray")
    from riskgym.agents.loader import agent_factory
    from riskgym.run.ray_executor import check_shippable

    f = tmp_path / "local_agent.py"
    f.write_text("import threading\nclass Holds:\n    lock = threading.Lock()\n"
                 "    def reset(self, i):\n        pass\n    def act(self, o):\n        return 'DONE'\n")
    with pytest.raises(RunError, match=r"cannot be shipped to the nodes: .*lock.*cannot be pickled"):
        check_shippable(ray, agent_factory(f"{f}:Holds"))
    f.write_text("class Fine:\n    def reset(self, i):\n        pass\n    def act(self, o):\n        return 'DONE'\n")
    check_shippable(ray, agent_factory(f"{f}:Fine"))   # a class from a file goes by value: no error
