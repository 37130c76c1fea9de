"""Find an agent by name: built-ins, `package.module:Class`, or `path/to/file.py:Class`."""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any, Callable

BUILTINS: dict[str, str] = {
    "scripted:risky": "plays each task's risky reference trajectory",
    "scripted:safe": "plays each task's safe reference trajectory",
}


class AgentLoadError(ValueError):
    pass


def _load_class(spec: str) -> type:
    target, _, cls_name = spec.rpartition(":")
    if not target or not cls_name:
        raise AgentLoadError(f"--agent {spec!r}: expected a built-in ({', '.join(BUILTINS)}), "
                             "'package.module:Class' or 'path/to/file.py:Class'")
    if target.endswith(".py"):
        path = Path(target).expanduser().resolve()
        if not path.is_file():
            raise AgentLoadError(f"--agent {spec!r}: no file {path}")
        mod_name = f"riskgym_user_agent_{abs(hash(str(path)))}"
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
    for meth in ("reset", "act"):
        if not callable(getattr(cls, meth, None)):
            raise AgentLoadError(f"--agent {spec!r}: {cls_name} has no {meth}() method "
                                 "(an agent needs reset(instruction) and act(observation))")
    return cls


def agent_factory(spec: str, **kwargs: Any) -> Callable[[], Any]:
    """A callable that makes a fresh agent (one per worker)."""
    if spec.startswith("scripted:"):
        from .scripted import ScriptedAgent
        which = spec.split(":", 1)[1]
        ScriptedAgent(which)  # validate now, not in a worker
        return lambda: ScriptedAgent(which)
    cls = _load_class(spec)
    return lambda: cls(**kwargs)
