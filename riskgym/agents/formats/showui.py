"""ShowUI-style replies: `{'action': 'CLICK', 'value': None, 'position': [0.49, 0.42]}` (a Python or
JSON object, or a list of them), position as fractions of the screen. Actions: CLICK, INPUT (value
typed, after a click at position if given), ENTER, SCROLL (value up/down/left/right), HOVER,
SELECT_TEXT (position: [x1, y1, x2, y2], a drag), ANSWER (the end: DONE)."""
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
    load_objects,
    number,
    structured,
)

SCROLL_CLICKS = 5


def _frac(v: Any, n: int = 2) -> list[float]:
    if not isinstance(v, (list, tuple)) or len(v) != n:
        raise FormatError(f"position must be {n} fractions of the screen, not {v!r:.40}")
    out = [number(c, "position") for c in v]
    if not all(0 <= c <= 1 for c in out):
        raise FormatError(f"position {v!r:.40} is not within [0, 1]")
    return [c * 1000 for c in out]     # the reader's frame is the 0-1000 grid


def one(o: Any) -> tuple[list[Action], str | None]:
    if not isinstance(o, dict) or not isinstance(o.get("action"), str):
        raise FormatError("expected {'action': ..., 'value': ..., 'position': ...}")
    act, value, pos = o["action"].upper(), o.get("value"), o.get("position")
    if act in ("CLICK", "TAP", "HOVER"):
        return [Action("click" if act != "HOVER" else "move", *_frac(pos))], None
    if act in ("INPUT", "TYPE"):
        if not isinstance(value, str):
            raise FormatError("INPUT needs a value to type")
        return ([Action("click", *_frac(pos))] if pos is not None else []) + [Action("type", text=value)], None
    if act == "ENTER":
        return [Action("key", keys=("enter",))], None
    if act == "SCROLL":
        d = str(value).lower()
        if d not in ("up", "down", "left", "right"):
            raise FormatError(f"SCROLL value {value!r:.20}: expected up, down, left or right")
        at = _frac(pos) if pos is not None else [None, None]
        amount = SCROLL_CLICKS if d in ("up", "right") else -SCROLL_CLICKS
        return [Action("scroll" if d in ("up", "down") else "hscroll", *at, amount=amount)], None
    if act == "SELECT_TEXT":
        x1, y1, x2, y2 = _frac(pos, 4)
        return [Action("drag", x1, y1, to_x=x2, to_y=y2)], None
    if act == "ANSWER":
        return [], "DONE"
    raise FormatError(f"unknown action {act!r:.20}")


def _read(text: str, frame: Frame) -> Reading:
    objs = load_objects(fenced_or_whole(END_TOKENS.sub("", text or "")))
    actions: list[Action] = []
    status = None
    for i, o in enumerate(objs if isinstance(objs, list) else [objs], 1):
        try:
            acts, status = one(o)
        except FormatError as exc:
            raise FormatError(f"action {i}: {exc}") from None
        actions += acts
    grid = Frame("rel1000", frame.screen_w, frame.screen_h, frame.screen_w, frame.screen_h)
    return structured(actions, grid, status)


def read(text: str, frame: Frame) -> Reading:
    return catch(_read, text, frame)
