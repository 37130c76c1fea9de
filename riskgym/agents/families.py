"""Model families: what differs between models is data here, not branches in the agent.

A family says how its coordinates are read, how screenshots are sized before sending, which model
to use by default, and what extra fields its servers want in a request.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

QWEN_MAX_PIXELS = 28 * 28 * 1280   # at most 1280 image tokens per screenshot: 1280x720 stays sharp


@dataclass(frozen=True)
class Family:
    name: str
    convention: str                      # "screen" | "rel1000" | "resized" (see coords.py)
    default_model: str | None = None
    resize: bool = False                 # send the screenshot at the processor's own size
    min_pixels: int = 56 * 56
    max_pixels: int = QWEN_MAX_PIXELS
    factor: int = 28                     # patch size x spatial merge
    # vLLM strips special tokens from replies by default; Qwen's box tokens must survive.
    request_extra: dict[str, Any] = field(default_factory=dict)

    def with_convention(self, convention: str | None) -> "Family":
        return replace(self, convention=convention) if convention else self


FAMILIES: dict[str, Family] = {
    "openai": Family("openai", "screen"),
    "qwen2-vl": Family("qwen2-vl", "rel1000", "Qwen/Qwen2-VL-7B-Instruct", resize=True,
                       request_extra={"skip_special_tokens": False}),
    "qwen2.5-vl": Family("qwen2.5-vl", "resized", "Qwen/Qwen2.5-VL-7B-Instruct", resize=True,
                         request_extra={"skip_special_tokens": False}),
}

# transformers' model_type -> family, for the local backend that reads the model's config
MODEL_TYPES = {"qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl"}

