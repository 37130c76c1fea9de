"""OpenAI computer-use actions (Responses API `computer_call`) -> riskgym actions in screen pixels.

Reads a whole `computer_call` output item (its `action`, or its batched `actions` as the GA
`computer` tool sends them), a bare action object, a list of actions, or their Python repr as SDK
logs print them (`ActionKeypress(keys=['CTRL', 'ALT', 'T'], type='keypress')`). Coordinates are
pixels of the screenshot the model was sent; `frame` maps them to the screen.

Conventions: `keys` on a pointer action are held during it. `keypress` keys are one chord (a
letter is the key, not a capital). `scroll_x`/`scroll_y` are pixels, positive right/down, turned
into wheel clicks of SCROLL_PX each. Buttons `back`/`forward` are the browser's history keys
(alt+left / alt+right): the box's X input has no such buttons. `screenshot` does not act: it is
an `observe` reading.
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

SCROLL_PX = 100      # pixels per wheel click (Chromium scrolls about this much per notch)
DEFAULT_WAIT_S = 1.0
BUTTONS = {"left": "left", "right": "right", "wheel": "middle", "middle": "middle"}
FIELDS = {"type", "x", "y", "button", "keys", "path", "scroll_x", "scroll_y", "text", "ms", "duration"}
_BIG = 100_000


def _xy(a: dict[str, Any], frame: Frame) -> tuple[int, int]:
    if "x" not in a or "y" not in a:
        raise FormatError(f"{a.get('type')} needs x and y")
    return point([a["x"], a["y"]], frame)


def _held(a: dict[str, Any]) -> list[str]:
    keys = a.get("keys") or []
    if not isinstance(keys, list):
        raise FormatError(f"keys must be a list, got {keys!r:.40}")
    return [key_name(k, chord=True) for k in keys]


def _clicks(n: int) -> int:
    return 0 if n == 0 else (1 if abs(n) < SCROLL_PX else round(abs(n) / SCROLL_PX)) * (1 if n > 0 else -1)


def _action(a: Any, frame: Frame) -> list[Action]:
    if not isinstance(a, dict):
        raise FormatError(f"an action must be an object, got {type(a).__name__}")
    unknown = set(a) - FIELDS
    if unknown:
        raise FormatError(f"unknown field(s) {sorted(unknown)} in a {a.get('type')!r} action")
    kind = a.get("type")
    if kind == "click":
        button = a.get("button", "left")
        if button in ("back", "forward"):
            return [Action("hotkey", keys=("alt", "left" if button == "back" else "right"))]
        if button not in BUTTONS:
            raise FormatError(f"unknown button {button!r:.20}")
        x, y = _xy(a, frame)
        kind = {"left": "click", "right": "right_click", "middle": "middle_click"}[BUTTONS[button]]
        return with_modifiers(_held(a), [Action(kind, x=x, y=y)])
    if kind == "double_click":
        x, y = _xy(a, frame)
        return with_modifiers(_held(a), [Action("double_click", x=x, y=y)])
    if kind == "move":
        x, y = _xy(a, frame)
        return with_modifiers(_held(a), [Action("move", x=x, y=y)])
    if kind == "drag":
        path = a.get("path")
        if not isinstance(path, list) or len(path) < 2:
            raise FormatError("drag needs a path of at least two points")
        pts = [_xy(p, frame) if isinstance(p, dict) else point(p, frame, "path point") for p in path]
        if len(pts) == 2:
            acts = [Action("drag", x=pts[0][0], y=pts[0][1], to_x=pts[1][0], to_y=pts[1][1])]
        else:   # through every point of the path, button held
            acts = ([Action("move", x=pts[0][0], y=pts[0][1]), Action("mouse_down")]
                    + [Action("move", x=x, y=y) for x, y in pts[1:-1]]
                    + [Action("mouse_up", x=pts[-1][0], y=pts[-1][1])])
        return with_modifiers(_held(a), acts)
    if kind == "keypress":
        keys = a.get("keys")
        if not isinstance(keys, list) or not keys:
            raise FormatError("keypress needs a non-empty list of keys")
        # "ctrl+c" inside one entry is a chord too
        names = [key_name(p.strip() or "+", chord=True) for k in keys
                 for p in (k.split("+") if isinstance(k, str) and len(k) > 1 else [k])]
        return press(names)
    if kind == "scroll":
        x, y = _xy(a, frame)
        sx, sy = integer(a, "scroll_x", 0, -_BIG, _BIG), integer(a, "scroll_y", 0, -_BIG, _BIG)
        acts = []
        if sy:
            acts.append(Action("scroll", x=x, y=y, amount=-_clicks(sy)))   # pyautogui: positive is up
        if sx:
            acts.append(Action("hscroll", x=x, y=y, amount=_clicks(sx)))
        return with_modifiers(_held(a), acts or [Action("move", x=x, y=y)])
    if kind == "type":
        if not isinstance(a.get("text"), str):
            raise FormatError("type needs text")
        return [Action("type", text=a["text"])]
    if kind == "wait":
        ms = a.get("ms", a.get("duration"))
        secs = DEFAULT_WAIT_S if ms is None else integer(a, "ms" if "ms" in a else "duration", 0, 0, 600_000) / 1000
        return [Action("wait", seconds=float(secs))]
    raise FormatError(f"unknown action type {kind!r:.40}")


def actions_of(value: Any) -> list[Any]:
    """The action objects of a computer_call item, a bare action, or a list of actions."""
    if isinstance(value, list):
        return [x for v in value for x in actions_of(v)]
    if not isinstance(value, dict):
        raise FormatError(f"expected an action object, got {type(value).__name__}")
    if value.get("type") == "computer_call" or "call_id" in value or set(value) == {"action"}:
        batch = value.get("actions")
        if isinstance(batch, list) and batch:
            return batch
        if value.get("action") is None:
            raise FormatError("computer_call without an action")
        return [value["action"]]
    return [value]


def read(call: str | dict | list, frame: Frame) -> HostedReading:
    """One computer_call (or action, or list of actions) -> actions in screen pixels, or the reason
    it is unreadable."""
    try:
        actions = actions_of(load(call))
        if not actions:
            raise FormatError("no action")
        out = HostedReading(actions=[], calls=list(actions))
        for a in actions:
            if isinstance(a, dict) and a.get("type") == "screenshot":
                if set(a) - {"type"}:
                    raise FormatError(f"unknown field(s) {sorted(set(a) - {'type'})} in a screenshot action")
                out.observe.append("screenshot")
            else:
                out.actions += _action(a, frame)
        return out
    except FormatError as exc:
        return HostedReading(error=f"openai computer_call: {exc}")
