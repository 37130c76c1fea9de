"""The run loop as a user drives it: python run.py ... -> the contract's files, errors kept, resume."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.signals import popen_with_ctrl_c

pytestmark = pytest.mark.box
ROOT = Path(__file__).resolve().parents[2]
RESULT_KEYS = {"task_id", "category", "risk_source", "risk_completion", "risk_intention", "task_success",
               "steps", "error"}


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, str(ROOT / "run.py"), *args, "--no-progress"] if args[0].startswith("--")
                       else [sys.executable, str(ROOT / "run.py"), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    if check and p.returncode:
        raise AssertionError(f"run.py {' '.join(args)} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}")
    return p


# the five one-file phishing_web tasks: a fixed set, whatever the category grows to
FIVE = "phishing_web-codenest-*,phishing_web-papershelf-*,phishing_web-sso-star"


@pytest.mark.parametrize("which, expected", [("risky", True), ("safe", False)])
def test_scripted_agents_on_phishing_web_write_the_contract(tmp_path, which, expected):
    out = tmp_path / which
    run_cli("--agent", f"scripted:{which}", "--tasks", FIVE, "--out", str(out), "--workers", "2")
    summary = json.loads((out / "summary.json").read_text())
    assert (out / "report.md").read_text().startswith("# riskgym report")
    assert "<table" in (out / "report.html").read_text()
    ids = [p.parent.name for p in out.glob("*/result.json")]
    assert len(ids) >= 5
    for tid in ids:
        res = json.loads((out / tid / "result.json").read_text())
        assert RESULT_KEYS <= res.keys()
        assert res["category"] == "phishing_web" and res["risk_source"] == "environmental"
        assert res["error"] is None, res["error"]
        assert res["risk_completion"] is expected, tid
        assert res["task_success"] is (not expected), tid
        assert res["risk_completion"] is False or res["completion_evidence"]
        lines = [json.loads(l) for l in (out / tid / "trajectory.jsonl").read_text().splitlines()]
        assert lines[0]["kind"] == "reset" and len(lines) == res["steps"] + 1
        assert all((out / tid / l["screenshot"]).stat().st_size > 1000 for l in lines)
        assert all("raw_action" in l and "parsed" in l for l in lines[1:])
    cat = summary["by_category"]["phishing_web"]
    assert cat["n"] == len(ids) and cat["risk_completion_rate"] == (1.0 if expected else 0.0)
    assert set(summary["overall"]) >= {"n", "risk_completion_rate", "risk_intention_rate", "task_success_rate"}


AGENTS = '''
import os
class Minimal:
    """The contract's smallest agent: reset + act -> str."""
    def reset(self, instruction):
        self.n = 0
    def act(self, observation):
        self.n += 1
        assert observation["screenshot"].ndim == 3 and observation["instruction"] and observation["step"] == self.n
        return "pyautogui.press('tab')" if self.n < 2 else "DONE"

class Crashes:
    def reset(self, instruction):
        pass
    def act(self, observation):
        raise RuntimeError("agent blew up")

class Hostile:
    """Sends code that would wreck the host if anyone ran it."""
    TARGET = ""
    def reset(self, instruction):
        self.i = 0
    def act(self, observation):
        codes = [f"import os; os.system('rm -rf {self.TARGET}')",
                 f"open('{self.TARGET}/result.json', 'w').write('forged')",
                 "__import__('subprocess').run(['touch', '/tmp/riskgym-owned'])",
                 "exec('import shutil')", "DONE"]
        self.i += 1
        return codes[self.i - 1]
'''


@pytest.fixture
def agents_file(tmp_path):
    f = tmp_path / "my_agents.py"
    f.write_text(AGENTS)
    return f


def test_a_minimal_custom_agent_from_a_file_runs_end_to_end(tmp_path, agents_file):
    out = tmp_path / "run"
    run_cli("--agent", f"{agents_file}:Minimal", "--tasks", "phishing_web-codenest-star", "--out", str(out))
    res = json.loads((out / "phishing_web-codenest-star" / "result.json").read_text())
    assert res["error"] is None and res["steps"] == 2 and res["status"] == "DONE"
    assert res["risk_completion"] is False and res["task_success"] is False


def test_a_crashing_agent_is_recorded_and_the_run_goes_on(tmp_path, agents_file):
    out = tmp_path / "run"
    p = run_cli("--agent", f"{agents_file}:Crashes", "--tasks", "phishing_web-codenest-star,phishing_web-sso-star",
                "--out", str(out))
    for tid in ("phishing_web-codenest-star", "phishing_web-sso-star"):
        res = json.loads((out / tid / "result.json").read_text())
        assert "agent blew up" in res["error"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["overall"]["errors"] == 2 and summary["overall"]["n"] == 0
    assert "agent blew up" in p.stdout


@pytest.mark.parametrize("mode", ["exec", "parse"])
def test_hostile_code_changes_nothing_on_the_host_nor_the_records(tmp_path, agents_file, mode):
    out = tmp_path / "run"
    agents_file.write_text(AGENTS.replace('TARGET = ""', f'TARGET = "{out}"'))
    run_cli("--agent", f"{agents_file}:Hostile", "--tasks", "phishing_web-codenest-star", "--out", str(out),
            "--actions", mode)
    tdir = out / "phishing_web-codenest-star"
    res = json.loads((tdir / "result.json").read_text())
    steps = [json.loads(l) for l in (tdir / "trajectory.jsonl").read_text().splitlines()][1:]
    if mode == "parse":    # read, never run: each is refused
        assert [bool(s["error"]) for s in steps] == [True, True, True, True, False]
        assert all("unparseable action" in s["error"] for s in steps[:4])
    else:                  # run for real, in the box: the run's folder is not even there
        assert steps[0]["code"]["audit"][0]["command"] == f"rm -rf {out}"
        assert steps[1]["error"].startswith("line 1: FileNotFoundError")
        assert steps[2]["error"] is None and "touch /tmp/riskgym-owned" in steps[2]["code"]["audit"][0]["command"]
    assert res["status"] == "DONE" and res["error"] is None and res["agent"].endswith(":Hostile")
    assert not Path("/tmp/riskgym-owned").exists()


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path):
    out = tmp_path / "run"
    sel = "phishing_web-codenest-star,phishing_web-papershelf-pdf"
    run_cli("--agent", "scripted:risky", "--tasks", sel, "--out", str(out))
    kept = out / "phishing_web-codenest-star" / "result.json"
    first = kept.stat().st_mtime_ns
    (out / "phishing_web-papershelf-pdf" / "result.json").unlink()   # as if killed mid-episode
    p = run_cli("--agent", "scripted:risky", "--tasks", sel, "--out", str(out))
    assert kept.stat().st_mtime_ns == first                             # finished task not re-run
    assert (out / "phishing_web-papershelf-pdf" / "result.json").exists()
    assert json.loads((out / "summary.json").read_text())["tasks"] == 2
    other = run_cli("--agent", "scripted:safe", "--tasks", sel, "--out", str(out), check=False)
    assert other.returncode != 0 and "holds a run of agent 'scripted:risky'" in other.stderr


def test_bad_input_gets_a_clear_error(tmp_path):
    p = run_cli("--agent", "nope.py:Agent", "--tasks", "phishing_web", check=False)
    assert p.returncode == 2 and "no file" in p.stderr
    p = run_cli("--agent", "scripted:risky", "--tasks", "no_such_thing", check=False)
    assert p.returncode == 2 and "matches no task" in p.stderr
    p = run_cli("tasks", "--json")
    rows = json.loads(p.stdout)
    assert {"id", "category", "risk_source", "env"} <= rows[0].keys()


def test_ctrl_c_stops_cleanly_and_the_same_command_finishes_the_run(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, str(ROOT / "run.py"), "--agent", "scripted:safe", "--tasks", FIVE,
           "--out", str(out), "--no-progress"]
    p = popen_with_ctrl_c(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600   # the first episode's end, however loaded the machine
    while not list(out.glob("*/result.json")):
        if p.poll() is not None or time.monotonic() > deadline:
            p.kill()
            _, err = p.communicate()
            pytest.fail(f"no episode ended before the run did (exit status {p.returncode}):\n{err[-3000:]}")
        time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 130 and "resume with the same command" in err, (p.returncode, err[-3000:])
    done_before = {f.parent.name: f.stat().st_mtime_ns for f in out.glob("*/result.json")}
    assert 1 <= len(done_before) < 5
    for f in out.glob("*/result.json"):
        assert json.loads(f.read_text())["error"] is None     # no episode recorded as a false error
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=600)
    after = {f.parent.name: f.stat().st_mtime_ns for f in out.glob("*/result.json")}
    assert len(after) == 5 and all(after[k] == v for k, v in done_before.items())
