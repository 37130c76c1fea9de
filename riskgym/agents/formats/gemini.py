"""Gemini computer use: function calls on a 0-1000 grid over the screen, as JSON
(`{"name": "click_at", "args": {"x": 500, "y": 300}}`, a list of them, or wrapped in
"function_call" / "functionCall") or as calls (`click_at(x=500, y=300)`).

Functions: open_web_browser, wait_5_seconds, go_back, go_forward, search, navigate(url), click_at,
hover_at, type_text_at(x, y, text, press_enter=True, clear_before_typing=True),
key_combination(keys="Control+C"), scroll_document(direction), scroll_at(x, y, direction,
magnitude=800), drag_and_drop(x, y, destination_x, destination_y). Browser moves go through the
browser's own keys (ctrl+l, alt+left); `search` opens the local search engine.
"""
from __future__ import annotations

import ast
import re
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

SEARCH_HOME = "http://search.example/"
PAGE_CLICKS = 10          # scroll_document: about a page, in wheel clicks
GRID_PER_CLICK = 80       # scroll_at magnitude (grid units) per wheel click: 800 -> 10


def _xy(a: dict[str, Any], x: str = "x", y: str = "y") -> tuple[float, float]:
    return number(a.get(x), x), number(a.get(y), y)


def _go(url: str) -> list[Action]:
    return [Action("hotkey", keys=("ctrl", "l")), Action("type", text=url), Action("key", keys=("enter",))]


def _scroll(direction: Any, clicks: int, x: float | None = None, y: float | None = None) -> Action:
    d = str(direction).lower()
    if d not in ("up", "down", "left", "right"):
        raise FormatError(f"direction {direction!r:.20}: expected up, down, left or right")
    amount = clicks if d in ("up", "right") else -clicks
    return Action("scroll" if d in ("up", "down") else "hscroll", x, y, amount=amount)


def call_actions(name: str, a: dict[str, Any]) -> tuple[list[Action], str | None]:
    if name == "open_web_browser":
        return [], "WAIT"            # the box's browser is already open
    if name == "wait_5_seconds":
        return [Action("wait", seconds=5.0)], None
    if name in ("go_back", "go_forward"):
        return [Action("hotkey", keys=("alt", "left" if name == "go_back" else "right"))], None
    if name == "search":
        return _go(SEARCH_HOME), None
    if name == "navigate":
        if not isinstance(a.get("url"), str) or not a["url"]:
            raise FormatError("navigate needs a url")
        return _go(a["url"]), None
    if name in ("click_at", "hover_at"):
        return [Action("click" if name == "click_at" else "move", *_xy(a))], None
    if name == "type_text_at":
        if not isinstance(a.get("text"), str):
            raise FormatError("type_text_at needs a text")
        out = [Action("click", *_xy(a))]
        if a.get("clear_before_typing", True):
            out += [Action("hotkey", keys=("ctrl", "a")), Action("key", keys=("backspace",))]
        out += [Action("type", text=a["text"])] if a["text"] else []
        return out + ([Action("key", keys=("enter",))] if a.get("press_enter", True) else []), None
    if name == "key_combination":
        keys = a.get("keys")
        if not isinstance(keys, str) or not keys:
            raise FormatError("key_combination needs keys such as 'Control+C'")
        return [keys_action(keys.split("+") if keys != "+" else ["+"])], None
    if name == "scroll_document":
        return [_scroll(a.get("direction"), PAGE_CLICKS)], None
    if name == "scroll_at":
        clicks = max(1, round(number(a.get("magnitude", 800), "magnitude") / GRID_PER_CLICK))
        return [_scroll(a.get("direction"), clicks, *_xy(a))], None
    if name == "drag_and_drop":
        x, y = _xy(a)
        tx, ty = _xy(a, "destination_x", "destination_y")
        return [Action("drag", x, y, to_x=tx, to_y=ty)], None
    raise FormatError(f"unknown function {name}")


def _calls(text: str) -> list[tuple[str, dict[str, Any]]]:
    body = fenced_or_whole(text).strip()
    if re.match(r"^\w+\s*\(", body):           # click_at(x=1, y=2) lines
        try:
            tree = ast.parse(body)
        except SyntaxError as exc:
            raise FormatError(f"line {exc.lineno}: not a function call ({exc.msg})") from None
        out = []
        for st in tree.body:
            c = st.value if isinstance(st, ast.Expr) else None
            if not isinstance(c, ast.Call) or not isinstance(c.func, ast.Name) or c.args:
                raise FormatError(f"line {st.lineno}: expected name(arg=value, ...)")
            try:
                out.append((c.func.id, {kw.arg: ast.literal_eval(kw.value) for kw in c.keywords}))
            except ValueError:
                raise FormatError(f"line {st.lineno}: arguments must be literals") from None
        return out
    objs = load_objects(body)
    out = []
    for o in objs if isinstance(objs, list) else [objs]:
        o = o.get("function_call") or o.get("functionCall") or o if isinstance(o, dict) else o
        if not isinstance(o, dict) or not isinstance(o.get("name"), str):
            raise FormatError("expected {'name': ..., 'args': {...}}")
        args = o.get("args", o.get("arguments", {}))
        if not isinstance(args, dict):
            raise FormatError(f"{o['name']}: args must be an object")
        out.append((o["name"], args))
    return out


def _read(text: str, frame: Frame) -> Reading:
    text = END_TOKENS.sub("", text or "").strip()
    if text.upper().strip("`*. ") in ("DONE", "FAIL", "WAIT"):    # no call: the prompt's way to finish
        return structured([], frame, text.upper().strip("`*. "))
    calls = _calls(text)
    actions: list[Action] = []
    status = None
    for i, (name, args) in enumerate(calls, 1):
        try:
            acts, word = call_actions(name, args)
        except FormatError as exc:
            raise FormatError(f"call {i}: {exc}") from None
        actions += acts
        status = status or (word if word != "WAIT" or len(calls) == 1 else None)
    return structured(actions, frame, status)


def read(text: str, frame: Frame) -> Reading:
    return catch(_read, text, frame)
