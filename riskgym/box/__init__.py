"""Boxes: one isolated process tree per episode, started by a provider."""
from __future__ import annotations

from riskgym.box.handle import Box, BoxConfig, BoxError

PROVIDERS = ("local", "docker")


def start_box(provider: str = "local", config: BoxConfig | None = None) -> Box:
    if provider == "local":
        from riskgym.box.providers.local import LocalBox
        return LocalBox(config)
    if provider == "docker":
        from riskgym.box.providers.docker import DockerBox
        return DockerBox(config)
    raise BoxError(f"unknown provider {provider!r} (available: {', '.join(PROVIDERS)})")


__all__ = ["Box", "BoxConfig", "BoxError", "PROVIDERS", "start_box"]
