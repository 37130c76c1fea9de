"""Old import path, kept for one release: boxes now live in riskgym.box (see docs/extending.md)."""
from riskgym.box import PROVIDERS, Box, BoxConfig, BoxError, start_box

__all__ = ["Box", "BoxConfig", "BoxError", "PROVIDERS", "start_box"]
