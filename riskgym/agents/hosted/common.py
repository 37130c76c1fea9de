"""What the hosted-API agents share: the SDK import, the key, the screenshot as it is sent, usage."""
from __future__ import annotations

import base64
import importlib
import io
import os
import time
from typing import Any

import numpy as np
from PIL import Image

from riskgym.actions.coords import Frame
from riskgym.agents.base import AgentLoadError

INSTALL_HINT = "pip install 'riskgym[hosted]'"


def sdk(module: str, agent: str) -> Any:
    """The official SDK, or one clear line on how to get it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise AgentLoadError(f"--agent {agent}: the {module!r} package is not installed: {INSTALL_HINT}") from None


def api_key(var: str, agent: str) -> str:
    key = os.environ.get(var, "").strip()
    if not key:
        raise AgentLoadError(f"--agent {agent}: set the environment variable {var} to your API key")
    return key


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def view(screenshot: np.ndarray, max_side: int | None) -> tuple[Frame, Image.Image]:
    """The image to send (scaled down so its long side is at most max_side) and its frame."""
    img = Image.fromarray(np.asarray(screenshot)).convert("RGB")
    w, h = img.size
    if max_side and max(w, h) > max_side:
        s = max_side / max(w, h)
        iw, ih = max(1, round(w * s)), max(1, round(h * s))
        return Frame("resized", w, h, iw, ih), img.resize((iw, ih), Image.Resampling.LANCZOS)
    return Frame.screen(w, h), img


def png_b64(img: Image.Image) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def zoomed(img: Image.Image, region: tuple[int, int, int, int]) -> Image.Image:
    """The region of the screenshot, scaled up to fill the screenshot's own size (aspect kept)."""
    crop = img.crop(region)
    s = min(img.size[0] / crop.size[0], img.size[1] / crop.size[1])
    return crop.resize((max(1, round(crop.size[0] * s)), max(1, round(crop.size[1] * s))), Image.Resampling.LANCZOS)


class Usage:
    """Token counts and latency summed over the API calls of one step."""

    def __init__(self) -> None:
        self.d: dict[str, Any] = {"input_tokens": 0, "output_tokens": 0, "api_calls": 0, "latency_s": 0.0}
        self._t = 0.0

    def start(self) -> None:
        self._t = time.monotonic()

    def add(self, usage: Any) -> None:
        self.d["latency_s"] = round(self.d["latency_s"] + time.monotonic() - self._t, 3)
        self.d["api_calls"] += 1
        for k in ("input_tokens", "output_tokens"):
            self.d[k] += int(getattr(usage, k, 0) or 0)
        # the names riskgym's other agents report, so run totals add up
        self.d["prompt_tokens"], self.d["completion_tokens"] = self.d["input_tokens"], self.d["output_tokens"]
        self.d["total_tokens"] = self.d["input_tokens"] + self.d["output_tokens"]


def unreadable_code(error: str) -> str:
    """Code for a call that cannot be read whole: it performs nothing and the step records the reason."""
    return f"raise ValueError({error!r})"


def one_base_url(url: str | None, agent: str) -> str | None:
    """The hosted SDKs talk to one endpoint; several (`--base-url A,B`) are for OpenAI-compatible servers."""
    if url and "," in url:
        raise AgentLoadError(f"--agent {agent}: --base-url takes one URL for a hosted API, not a list ({url})")
    return url or None
