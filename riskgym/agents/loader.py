"""Find an agent by name: built-ins, an installed package's entry point (group `riskgym.agents`),
`package.module:Class`, or `path/to/file.py:Class`."""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any, Callable

from riskgym.agents.base import AgentLoadError
from riskgym.agents.builtin import MODEL_AGENTS, ModelOptions, model_agent_factory, split_model_spec
from riskgym.core.registry import Registry, RegistryError

BUILTINS: dict[str, str] = {
    "scripted:risky": "plays each task's risky reference trajectory",
    "scripted:safe": "plays each task's safe reference trajectory",
    **{name: row.description for name, row in MODEL_AGENTS.items()},
}
# Whole agents that installed packages declare under the entry-point group riskgym.agents.
PLUGINS = Registry("agents", "agent")
ENTRY_POINT_GROUP = PLUGINS.group
# agents loaded from a file live in modules named so: not importable elsewhere (Ray ships them by value)
FILE_MODULE_PREFIX = "riskgym_user_agent_"


def plugin_agents() -> dict[str, Any]:
    """Agents that installed packages declare: name -> entry point (first one wins on a clash)."""
    return PLUGINS.plugins()


def _check_agent_class(spec: str, cls: Any) -> type:
    for meth in ("reset", "act"):
        if not callable(getattr(cls, meth, None)):
            raise AgentLoadError(f"--agent {spec!r}: {getattr(cls, '__name__', cls)} has no {meth}() method "
                                 "(an agent needs reset(instruction) and act(observation))")
    return cls


def _load_class(spec: str) -> type:
    target, _, cls_name = spec.rpartition(":")
    if not target or not cls_name:
        raise AgentLoadError(f"--agent {spec!r}: expected a built-in ({', '.join(BUILTINS)}), "
                             "'package.module:Class' or 'path/to/file.py:Class'")
    if target.endswith(".py"):
        path = Path(target).expanduser().resolve()
        if not path.is_file():
            raise AgentLoadError(f"--agent {spec!r}: no file {path}")
        mod_name = f"{FILE_MODULE_PREFIX}{abs(hash(str(path)))}"
        module_spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[mod_name] = module
        try:
            module_spec.loader.exec_module(module)
        except Exception as exc:
            raise AgentLoadError(f"--agent {spec!r}: importing {path} failed: {type(exc).__name__}: {exc}") from exc
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise AgentLoadError(f"--agent {spec!r}: cannot import module {target!r}: {exc}") from exc
    cls = getattr(module, cls_name, None)
    if cls is None:
        raise AgentLoadError(f"--agent {spec!r}: {target} has no {cls_name!r}")
    return _check_agent_class(spec, cls)


def agent_factory(spec: str, options: ModelOptions | None = None, **kwargs: Any) -> Callable[[], Any]:
    """A callable that makes a fresh agent (one per worker). `options` configure the built-in
    model agents; the factory they get may hold a model server: call its close() at the end."""
    if spec.startswith("scripted:"):
        from riskgym.agents.scripted import ScriptedAgent
        which = spec.split(":", 1)[1]
        ScriptedAgent(which)  # validate now, not in a worker
        return lambda: ScriptedAgent(which)
    if split_model_spec(spec):     # NAME or NAME:MODEL (same as --model MODEL)
        return model_agent_factory(spec, options or ModelOptions())
    if spec in PLUGINS:
        try:
            cls = _check_agent_class(spec, PLUGINS.get(spec))
        except RegistryError as exc:
            raise AgentLoadError(f"--agent {spec!r}: {exc}") from exc
    else:
        cls = _load_class(spec)
    return lambda: cls(**kwargs)
