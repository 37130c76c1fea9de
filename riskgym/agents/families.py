"""Model families: what differs between models is data here, not branches in the agent.

A family says which action format its model speaks (its reader, agents/formats/, and the prompt
that asks for it), how its coordinates are read (convention, and whether fractions in [0, 1] are
fractions of the screen), how screenshots are sized before sending, which model to use by default,
and what extra fields its servers want in a request.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from riskgym.actions.coords import Frame, smart_resize
from riskgym.agents import action_prompts as P

QWEN_MAX_PIXELS = 28 * 28 * 1280   # at most 1280 image tokens per screenshot: 1280x720 stays sharp
UITARS_MAX_PIXELS = 16384 * 28 * 28    # UI-TARS 1.5's and OpenCUA's processor bounds
KEEP_SPECIAL = {"skip_special_tokens": False}   # vLLM strips special tokens by default; box tokens must survive


@dataclass(frozen=True)
class Family:
    name: str
    convention: str                      # "screen" | "rel1000" | "resized" (see actions/coords.py)
    default_model: str | None = None
    resize: bool = False                 # send the screenshot at the processor's own size
    min_pixels: int = 56 * 56
    max_pixels: int = QWEN_MAX_PIXELS
    factor: int = 28                     # patch size x spatial merge
    request_extra: dict[str, Any] = field(default_factory=dict)
    reader: str = "pyautogui"            # a READERS row of agents/formats
    prompt: str = P.PYAUTOGUI            # how the model is told the action format
    fractions: bool = False              # (0.43, 0.26) is a fraction of the screen

    def with_convention(self, convention: str | None) -> "Family":
        return replace(self, convention=convention) if convention else self

    def frame(self, width: int, height: int) -> Frame:
        """The frame of this family's coordinates on a width x height screen: the image it is sent
        is the processor's own size when the family resizes."""
        ih, iw = smart_resize(height, width, self.factor, self.min_pixels, self.max_pixels) if self.resize \
            else (height, width)
        return Frame(self.convention, width, height, iw, ih, self.fractions)


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("openai", "screen"),
    Family("qwen2-vl", "rel1000", "Qwen/Qwen2-VL-7B-Instruct", resize=True, request_extra=KEEP_SPECIAL,
           reader="qwen2vl"),
    Family("qwen2.5-vl", "resized", "Qwen/Qwen2.5-VL-7B-Instruct", resize=True, request_extra=KEEP_SPECIAL,
           reader="qwen2vl"),
    Family("qwen2.5-vl-tool", "resized", "Qwen/Qwen2.5-VL-7B-Instruct", resize=True, request_extra=KEEP_SPECIAL,
           reader="qwen_tool", prompt=P.QWEN_TOOL),
    Family("qwen3-vl", "rel1000", "Qwen/Qwen3-VL-8B-Instruct", request_extra=KEEP_SPECIAL, factor=32,
           reader="qwen_tool", prompt=P.QWEN_TOOL),
    Family("uitars", "resized", "ByteDance-Seed/UI-TARS-1.5-7B", resize=True, min_pixels=100 * 28 * 28,
           max_pixels=UITARS_MAX_PIXELS, request_extra=KEEP_SPECIAL, reader="uitars", prompt=P.UITARS_1_5),
    Family("uitars-1.0", "rel1000", "bytedance-research/UI-TARS-7B-DPO", resize=True, request_extra=KEEP_SPECIAL,
           reader="uitars", prompt=P.UITARS_1_0),
    Family("opencua", "resized", "xlangai/OpenCUA-7B", resize=True, max_pixels=UITARS_MAX_PIXELS,
           reader="opencua", prompt=P.OPENCUA, fractions=True),
    Family("computer13", "screen", reader="computer13", prompt=P.COMPUTER13),
    Family("gemini", "rel1000", "gemini-2.5-computer-use-preview-10-2025", reader="gemini", prompt=P.GEMINI),
    Family("showui", "screen", "showlab/ShowUI-2B", reader="showui", prompt=P.SHOWUI, fractions=True),
    # The hosted computer tools: their agents (agents/hosted) read through these readers; the rows
    # let `run.py actions` read their logged calls (screenshot pixels, here the screen's).
    Family("anthropic", "screen", reader="anthropic"),
    Family("openai-cua", "screen", reader="openai_cua"),
]}

# transformers' model_type -> family, for the local backend that reads the model's config
MODEL_TYPES = {"qwen2_vl": "qwen2-vl", "qwen2_5_vl": "qwen2.5-vl"}
