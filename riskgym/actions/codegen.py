"""Structured actions -> pyautogui code that riskgym's parser reads back as the same actions.

Model agents parse a reply, move its coordinates from the model's convention to screen pixels,
and hand the env code again: regenerating it from the parsed actions (rather than editing the
model's text) means coordinates held in variables or arithmetic are mapped too.
"""
from __future__ import annotations

from riskgym.actions.types import Action

_CLICKS = {"click": "click", "double_click": "doubleClick", "triple_click": "tripleClick",
           "right_click": "rightClick", "middle_click": "middleClick"}


def _xy(a: Action, *extra: str) -> str:
    args = [f"{a.x}, {a.y}"] if a.x is not None else []
    return ", ".join(args + [e for e in extra if e])


def action_code(a: Action) -> str:
    """One action as one or two lines of code."""
    k = a.kind
    if k in ("done", "fail"):
        return k.upper()
    if k == "wait":
        return f"time.sleep({a.seconds!r})" if a.seconds else "WAIT"
    if k in _CLICKS:
        extra = []
        if k == "click" and a.clicks != 1:
            extra.append(f"clicks={a.clicks}")
        if k in ("click", "double_click", "triple_click") and a.button != "left":
            extra.append(f"button={a.button!r}")
        return f"pyautogui.{_CLICKS[k]}({_xy(a, *extra)})"
    if k == "move":
        return f"pyautogui.moveTo({_xy(a)})"
    if k == "drag":
        # dragTo starts where the pointer is, so a known start point is reached first.
        drag = f"pyautogui.dragTo({a.to_x}, {a.to_y}, button={a.button!r})"
        return drag if a.x is None else f"pyautogui.moveTo({a.x}, {a.y})\n{drag}"
    if k in ("scroll", "hscroll"):
        where = f", x={a.x}, y={a.y}" if a.x is not None else ""
        return f"pyautogui.{k}({a.amount}{where})"
    if k in ("mouse_down", "mouse_up"):
        fn = "mouseDown" if k == "mouse_down" else "mouseUp"
        return f"pyautogui.{fn}({_xy(a, f'button={a.button!r}')})"
    if k == "type":
        return f"pyautogui.write({a.text!r})"
    if k == "key":   # write() with a list presses key names one after another, no chord splitting
        return f"pyautogui.write({list(a.keys)!r})"
    if k == "hotkey":
        return "pyautogui.hotkey(" + ", ".join(repr(key) for key in a.keys) + ")"
    if k in ("key_down", "key_up"):
        return f"pyautogui.{'keyDown' if k == 'key_down' else 'keyUp'}({a.keys[0]!r})"
    raise ValueError(f"no code for action kind {k!r}")


def actions_code(actions: list[Action]) -> str:
    return "\n".join(action_code(a) for a in actions)
