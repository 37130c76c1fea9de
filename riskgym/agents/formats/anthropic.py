"""Anthropic computer-use tool calls -> riskgym actions in screen pixels.

Reads both shapes the SDK knows:
- the single `computer` tool (`computer_20241022`, `computer_20250124`, `computer_20251124`): a
  tool_use named `computer` whose input carries `action` (`{"action": "left_click", "coordinate": [x, y]}`);
- the computer toolset (`computer_toolset_20260801`): one tool_use per member, named after the
  action (`{"type": "tool_use", "name": "left_click", "toolset_name": "computer", "input": {...}}`).
A bare input dict, a list of them (batched calls) and harness logs of them are read too (see
_hosted.load). Coordinates are pixels of the screenshot the model was sent; `frame` maps them to
the screen. `text` on a click, drag or scroll names the keys held during it ("shift", "ctrl+shift").

`screenshot`, `cursor_position` and `zoom` do not act: they come back as `observe` readings.
"""
from __future__ import annotations

from typing import Any

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats._hosted import (
    FormatError,
    HostedReading,
    integer,
    key_name,
    load,
    point,
    press,
    with_modifiers,
)

CLICKS = {"left_click": ("click", "left"), "right_click": ("right_click", "right"),
          "middle_click": ("middle_click", "middle"), "double_click": ("double_click", "left"),
          "triple_click": ("triple_click", "left")}
ACTIONS = frozenset(CLICKS) | {"key", "hold_key", "type", "cursor_position", "mouse_move", "left_mouse_down",
                               "left_mouse_up", "left_click_drag", "scroll", "wait", "screenshot", "zoom"}
FIELDS = {"action", "coordinate", "start_coordinate", "text", "repeat", "duration", "scroll_direction",
          "scroll_amount", "region"}
OBSERVE = ("screenshot", "cursor_position", "zoom")


def _chord(text: Any) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f"key text must be a non-empty string, got {text!r:.40}")
    parts = text.strip().split("+") if text.strip() != "+" else ["+"]
    return [key_name(p.strip() or "+", chord=True) for p in parts]


def _modifiers(inp: dict[str, Any]) -> list[str]:
    return _chord(inp["text"]) if inp.get("text") else []


def _maybe_point(inp: dict[str, Any], frame: Frame, key: str = "coordinate") -> tuple[int | None, int | None]:
    return point(inp[key], frame, key) if inp.get(key) is not None else (None, None)


def _scroll(inp: dict[str, Any], frame: Frame) -> list[Action]:
    direction = inp.get("scroll_direction")
    if direction not in ("up", "down", "left", "right"):
        raise FormatError(f"scroll_direction must be up, down, left or right, got {direction!r:.40}")
    n = integer(inp, "scroll_amount", 3, 0, 1000)
    x, y = _maybe_point(inp, frame)
    kind = "scroll" if direction in ("up", "down") else "hscroll"
    amount = n if direction in ("up", "right") else -n    # pyautogui: up and right are positive
    return with_modifiers(_modifiers(inp), [Action(kind, x=x, y=y, amount=amount)])


def _act(name: str, inp: dict[str, Any], frame: Frame) -> list[Action]:
    if name in CLICKS:
        kind, button = CLICKS[name]
        x, y = _maybe_point(inp, frame)
        return with_modifiers(_modifiers(inp), [Action(kind, x=x, y=y, button=button if kind == "click" else "left")])
    if name == "key":
        repeat = integer(inp, "repeat", 1, 1, 100)
        text = inp.get("text")
        if not isinstance(text, str) or not text.strip():
            raise FormatError(f"key text must be a non-empty string, got {text!r:.40}")
        out: list[Action] = []
        for _ in range(repeat):    # xdotool syntax: chords separated by spaces, pressed in turn
            for chord in text.split():
                out += press(_chord(chord))
        return out
    if name == "hold_key":
        keys = _chord(inp.get("text"))
        secs = integer(inp, "duration", None, 0, 100)
        return with_modifiers(keys, [Action("wait", seconds=float(secs))])
    if name == "type":
        if not isinstance(inp.get("text"), str):
            raise FormatError("type needs text")
        return [Action("type", text=inp["text"])]
    if name == "mouse_move":
        if inp.get("coordinate") is None:
            raise FormatError("mouse_move needs a coordinate")
        x, y = point(inp["coordinate"], frame)
        return [Action("move", x=x, y=y)]
    if name in ("left_mouse_down", "left_mouse_up"):
        x, y = _maybe_point(inp, frame)
        return [Action("mouse_down" if name == "left_mouse_down" else "mouse_up", x=x, y=y)]
    if name == "left_click_drag":
        if inp.get("coordinate") is None:
            raise FormatError("left_click_drag needs a coordinate")
        x, y = _maybe_point(inp, frame, "start_coordinate")
        tx, ty = point(inp["coordinate"], frame)
        return with_modifiers(_modifiers(inp), [Action("drag", x=x, y=y, to_x=tx, to_y=ty)])
    if name == "scroll":
        return _scroll(inp, frame)
    if name == "wait":
        return [Action("wait", seconds=float(integer(inp, "duration", 1, 0, 100)))]
    raise FormatError(f"unknown action {name!r:.40}")


def _zoom(inp: dict[str, Any], frame: Frame) -> tuple[int, int, int, int]:
    r = inp.get("region")
    if not isinstance(r, (list, tuple)) or len(r) != 4:
        raise FormatError(f"zoom region must be [x0, y0, x1, y1], got {r!r:.60}")
    point(r[:2], frame, "region")
    point(r[2:], frame, "region")
    x0, y0, x1, y1 = (int(round(v)) for v in r)
    if x1 <= x0 or y1 <= y0:
        raise FormatError(f"zoom region {list(r)} is empty")
    return x0, y0, x1, y1


def _calls(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """(action name, input) for each call in the value."""
    if isinstance(value, list):
        return [c for item in value for c in _calls(item)]
    if not isinstance(value, dict):
        raise FormatError(f"expected a tool call object, got {type(value).__name__}")
    if value.get("type") == "tool_use" or ("input" in value and "name" in value):
        inp = value.get("input")
        if not isinstance(inp, dict):
            raise FormatError("tool_use without an input object")
        if value.get("name") == "computer":                # the single computer tool
            return _calls(inp)
        return _calls({**inp, "action": value.get("name")})  # a toolset member: named by its action
    if "input" in value and len(value) == 1:
        return _calls(value["input"])
    inp = dict(value)
    if "action" not in inp and isinstance(inp.get("type"), str):   # logs that spell it `type`
        inp["action"] = inp.pop("type")
    if "x" in inp and "y" in inp and "coordinate" not in inp:
        inp["coordinate"] = [inp.pop("x"), inp.pop("y")]
    unknown = set(inp) - FIELDS
    if unknown:
        raise FormatError(f"unknown field(s) {sorted(unknown)}")
    name = inp.pop("action", None)
    if name not in ACTIONS:
        raise FormatError(f"unknown action {name!r:.40}")
    return [(name, inp)]


def read(call: str | dict | list, frame: Frame) -> HostedReading:
    """One tool call (or a list of them) -> actions in screen pixels, or the reason it is unreadable."""
    try:
        calls = _calls(load(call))
        if not calls:
            raise FormatError("no tool call")
        out = HostedReading(actions=[], calls=[{"action": n, **i} for n, i in calls])
        for name, inp in calls:
            if name in OBSERVE:
                out.observe.append(name)
                if name == "zoom":
                    out.zoom = _zoom(inp, frame)
            else:
                out.actions += _act(name, inp, frame)
        return out
    except FormatError as exc:
        return HostedReading(error=f"anthropic computer tool call: {exc}")
