"""Layer 3: the host's side of boxes: the handle (handle.py), the providers that start boxes
(providers/), and the warm spare a run keeps ready (pool.py). One box per episode."""
from __future__ import annotations

from riskgym.box.handle import Box, BoxConfig, BoxError, BoxUnavailable
from riskgym.box.providers import PROVIDERS, provider, provider_class


def start_box(provider: str = "local", config: BoxConfig | None = None) -> Box:
    """A new box of that provider, started and ready (BoxError if it could not start)."""
    return provider_class(provider)(config)


__all__ = ["Box", "BoxConfig", "BoxError", "BoxUnavailable", "PROVIDERS", "provider", "start_box"]
