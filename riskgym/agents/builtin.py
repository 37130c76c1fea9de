"""The built-in model agents (`openai`, `qwen2-vl`, `qwen2.5-vl`, `hf`) and what their workers share.

The run calls an agent factory once per worker. Whatever is expensive (a `vllm serve` process,
model weights in memory) is made once here, when the factory is made, and released by close().
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from riskgym.agents.families import FAMILIES
from riskgym.agents.model_agent import AgentSettings, ModelAgent

MODEL_AGENTS: dict[str, str] = {
    "openai": "any OpenAI-compatible chat server (--base-url, --model); coordinates in screen pixels",
    "qwen2-vl": "Qwen2-VL (0-1000 grid) on an OpenAI-compatible server; starts `vllm serve` without --base-url",
    "qwen2.5-vl": "Qwen2.5-VL (pixels of the resized image); served like qwen2-vl",
    "hf": "a Qwen2-VL / Qwen2.5-VL checkpoint run in-process with transformers (--model; extra 'hf')",
}


@dataclass
class ModelOptions:
    base_url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    stream: bool = False
    coords: str | None = None            # override the family's coordinate convention
    history_steps: int = 4
    history_images: int = 1
    max_tokens: int = 1024
    temperature: float = 0.0
    timeout: float = 120.0
    retries: int = 5
    device: str = "auto"                 # hf only
    max_model_len: int | None = None     # vllm serve only; default: what the prompts need
    vllm_args: str = ""
    server_timeout: float = 1200.0
    log_dir: Path | None = None
    screen: tuple[int, int] = (1280, 720)

    def settings(self) -> AgentSettings:
        return AgentSettings(history_steps=self.history_steps, history_images=self.history_images,
                             max_tokens=self.max_tokens, temperature=self.temperature)


class SharedFactory:
    """Makes one agent per worker over shared resources; close() releases them."""

    def __init__(self, make: Callable[[], Any], on_close: Callable[[], None] | None = None, **info: Any) -> None:
        self._make, self._on_close, self.info = make, on_close, info

    def __call__(self) -> Any:
        return self._make()

    def close(self) -> None:
        if self._on_close:
            self._on_close()
            self._on_close = None


def model_agent_factory(name: str, opts: ModelOptions) -> SharedFactory:
    from riskgym.agents.loader import AgentLoadError

    if name == "hf":
        return _hf_factory(opts, AgentLoadError)
    from riskgym.agents.backends.openai import OpenAIBackend, probe

    family = FAMILIES[name].with_convention(opts.coords)
    model, base_url, server = opts.model or family.default_model, opts.base_url, None
    api_key = os.environ.get(opts.api_key_env) if opts.api_key_env else None
    if base_url is None and name == "openai":
        base_url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
    if base_url is None:
        server = _start_vllm(name, model, family, opts, AgentLoadError)
        base_url = server.base_url
    else:   # fail now, not after every episode's retries, when the server is not there
        served, unreachable = probe(base_url, api_key)
        if unreachable:
            raise AgentLoadError(f"--agent {name}: cannot reach {base_url} ({unreachable}); is the server "
                                 "running, and is the URL the one that ends in /v1?")
        if not opts.model and model not in served and len(served) == 1:
            model = served[0]   # a server that serves exactly one model: use it, whatever its name
    if not model:
        raise AgentLoadError(f"--agent {name} needs --model NAME (the model the server at {base_url} serves)")
    settings = opts.settings()

    def make() -> ModelAgent:
        backend = OpenAIBackend(base_url, model, api_key, stream=opts.stream, timeout=opts.timeout,
                                retries=opts.retries, extra_body=family.request_extra)
        return ModelAgent(backend, family, settings)

    return SharedFactory(make, server.stop if server else None, base_url=base_url, model=model, server=server)


def _start_vllm(name: str, model: str, family, opts: ModelOptions, error: type[Exception]):
    from riskgym.agents.backends.vllm import VLLMServer, context_length, why_not

    msg = why_not(model, name)
    if msg:
        raise error(msg)
    images = min(max(opts.history_images, 0), max(opts.history_steps, 0)) + 1   # past screenshots + the current
    length = opts.max_model_len or context_length(family, opts.screen, images, opts.history_steps, opts.max_tokens)
    log = (opts.log_dir or Path(".")) / "vllm.log"
    server = VLLMServer(model, family, images=images, max_model_len=length, log_path=log,
                        extra_args=opts.vllm_args, startup_timeout=opts.server_timeout)
    try:
        return server.start()
    except (RuntimeError, OSError) as exc:
        raise error(f"--agent {name}: {exc}") from None


def _hf_factory(opts: ModelOptions, error: type[Exception]) -> SharedFactory:
    if not opts.model:
        raise error("--agent hf needs --model: a Hugging Face model id or a local folder "
                    "(a Qwen2-VL or Qwen2.5-VL checkpoint)")
    if importlib.util.find_spec("torch") is None or importlib.util.find_spec("transformers") is None:
        raise error("--agent hf needs torch and transformers: pip install -e '.[hf]'")
    from riskgym.agents.backends.hf import HFBackend

    try:
        backend = HFBackend.from_pretrained(opts.model, device=opts.device)
    except (OSError, ValueError) as exc:
        raise error(f"--agent hf: cannot load {opts.model!r}: {exc}") from None
    family = backend.family().with_convention(opts.coords)
    settings = opts.settings()
    return SharedFactory(lambda: ModelAgent(backend, family, settings), model=opts.model)
