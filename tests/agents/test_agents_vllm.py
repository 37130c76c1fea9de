"""`--agent qwen2-vl` without --base-url: the `vllm serve` launcher, and the message when it cannot run.

No real vLLM here: the launcher tests put a stand-in `vllm` executable on PATH, a small script that
records its command line and serves the OpenAI protocol (FakeOpenAI) on the port it was given.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from riskgym.actions.coords import Frame
from riskgym.agents.backends.vllm import ANY_DEVICE_ENV, context_length, has_gpu
from riskgym.agents.builtin import ModelOptions, model_agent_factory
from riskgym.agents.families import FAMILIES
from riskgym.agents.loader import AgentLoadError

ROOT = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parent
SCREEN = {"screenshot": np.zeros((720, 1280, 3), np.uint8), "instruction": "x", "step": 1}


def install_standin_vllm(bin_dir: Path, record: Path, script: list[dict] | None = None, crash: str = "") -> None:
    """A fake `vllm` on PATH: `vllm serve MODEL --port P ...` records argv and pid, then serves
    scripted chat replies after a short start-up delay (so the health wait really waits)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    exe = bin_dir / "vllm"
    exe.write_text(textwrap.dedent(f"""\
        #!{sys.executable}
        import json, os, sys, time
        sys.path.insert(0, {str(TESTS)!r})
        from test_agents_openai import FakeOpenAI
        args = sys.argv[1:]
        with open({str(record)!r}, "a") as f:
            f.write(json.dumps({{"argv": args, "pid": os.getpid()}}) + "\\n")
        if {crash!r}:
            print({crash!r}, flush=True)
            sys.exit(1)
        time.sleep(0.5)
        port = int(args[args.index("--port") + 1])
        srv = FakeOpenAI({json.dumps(script or [{"text": "DONE"}])}, models=(args[1],), port=port)
        srv.thread.run()
        """))
    exe.chmod(0o755)


def standin_env(monkeypatch, tmp_path: Path, **kw) -> Path:
    record = tmp_path / "vllm-calls.jsonl"
    install_standin_vllm(tmp_path / "bin", record, **kw)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(ANY_DEVICE_ENV, "1")
    return record


def test_vllm_launcher_with_standin_server(tmp_path, monkeypatch):
    record = standin_env(monkeypatch, tmp_path, script=[{"text": "```python\npyautogui.click(500, 500)\n```"}])
    opts = ModelOptions(log_dir=tmp_path / "run", history_steps=4, history_images=2, max_tokens=512)
    factory = model_agent_factory("qwen2-vl", opts)
    try:
        server = factory.info["server"]
        workers = [factory(), factory()]                       # one agent per worker, one server
        for agent in workers:
            agent.reset("x")
            reply = agent.act(SCREEN)                          # the model's code, and the frame that maps it
            assert reply.code == "pyautogui.click(500, 500)" and Frame.from_dict(reply.frame).to_screen(500, 500) == \
                (640, 360)
        calls = [json.loads(line) for line in record.read_text().splitlines()]
        assert len(calls) == 1                                  # started once for the run
        argv = calls[0]["argv"]
        assert argv[:2] == ["serve", "Qwen/Qwen2-VL-7B-Instruct"]
        flags = dict(zip(argv[2::2], argv[3::2]))
        assert flags["--host"] == "127.0.0.1" and int(flags["--port"]) == server.port
        assert json.loads(flags["--limit-mm-per-prompt"]) == {"image": 3, "video": 0}   # 2 past + current
        assert json.loads(flags["--mm-processor-kwargs"]) == {"min_pixels": 3136, "max_pixels": 1003520}
        assert flags["--max-model-len"] == str(9216)            # 3 x 1198 image tokens + prompt + reply
        assert flags["--served-model-name"] == "Qwen/Qwen2-VL-7B-Instruct"
        assert factory.info["base_url"] == f"http://127.0.0.1:{server.port}/v1"
        proc = server.proc
    finally:
        factory.close()
    assert proc.poll() is not None                              # stopped at the end
    assert (tmp_path / "run" / "vllm.log").exists()              # its output is kept with the run


def test_context_length_follows_images_and_history():
    fam = FAMILIES["qwen2-vl"]
    assert context_length(fam, (1280, 720), images=2, history_steps=4, max_tokens=1024) == 8192   # 7868 needed
    assert context_length(fam, (1280, 720), images=3, history_steps=4, max_tokens=512) == 9216    # 8554 needed
    assert context_length(fam, (1920, 1080), images=30, history_steps=4, max_tokens=1024) == 32768


def test_a_server_that_dies_at_start_is_reported_with_its_log(tmp_path, monkeypatch):
    standin_env(monkeypatch, tmp_path, crash="torch.OutOfMemoryError: CUDA out of memory")
    with pytest.raises(AgentLoadError, match=r"(?s)exited with status 1.*CUDA out of memory"):
        model_agent_factory("qwen2-vl", ModelOptions(log_dir=tmp_path))


def run_py(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120)


def test_without_vllm_run_py_says_what_to_do_instead(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    t0 = time.monotonic()
    p = run_py("--agent", "qwen2-vl", "--tasks", "phishing_web-codenest-star", "--out", str(tmp_path / "out"),
               "--no-progress", env=env)
    assert p.returncode == 2 and time.monotonic() - t0 < 30
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --agent qwen2-vl without --base-url starts `vllm serve")
    assert "vLLM is not installed" in lines[0]
    assert "--base-url http://HOST:PORT/v1" in lines[0] and "--agent hf" in lines[0]
    assert not (tmp_path / "out").exists()                     # nothing started, nothing written


@pytest.mark.skipif(has_gpu(), reason="this machine has a GPU: the no-GPU message cannot show")
def test_without_gpu_the_message_names_the_gpu(tmp_path):
    install_standin_vllm(tmp_path / "bin", tmp_path / "calls.jsonl")
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    p = run_py("--agent", "qwen2.5-vl", "--tasks", "phishing_web-codenest-star", "--out", str(tmp_path / "out"),
               env=env)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "no GPU was found" in lines[0] and "not installed" not in lines[0]
    assert "vllm serve Qwen/Qwen2.5-VL-7B-Instruct" in lines[0] and "--base-url" in lines[0]
    assert not (tmp_path / "calls.jsonl").exists()             # vllm was never started
