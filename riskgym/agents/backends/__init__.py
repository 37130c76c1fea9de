"""Where a model agent's replies come from: BACKENDS, the one table of model backends.

A backend is a module with `make(agent: str, family: Family | None, opts: ModelOptions) ->
SharedFactory`: a callable that makes one ModelAgent per worker over whatever the workers share
(a server it started, weights in memory), released by close(). A new backend is a module here
and one row below, or an installed package declaring it under the entry-point group
`riskgym.backends`; a built-in model agent (agents/builtin.py) names its backend by row.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from riskgym.agents.model_agent import AgentSettings
from riskgym.core.registry import Registry

BACKENDS = Registry("backends", "model backend")
BACKENDS.register("openai", "riskgym.agents.backends.openai:make")   # any OpenAI-compatible server
BACKENDS.register("vllm", "riskgym.agents.backends.vllm:make")       # the same, starting `vllm serve` if no URL
BACKENDS.register("hf", "riskgym.agents.backends.hf:make")           # transformers, in-process
# The hosted computer-use APIs, each a whole agent loop over its official SDK (extra 'hosted')
BACKENDS.register("anthropic", "riskgym.agents.hosted.anthropic_agent:make")
BACKENDS.register("openai-cua", "riskgym.agents.hosted.openai_cua_agent:make")


@dataclass
class ModelOptions:
    """What the command line says about model agents (see `run.py --help`)."""
    backend: str | None = None           # a BACKENDS name; default: the agent's row
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

    def __getstate__(self) -> dict[str, Any]:
        """Shipped to another process (a Ray node): the maker goes, the server this run started stays."""
        return {"_make": self._make, "_on_close": None,
                "info": {k: v for k, v in self.info.items() if k != "server"}}

    def close(self) -> None:
        if self._on_close:
            self._on_close()
            self._on_close = None
