"""Start `vllm serve` for a run, wait until it is healthy, stop it at the end.

One server per run: every worker's agent talks to it, so vLLM batches their requests. Its image
limit and context length follow from the agent's settings (screenshots per prompt, their size),
and its image processor gets the same pixel bounds the agent resizes to, so the model sees
exactly the frame the agent maps coordinates from.
"""
from __future__ import annotations

import atexit
import json
import math
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from riskgym.actions.coords import smart_resize
from riskgym.agents.backends import ModelOptions, SharedFactory
from riskgym.agents.base import AgentLoadError
from riskgym.agents.families import Family

ANY_DEVICE_ENV = "RISKGYM_VLLM_ANY_DEVICE"   # "1": skip the GPU check (vLLM's CPU build, tests)


def has_gpu() -> bool:
    if Path("/dev/kfd").exists():                      # ROCm
        return True
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            p = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20)
            return p.returncode == 0 and "GPU" in p.stdout
        except (OSError, subprocess.TimeoutExpired):
            return False
    return Path("/dev/nvidia0").exists()


def why_not(model: str, agent: str) -> str | None:
    """None when `vllm serve` can start here; else the one message the user sees."""
    missing = []
    if shutil.which("vllm") is None:
        missing.append("vLLM is not installed (no `vllm` command on PATH)")
    if os.environ.get(ANY_DEVICE_ENV) != "1" and not has_gpu():
        missing.append("no GPU was found (nvidia-smi lists none)")
    if not missing:
        return None
    return (f"--agent {agent} without --base-url starts `vllm serve {model}` on this machine, but "
            + " and ".join(missing) + ". Alternatives: point it at a running OpenAI-compatible server with "
            "--base-url http://HOST:PORT/v1 (vLLM, SGLang or a hosted API); run on a GPU machine with the "
            "`vllm` command on PATH (README, GPU section); or run a small model on CPU with "
            "--agent hf --model PATH_OR_ID.")


def context_length(family: Family, screen: tuple[int, int], images: int, history_steps: int,
                   max_tokens: int, model_limit: int = 32768) -> int:
    """Tokens one request can need: its screenshots, the prompt and past replies, the answer."""
    ih, iw = smart_resize(screen[1], screen[0], family.factor, family.min_pixels, family.max_pixels)
    per_image = (ih // family.factor) * (iw // family.factor) + 2    # + vision start/end
    need = images * per_image + 2048 + 600 * history_steps + max_tokens
    return min(model_limit, math.ceil(need / 1024) * 1024)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:   # runs in the child: if riskgym is killed, vLLM goes too
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except Exception:   # no logging here: this runs in the forked child, where a lock may be held
        pass


class VLLMServer:
    def __init__(self, model: str, family: Family, *, images: int, max_model_len: int,
                 log_path: Path, extra_args: str = "", port: int | None = None, startup_timeout: float = 1200) -> None:
        self.model, self.family = model, family
        self.images, self.max_model_len = images, max_model_len
        self.log_path, self.extra_args = Path(log_path), extra_args
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        f = self.family
        return ["vllm", "serve", self.model, "--host", "127.0.0.1", "--port", str(self.port),
                "--served-model-name", self.model, "--max-model-len", str(self.max_model_len),
                "--limit-mm-per-prompt", json.dumps({"image": self.images, "video": 0}),
                "--mm-processor-kwargs", json.dumps({"min_pixels": f.min_pixels, "max_pixels": f.max_pixels}),
                *shlex.split(self.extra_args)]

    def start(self) -> "VLLMServer":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        cmd = self.command()
        print(f"starting: {shlex.join(cmd)}\n  log: {self.log_path}; waiting for it to be healthy "
              f"(up to {self.startup_timeout:.0f} s)", file=sys.stderr, flush=True)
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True, preexec_fn=_die_with_parent)
        atexit.register(self.stop)
        t0 = time.monotonic()
        try:
            self.wait_healthy()
        except BaseException:
            self.stop()
            raise
        print(f"vLLM is serving {self.model} at {self.base_url} (ready after {time.monotonic() - t0:.0f} s)",
              file=sys.stderr, flush=True)
        return self

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        root = self.base_url.rsplit("/v1", 1)[0]
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"vllm serve exited with status {self.proc.returncode} before it was ready; "
                                   f"last lines of {self.log_path}:\n{self.log_tail()}")
            try:
                if httpx.get(root + "/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"vllm serve was not healthy after {self.startup_timeout:.0f} s; last lines of "
                           f"{self.log_path}:\n{self.log_tail()}")

    def log_tail(self, n: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None or p.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(p.pid, sig)     # the whole group: vLLM's engine processes too
            except ProcessLookupError:
                return
            try:
                p.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(p.pid, signal.SIGKILL)   # sweep any engine process the leader left behind
        except (ProcessLookupError, PermissionError):
            pass


def make(agent: str, family: Family, opts: ModelOptions) -> SharedFactory:
    """The `vllm` backend: the server at --base-url, or `vllm serve` started for this run (its
    image limit and context length from what the prompts need), stopped when the run ends."""
    from riskgym.agents.backends.openai import served

    if opts.base_url:
        return served(agent, family, opts, opts.base_url)
    model = opts.model or family.default_model
    msg = why_not(model, agent)
    if msg:
        raise AgentLoadError(msg)
    images = min(max(opts.history_images, 0), max(opts.history_steps, 0)) + 1   # past screenshots + the current
    length = opts.max_model_len or context_length(family, opts.screen, images, opts.history_steps, opts.max_tokens)
    server = VLLMServer(model, family, images=images, max_model_len=length,
                        log_path=(opts.log_dir or Path(".")) / "vllm.log", extra_args=opts.vllm_args,
                        startup_timeout=opts.server_timeout)
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        raise AgentLoadError(f"--agent {agent}: {exc}") from None
    return served(agent, family, opts, server.base_url, server)
