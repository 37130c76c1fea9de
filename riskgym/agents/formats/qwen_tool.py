"""Qwen2.5-VL / Qwen3-VL function calls: `<tool_call>{"name": "computer_use", "arguments": {"action":
"left_click", "coordinate": [x, y]}}</tool_call>`, one or more per reply; also the `mobile_use` tool's
click / swipe / type / key / system_button. Coordinates are the family's (Qwen2.5-VL: pixels of
the resized image; Qwen3-VL: a 0-1000 grid). Every call must read, or the reply is an error."""
from __future__ import annotations

import json
import re
from typing import Any

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats.base import (
    END_TOKENS,
    FormatError,
    Reading,
    catch,
    keys_action,
    number,
    point,
    structured,
)

_CALL = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.S)
_CLICKS = {"left_click": "click", "right_click": "right_click", "middle_click": "middle_click",
           "double_click": "double_click", "triple_click": "triple_click", "mouse_move": "move", "click": "click"}
_SYSTEM_BUTTONS = {"enter": ["enter"], "back": ["alt", "left"], "home": ["alt", "home"]}


def _at(args: dict[str, Any], key: str = "coordinate") -> tuple[float | None, float | None]:
    return point(args[key], key) if args.get(key) is not None else (None, None)


def call_actions(args: dict[str, Any], alone: bool) -> tuple[list[Action], str | None]:
    """One computer_use call -> actions (model coordinates) and an answer word, if it ends the episode."""
    act = args.get("action")
    if act in _CLICKS:
        x, y = _at(args)
        if act == "mouse_move" and x is None:
            raise FormatError("mouse_move needs a coordinate")
        return [Action(_CLICKS[act], x, y)], None
    if act in ("left_click_drag", "swipe"):
        start = _at(args) if act == "swipe" else (None, None)
        to = point(args.get("coordinate2" if act == "swipe" else "coordinate"), "drag target")
        return [Action("drag", *start, to_x=to[0], to_y=to[1])], None
    if act == "type":
        text = args.get("text")
        if not isinstance(text, str):
            raise FormatError("type needs a text")
        return ([Action("type", text=text)] if text else []), None
    if act == "key":
        keys = args.get("keys", args.get("text"))
        keys = [keys] if isinstance(keys, str) else keys
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise FormatError("key needs keys, a list of key names")
        return [keys_action(keys)], None
    if act in ("scroll", "hscroll"):
        x, y = _at(args)
        amount = round(number(args.get("pixels"), f"{act} pixels"))
        return [Action(act, x, y, amount=amount)], None
    if act == "wait":
        secs = number(args.get("time", 1), "wait time")
        return ([], "WAIT") if alone else ([Action("wait", seconds=float(secs))], None)
    if act == "terminate":
        status = args.get("status")
        if status not in ("success", "failure"):
            raise FormatError(f"terminate status must be 'success' or 'failure', not {status!r:.30}")
        return [], "DONE" if status == "success" else "FAIL"
    if act == "answer":
        return [], "DONE"          # the model's final answer: the task is over
    if act == "system_button":
        button = str(args.get("button", "")).lower()
        if button not in _SYSTEM_BUTTONS:
            raise FormatError(f"system_button {button!r:.20} has no desktop equivalent")
        return [keys_action(_SYSTEM_BUTTONS[button])], None
    raise FormatError(f"unknown or unsupported action {act!r:.40}")


def _read(text: str, frame: Frame) -> Reading:
    text = END_TOKENS.sub("", text or "")
    bodies = _CALL.findall(text)
    if not bodies:
        raise FormatError("no <tool_call> in the reply")
    actions: list[Action] = []
    status = None
    for i, body in enumerate(bodies, 1):
        where = f"tool call {i}"
        if status:
            raise FormatError(f"{where}: comes after the call that ended the episode")
        try:
            call = json.loads(body)
        except ValueError as exc:
            raise FormatError(f"{where}: not JSON ({exc.msg} at character {exc.pos})") from None
        if not isinstance(call, dict) or call.get("name") not in ("computer_use", "mobile_use") \
                or not isinstance(call.get("arguments"), dict):
            raise FormatError(f"{where}: expected {{'name': 'computer_use', 'arguments': {{...}}}}")
        try:
            acts, word = call_actions(call["arguments"], alone=len(bodies) == 1)
        except FormatError as exc:
            raise FormatError(f"{where}: {exc}") from None
        actions += acts
        status = word
    return structured(actions, frame, status)


def read(text: str, frame: Frame) -> Reading:
    return catch(_read, text, frame)
