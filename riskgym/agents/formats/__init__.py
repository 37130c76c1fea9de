"""Reading a model's reply in the action format its family speaks: one module per format.

Every reader is `read(text: str, frame: Frame) -> Reading`. Code formats (OSWorld-style pyautogui,
OpenCUA, Qwen2-VL) hand the box the model's own code, whole, with the frame that maps its numbers;
structured formats (tool calls, UI-TARS, computer_13, Gemini) become actions in screen pixels and
code generated from them. A reply that cannot be read whole is an error, and nothing runs.

READERS names each format's module; a family (agents/families.py) names its reader here.
"""
from __future__ import annotations

import functools
import importlib
from typing import Callable

from riskgym.actions.codegen import actions_code
from riskgym.actions.coords import Frame
from riskgym.agents.formats.base import Reading

# format -> module under riskgym.agents.formats with read(text, frame) -> Reading
READERS: dict[str, str] = {
    "pyautogui": "pyautogui_code",   # OSWorld-style code: pyautogui, pyperclip, any Python; DONE/FAIL/WAIT
    "opencua": "opencua",            # pyautogui with fractions of the screen, computer.terminate / wait
    "qwen2vl": "qwen2vl",            # pyautogui, or a verb and a <|box_start|>(x,y)<|box_end|> grounding box
    "qwen_tool": "qwen_tool",        # <tool_call>{"name": "computer_use", "arguments": {...}}</tool_call>
    "uitars": "uitars",              # Action: click(start_box='(x,y)') / click(point='<point>x y</point>') ...
    "computer13": "computer13",      # OSWorld computer_13 JSON: {"action_type": "CLICK", ...}
    "gemini": "gemini",              # Gemini computer use function calls on a 0-1000 grid
    "showui": "showui",              # {'action': 'CLICK', 'value': None, 'position': [0.49, 0.42]}
    "anthropic": "anthropic",        # Anthropic computer-tool calls: {"action": "left_click", "coordinate": [x, y]}
    "openai_cua": "openai_cua",      # OpenAI computer_call actions: {"type": "click", "x": .., "y": ..}
}


def reader(fmt: str) -> Callable[[str, Frame], Reading]:
    """The read function of a format (a READERS row, or 'package.module' of a reader elsewhere)."""
    module = READERS.get(fmt)
    name = f"riskgym.agents.formats.{module}" if module else fmt
    try:
        fn = importlib.import_module(name).read
    except (ImportError, AttributeError):
        raise ValueError(f"no reader for action format {fmt!r}; known: {', '.join(READERS)}") from None

    @functools.wraps(fn)
    def safe(text: str, frame: Frame) -> Reading:
        """The contract: a reply that does not read is an error Reading, never a crash."""
        if not isinstance(text, str):
            return Reading(error=f"a reply must be text, not {type(text).__name__}")
        try:
            out = fn(text, frame)
        except Exception as exc:      # noqa: BLE001 - whatever a hostile reply provokes
            return Reading(error=f"cannot read the reply ({type(exc).__name__}: {exc})"[:300])
        return out if isinstance(out, Reading) else _from_tool_call(out)
    return safe


def _from_tool_call(h) -> Reading:
    """A hosted tool call's reading (formats/_hosted.py) as a Reading: its actions and their code;
    calls that only look (screenshot, zoom, cursor position) are the agent's to answer, no step."""
    if h.actions is None:
        return Reading(error=h.error or "unreadable tool call")
    looks = [f"{name} (the agent answers it, no step)" for name in h.observe]
    return Reading(list(h.actions), actions_code(h.actions) if h.actions else "", unread=looks)


def read(fmt: str, text: str, frame: Frame) -> Reading:
    return reader(fmt)(text, frame)


__all__ = ["READERS", "Reading", "read", "reader"]
