"""UI-TARS replies (1.0, 1.5, and the Seed `<seed:tool_call>` form): "Thought: ...\\nAction: click(...)".

Actions, each a call with quoted arguments: click, left_double, right_single, left_triple,
hover/mouse_move, drag/select (start_box, end_box), hotkey(key='ctrl c'), press/keydown/keyup(key=),
type(content='...'), scroll(start_box, direction), wait(), finished(content=...), call_user().
A place is `start_box='(x,y)'`, `'(x1,y1,x2,y2)'`, `'[x,y]'`, `'<bbox>x1 y1 x2 y2</bbox>'`,
`point='<point>x y</point>'` or a `<|box_start|>(x,y)<|box_end|>` token; a box stands for its centre.
Coordinates are the family's: UI-TARS 1.0 a 0-1000 grid, 1.5 pixels of the resized image. Several
actions (blank lines apart) run in order. A type() with a place clicks there first. `<answer>` with
no action is the final answer (DONE); call_user() hands back to the user, which ends the episode
as FAIL.
"""
from __future__ import annotations

import ast
import re
from typing import Any

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats.base import END_TOKENS, FormatError, Reading, catch, keys_action, number, structured

_ACTION = re.compile(r"^[ \t]*Action\s*[:：][ \t]*", re.M)
_TAGS = re.compile(r"</?(?:Output|computer_env|answer)>|<\|box_(?:start|end)\|>|</?(?:bbox|point)>")
_PLACE_KEYS = ("start_box", "point", "start_point")
_END_KEYS = ("end_box", "end_point")
_CLICK = {"click": "click", "left_single": "click", "left_double": "double_click", "double_click": "double_click",
          "right_single": "right_click", "right_click": "right_click", "left_triple": "triple_click",
          "triple_click": "triple_click", "middle_single": "middle_click",
          "hover": "move", "mouse_move": "move", "move_to": "move"}
SCROLL_CLICKS = 5       # one UI-TARS scroll, in wheel clicks (as OSWorld's UI-TARS agent scrolls)


def place(v: Any, what: str) -> tuple[float, float]:
    """A point or box in any of UI-TARS's spellings -> the point (a box's centre)."""
    if not isinstance(v, str):
        raise FormatError(f"{what} must be a quoted place, not {v!r:.40}")
    inner = _TAGS.sub(" ", v).strip()
    inner = re.sub(r"^[\[(]|[\])]$", "", inner.replace("),(", ",").replace(") (", ",")).strip()
    parts = [p for p in re.split(r"[\s,]+", inner) if p]
    if len(parts) not in (2, 4) or not all(re.fullmatch(r"-?\d+(?:\.\d+)?", p) for p in parts):
        raise FormatError(f"{what}={v!r:.60} is not a point (x,y) or a box (x1,y1,x2,y2)")
    n = [number(float(p), what) for p in parts]
    return (n[0], n[1]) if len(n) == 2 else ((n[0] + n[2]) / 2, (n[1] + n[3]) / 2)


def _where(args: dict[str, Any], keys: tuple[str, ...] = _PLACE_KEYS) -> tuple[float, float] | None:
    for k in keys:
        if k in args:
            return place(args[k], k)
    return None


def _text(args: dict[str, Any], *keys: str) -> str:
    for k in keys:
        if isinstance(args.get(k), str):
            return args[k]
    raise FormatError(f"needs {keys[0]}='...'")


def call_actions(name: str, args: dict[str, Any], alone: bool) -> tuple[list[Action], str | None]:
    if name in _CLICK:
        at = _where(args) or _where(args, _END_KEYS)
        if at is None:
            raise FormatError(f"{name}() needs start_box or point")
        return [Action(_CLICK[name], *at)], None
    if name in ("drag", "select"):
        start, end = _where(args), _where(args, _END_KEYS)
        if start is None or end is None:
            raise FormatError(f"{name}() needs a start and an end place")
        return [Action("drag", *start, to_x=end[0], to_y=end[1])], None
    if name in ("hotkey", "press", "keydown", "keyup", "key_down", "key_up", "release"):
        keys = re.split(r"[\s+]+", _text(args, "key", "keys", "hotkey").strip())
        if name == "hotkey" or name == "press":
            return [keys_action(keys)], None
        kind = "key_down" if name in ("keydown", "key_down") else "key_up"
        return [Action(kind, keys=keys_action(keys).keys[:1])], None
    if name == "type":
        text = _text(args, "content", "text")
        at = _where(args)
        return ([Action("click", *at)] if at else []) + ([Action("type", text=text)] if text else []), None
    if name == "scroll":
        direction = _text(args, "direction").strip().lower()
        if direction not in ("up", "down", "left", "right"):
            raise FormatError(f"scroll direction {direction!r:.20}: expected up, down, left or right")
        x, y = _where(args) or (None, None)
        amount = SCROLL_CLICKS if direction in ("up", "right") else -SCROLL_CLICKS
        return [Action("scroll" if direction in ("up", "down") else "hscroll", x, y, amount=amount)], None
    if name == "wait":
        return ([], "WAIT") if alone else ([Action("wait", seconds=5.0)], None)
    if name in ("finished", "finish"):
        return [], "DONE"
    if name in ("call_user", "fail"):
        return [], "FAIL"
    raise FormatError(f"unknown action {name}()")


def _calls(block: str) -> list[tuple[str, dict[str, Any], int]]:
    """`click(start_box='(1,2)')` lines -> (name, keyword arguments, line in the block)."""
    try:
        tree = ast.parse(block.strip())
    except SyntaxError as exc:
        raise FormatError(f"action line {exc.lineno}: not an action call ({exc.msg})") from None
    out = []
    for st in tree.body:
        if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name)):
            raise FormatError(f"action line {st.lineno}: not an action call")
        c = st.value
        if c.args or any(kw.arg is None or not isinstance(kw.value, ast.Constant) for kw in c.keywords):
            raise FormatError(f"action line {st.lineno}: {c.func.id}() takes quoted keyword arguments only")
        out.append((c.func.id, {kw.arg: kw.value.value for kw in c.keywords}, st.lineno))
    return out


def _seed_calls(text: str) -> list[tuple[str, dict[str, Any], int]]:
    """<seed:tool_call><function=NAME><parameter=K>V</parameter>...</function></seed:tool_call>"""
    out = []
    for i, m in enumerate(re.finditer(r"<function=(\w+)>(.*?)</function>", text, re.S), 1):
        params = dict(re.findall(r"<parameter=(\w+)>(.*?)</parameter>", m.group(2), re.S))
        out.append((m.group(1), {k: v.strip() if k != "content" else v for k, v in params.items()}, i))
    if not out:
        raise FormatError("a <seed:tool_call> without a <function=...>")
    return out


def _read(text: str, frame: Frame) -> Reading:
    text = END_TOKENS.sub("", text or "")
    if "<seed:tool_call>" in text:
        calls = _seed_calls(text.split("<seed:tool_call>", 1)[1])
    else:
        m = None
        for m in _ACTION.finditer(text):
            pass
        if m is None and re.search(r"<answer>.*?</answer>", text, re.S):
            return structured([], frame, "DONE")        # an answer and no action: the task is over
        block = text[m.end():] if m else text
        block = re.sub(r"</?(?:Output|computer_env)>", "", block).strip()
        if not block:
            raise FormatError("no action after 'Action:'" if m else "empty reply")
        calls = _calls(block)
    actions: list[Action] = []
    status = None
    for name, args, line in calls:
        if status:
            raise FormatError(f"action line {line}: comes after {status.lower()}")
        try:
            acts, word = call_actions(name, args, alone=len(calls) == 1)
        except FormatError as exc:
            raise FormatError(f"action line {line}: {exc}") from None
        actions += acts
        status = word
    return structured(actions, frame, status)


def read(text: str, frame: Frame) -> Reading:
    return catch(_read, text, frame)
