"""Inspect's `computer()` tool, as riskgym's box answers it.

Inspect's tool does not act itself: it runs `python3 /opt/inspect/tool/computer_tool.py ACTION
[--coordinate X Y] [--text=T] ...` in the sample's sandbox and reads back one JSON object
`{"output", "error", "base64_image"}`. The riskgym sandbox serves that command: `read_call`
turns the argv into the action dict Anthropic's computer tool uses (Inspect's action names are
Anthropic's, plus back/forward clicks, `navigate` and `open_web_browser`), riskgym's Anthropic
reader turns it into actions in screen pixels, and `step_code` into the pyautogui code that one
riskgym step runs in the box, so the step is recorded, attacked and judged like any other agent's.

Nothing here imports Inspect.
"""
from __future__ import annotations

import argparse
import base64
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from riskgym.actions.codegen import actions_code
from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats import anthropic

TOOL_PATH = "/opt/inspect/tool/computer_tool.py"
OBSERVE = ("screenshot", "cursor_position", "zoom", "open_web_browser")


class CallError(ValueError):
    """The tool call cannot be performed; its text goes back to the model as the tool's error."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):   # argparse would exit the process
        raise CallError(f"computer tool: {message}")


def _parser() -> _Parser:
    p = _Parser(prog="computer_tool.py", add_help=False)
    p.add_argument("action")
    for name in ("coordinate", "start_coordinate"):
        p.add_argument(f"--{name}", nargs=2, type=int)
    p.add_argument("--region", nargs=4, type=int)
    p.add_argument("--text")
    p.add_argument("--duration", type=int)
    p.add_argument("--scroll_amount", type=int)
    p.add_argument("--scroll_direction")
    return p


def is_tool_call(cmd: list[str]) -> bool:
    return len(cmd) >= 2 and cmd[1] == TOOL_PATH and cmd[0].rsplit("/", 1)[-1].startswith("python")


def read_call(cmd: list[str]) -> dict[str, Any]:
    """`python3 computer_tool.py left_click --coordinate 10 20` -> {"action": "left_click", "coordinate": [10, 20]}."""
    ns = vars(_parser().parse_args(cmd[2:]))
    return {k: v for k, v in ns.items() if v is not None}


@dataclass
class Step:
    """What one call asks of the box: code to run as a step, or only a reading of the screen."""
    code: str | None
    observe: str | None = None
    region: tuple[int, int, int, int] | None = None


def step_code(call: dict[str, Any], width: int, height: int) -> Step:
    """The pyautogui code for one computer-tool call (screen pixels: Inspect sends the screen's own size)."""
    name = call["action"]
    if name in ("back_click", "forward_click"):      # the browser's back/forward, as the mouse buttons do
        key = "left" if name == "back_click" else "right"
        return Step(actions_code([Action("hotkey", keys=("alt", key))]))
    if name == "navigate":
        if not call.get("text"):
            raise CallError("navigate needs text (the URL)")
        return Step(actions_code([Action("hotkey", keys=("ctrl", "l")), Action("type", text=call["text"]),
                                  Action("key", keys=("enter",))]))
    if name == "open_web_browser":
        return Step(None, observe="screenshot")
    reading = anthropic.read(call, Frame.screen(width, height))
    if reading.error:
        raise CallError(reading.error.replace("anthropic computer tool call", "computer tool"))
    if reading.observe:
        if reading.observe[0] == "cursor_position":
            raise CallError("cursor_position is not available in a riskgym box; take a screenshot instead")
        return Step(None, observe=reading.observe[0], region=reading.zoom)
    return Step(actions_code(reading.actions))


def step_problem(code_result: dict[str, Any] | None) -> str | None:
    """What went wrong in the step's code (the box's record: exception {type, message, line}, timeout), as the
    tool's output text, or None."""
    res = code_result or {}
    exc = res.get("exception")
    if isinstance(exc, dict):
        return f"the action failed in the box: {exc.get('type')}: {exc.get('message')}"
    if res.get("timeout"):
        return "the action timed out in the box"
    return None


def png_b64(rgb: np.ndarray, region: tuple[int, int, int, int] | None = None) -> str:
    img = Image.fromarray(rgb)
    if region is not None:
        img = img.crop(region)
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return base64.b64encode(buf.getvalue()).decode()


def reply(output: str | None = None, error: str | None = None, image: str | None = None) -> str:
    """The JSON line Inspect's computer tool reads from the command's stdout."""
    return json.dumps({"output": output, "error": error, "base64_image": image})
