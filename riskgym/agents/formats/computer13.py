"""OSWorld's computer_13 action space: a JSON object (or a list of them, or a ```json block),
`{"action_type": "CLICK", "x": 100, "y": 200, "button": "left", "num_clicks": 1}`, its fields either
beside action_type or under "parameters". Coordinates are screen pixels.

Types: MOVE_TO, CLICK, MOUSE_DOWN, MOUSE_UP, RIGHT_CLICK, DOUBLE_CLICK, DRAG_TO, SCROLL (dx, dy),
TYPING (text), PRESS (key), KEY_DOWN, KEY_UP, HOTKEY (keys), WAIT, FAIL, DONE; and the spellings
OSWorld's own prompt uses for some of them: MOUSE_MOVE, TYPE, KEY (key may be "ctrl+c"),
click_type (LEFT, RIGHT, MIDDLE, DOUBLE).
"""
from __future__ import annotations

from typing import Any

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats.base import (
    END_TOKENS,
    FormatError,
    Reading,
    catch,
    fenced_or_whole,
    keys_action,
    load_objects,
    number,
    structured,
)

_ALIASES = {"MOUSE_MOVE": "MOVE_TO", "TYPE": "TYPING", "KEY": "PRESS"}


def _xy(p: dict[str, Any]) -> tuple[float | None, float | None]:
    if p.get("x") is None and p.get("y") is None:
        return None, None
    return number(p.get("x"), "x"), number(p.get("y"), "y")


def _key(p: dict[str, Any], field: str = "key") -> list[str]:
    k = p.get(field)
    if isinstance(k, str):
        return [k]
    if isinstance(k, list) and k and all(isinstance(i, str) for i in k):
        return k
    raise FormatError(f"{field} must be a key name or a list of them")


def one(obj: Any) -> tuple[list[Action], str | None]:
    if not isinstance(obj, dict) or not isinstance(obj.get("action_type"), str):
        raise FormatError("expected an object with an action_type")
    t = obj["action_type"].upper()
    t = _ALIASES.get(t, t)
    p = obj.get("parameters") if isinstance(obj.get("parameters"), dict) else obj
    x, y = _xy(p)
    button = str(p.get("button", "left")).lower()
    if t in ("DONE", "FAIL", "WAIT"):
        return [], t
    if t == "MOVE_TO":
        if x is None:
            raise FormatError("MOVE_TO needs x and y")
        return [Action("move", x, y)], None
    if t == "CLICK":
        kind = str(p.get("click_type", "")).upper()
        if kind == "DOUBLE":
            return [Action("double_click", x, y)], None
        if kind in ("LEFT", "RIGHT", "MIDDLE"):
            button = kind.lower()
        n = int(number(p.get("num_clicks", 1), "num_clicks"))
        if button not in ("left", "right", "middle") or not 1 <= n <= 3:
            raise FormatError(f"CLICK with button {button!r:.10} and num_clicks {n}")
        named = {(1, "left"): "click", (2, "left"): "double_click", (3, "left"): "triple_click",
                 (1, "right"): "right_click", (1, "middle"): "middle_click"}.get((n, button))
        return [Action(named, x, y) if named else Action("click", x, y, button=button, clicks=n)], None
    if t in ("RIGHT_CLICK", "DOUBLE_CLICK"):
        return [Action(t.lower(), x, y)], None
    if t in ("MOUSE_DOWN", "MOUSE_UP"):
        return [Action(t.lower(), x, y, button=button)], None
    if t == "DRAG_TO":
        if x is None:
            raise FormatError("DRAG_TO needs x and y")
        return [Action("drag", to_x=x, to_y=y)], None
    if t == "SCROLL":
        dx, dy = round(number(p.get("dx", 0), "dx")), round(number(p.get("dy", 0), "dy"))
        if not dx and not dy:
            raise FormatError("SCROLL needs dx or dy")
        return ([Action("scroll", x, y, amount=dy)] if dy else []) + \
            ([Action("hscroll", x, y, amount=dx)] if dx else []), None
    if t == "TYPING":
        if not isinstance(p.get("text"), str):
            raise FormatError("TYPING needs a text")
        return [Action("type", text=p["text"])], None
    if t == "PRESS":
        return [keys_action(_key(p))], None
    if t in ("KEY_DOWN", "KEY_UP"):
        return [Action(t.lower(), keys=keys_action(_key(p)).keys[:1])], None
    if t == "HOTKEY":
        return [keys_action(_key(p, "keys"))], None
    raise FormatError(f"unknown action_type {obj['action_type']!r:.30}")


def _read(text: str, frame: Frame) -> Reading:
    objs = load_objects(fenced_or_whole(END_TOKENS.sub("", text or "")))
    objs = objs if isinstance(objs, list) else [objs]
    actions: list[Action] = []
    status = None
    for i, obj in enumerate(objs, 1):
        if status:
            raise FormatError(f"action {i}: comes after {status}")
        try:
            acts, status = one(obj)
        except FormatError as exc:
            raise FormatError(f"action {i}: {exc}") from None
        actions += acts
    return structured(actions, frame, status)


def read(text: str, frame: Frame) -> Reading:
    return catch(_read, text, frame)
