"""The built-in model agents: MODEL_AGENTS, one row each, a model family read through a backend.

The run calls an agent factory once per worker. Whatever is expensive (a `vllm serve` process,
model weights in memory) is made once by the backend, when the factory is made, and released by
close(). A new built-in model agent is one row (its family in families.py, its backend in
backends/).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from riskgym.agents.backends import BACKENDS, ModelOptions, SharedFactory
from riskgym.agents.base import AgentLoadError
from riskgym.agents.families import FAMILIES
from riskgym.core.registry import RegistryError


@dataclass(frozen=True)
class ModelAgentRow:
    family: str | None      # a FAMILIES name (None: read from the checkpoint, as hf does)
    backend: str            # a BACKENDS name
    description: str        # what `run.py agents` and `--help` say


MODEL_AGENTS: dict[str, ModelAgentRow] = {
    "openai": ModelAgentRow("openai", "openai", "any OpenAI-compatible chat server (--base-url, --model); "
                            "coordinates in screen pixels"),
    "qwen2-vl": ModelAgentRow("qwen2-vl", "vllm", "Qwen2-VL (0-1000 grid) on an OpenAI-compatible server; starts "
                              "`vllm serve` without --base-url"),
    "qwen2.5-vl": ModelAgentRow("qwen2.5-vl", "vllm", "Qwen2.5-VL (pixels of the resized image); served like qwen2-vl"),
    "qwen2.5-vl-tool": ModelAgentRow("qwen2.5-vl-tool", "vllm", "Qwen2.5-VL answering with computer_use tool calls; "
                                     "served like qwen2-vl"),
    "qwen3-vl": ModelAgentRow("qwen3-vl", "vllm", "Qwen3-VL computer_use tool calls (0-1000 grid); "
                              "served like qwen2-vl"),
    "uitars": ModelAgentRow("uitars", "vllm", "UI-TARS 1.5 (Thought/Action, pixels of the resized image); served "
                            "like qwen2-vl"),
    "uitars-1.0": ModelAgentRow("uitars-1.0", "vllm", "UI-TARS 1.0 (start_box with box tokens, 0-1000 grid); served "
                                "like qwen2-vl"),
    "opencua": ModelAgentRow("opencua", "vllm", "OpenCUA (pyautogui code, fractions of the screen, "
                             "computer.terminate); served like qwen2-vl (pass --vllm-args --trust-remote-code)"),
    "hf": ModelAgentRow(None, "hf", "a Qwen2-VL / Qwen2.5-VL checkpoint run in-process with transformers "
                        "(--model; extra 'hf')"),
    "anthropic": ModelAgentRow(None, "anthropic", "anthropic:MODEL, Claude with Anthropic's computer-use tool "
                               "(Messages API, official SDK; $ANTHROPIC_API_KEY; extra 'hosted')"),
    "openai-cua": ModelAgentRow(None, "openai-cua", "openai-cua:MODEL, OpenAI's computer-use tool (Responses API, "
                                "official SDK; $OPENAI_API_KEY; extra 'hosted')"),
}


def split_model_spec(spec: str) -> tuple[str, str | None] | None:
    """`NAME` or `NAME:MODEL` for a built-in model agent -> (NAME, MODEL or None); None otherwise."""
    name, _, model = spec.partition(":")
    return (name, model or None) if name in MODEL_AGENTS else None


def model_agent_factory(name: str, opts: ModelOptions) -> SharedFactory:
    """The factory of a built-in model agent (`NAME` or `NAME:MODEL`): its family, read through its backend."""
    name, model = split_model_spec(name) or (name, None)
    if model:
        opts = replace(opts, model=model)
    row = MODEL_AGENTS[name]
    try:
        make = BACKENDS.get(opts.backend or row.backend)
    except RegistryError as exc:
        raise AgentLoadError(f"--agent {name}: {exc}") from None
    family = FAMILIES[row.family].with_convention(opts.coords) if row.family else None
    return make(name, family, opts)


__all__ = ["MODEL_AGENTS", "ModelAgentRow", "ModelOptions", "SharedFactory", "model_agent_factory",
           "split_model_spec"]
