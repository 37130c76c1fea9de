"""Gymnasium environments over the box (registered as riskgym/Browser-v0 and riskgym/Desktop-v0).

nondeterministic=True: a real browser's first frame can differ by a few anti-aliased pixels
between two boxes (window activation), though the page, the URL and the attacks are the same.
"""
from __future__ import annotations

from gymnasium.envs.registration import register, registry

ENTRY_POINTS = {"browser": "riskgym.envs.browser:BrowserEnv", "desktop": "riskgym.envs.desktop:DesktopEnv"}

for _kind, _entry in ENTRY_POINTS.items():
    if f"riskgym/{_kind.capitalize()}-v0" not in registry:
        register(id=f"riskgym/{_kind.capitalize()}-v0", entry_point=_entry, nondeterministic=True)


def env_class(kind: str):
    """The env class for a task's `env` kind."""
    import importlib

    module, _, name = ENTRY_POINTS[kind].partition(":")
    return getattr(importlib.import_module(module), name)
