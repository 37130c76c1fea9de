"""What the hosted computer-use formats (Anthropic's computer tool, OpenAI's computer tool) share.

A `HostedReading` is one tool call read whole: the actions it performs, in screen pixels, or the
reason it cannot be read (then nothing of it is performed). Some calls ask for something instead
of acting: a screenshot, the cursor position, a zoomed view. Those are `observe` readings; the
agent answers them itself, without a step in the box.

`load` accepts the shapes such calls are logged in: JSON, a Python literal or repr
(`input={'action': 'key', ...}`, `ActionKeypress(keys=[...], type='keypress')`), a JavaScript object
literal with bare keys (`{ type: 'mouse_move', x: 150, y: 704 }`), with a leading harness label
(`[1] ACTION ...`).
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action, ActionParseError, normalize_key
from riskgym.agents.formats.base import FormatError  # noqa: F401  (one error for every format; re-exported)


@dataclass
class HostedReading:
    actions: list[Action] | None = None        # None: unreadable (see error)
    error: str | None = None
    observe: list[str] = field(default_factory=list)   # "screenshot", "cursor_position", "zoom"
    zoom: tuple[int, int, int, int] | None = None       # region in the screenshot's pixels
    calls: list[dict[str, Any]] = field(default_factory=list)   # the calls, as read

    @property
    def ok(self) -> bool:
        return self.actions is not None


_BARE_KEY = re.compile(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:")
_LABEL = re.compile(r"^\s*(?:\[\d+\]\s*)?ACTION\s*", re.M)
# a console line of an agent SDK: `Tool: click {'x': 125, 'y': 975}`, the action's type then its fields
_TOOL_LINE = re.compile(r"^\s*Tool:\s*([a-z_]+)\s*(\{.*\})\s*$", re.M)


def _node(n: ast.AST) -> Any:
    """A literal expression, where a call with keyword arguments only (a repr) is a dict."""
    if isinstance(n, ast.Call) and not n.args:
        return {k.arg: _node(k.value) for k in n.keywords if k.arg}
    if isinstance(n, ast.Dict):
        return {_node(k): _node(v) for k, v in zip(n.keys, n.values)}
    if isinstance(n, (ast.List, ast.Tuple)):
        return [_node(e) for e in n.elts]
    if isinstance(n, ast.Name) and n.id in ("true", "false", "null", "None", "True", "False"):
        return {"true": True, "false": False, "null": None, "None": None, "True": True, "False": False}[n.id]
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
        return -_node(n.operand)
    if isinstance(n, ast.Constant):
        return n.value
    raise FormatError(f"not a literal: {ast.unparse(n)[:80]}")


def _python(text: str) -> Any:
    tree = ast.parse(text.strip(), mode="exec")
    if len(tree.body) != 1:
        raise FormatError("expected one value")
    stmt = tree.body[0]
    if isinstance(stmt, ast.Assign):    # input={...} / action=Action...(...)
        return _node(stmt.value)
    if isinstance(stmt, ast.Expr):
        return _node(stmt.value)
    raise FormatError("expected one value")


def load(value: str | dict | list) -> Any:
    """A call as a Python value, from any of the shapes in the module docstring."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    tool = list(_TOOL_LINE.finditer(text))
    if tool:   # the last tool line: its fields, typed by the name before them
        fields = load(tool[-1].group(2))
        if isinstance(fields, dict):
            return {"type": tool[-1].group(1), **fields}
    m = list(_LABEL.finditer(text))
    if m:   # harness log lines: the last ACTION label's object
        text = text[m[-1].end():].strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    for candidate in (text, _BARE_KEY.sub(r'\1"\2":', text)):
        try:
            return _python(candidate)
        except (SyntaxError, FormatError, ValueError, TypeError):
            continue
    raise FormatError(f"not JSON, a Python literal or an object literal: {text[:80]!r}")


def point(value: Any, frame: Frame, what: str = "coordinate") -> tuple[int, int]:
    """[x, y] in the screenshot's pixels -> screen pixels; refuses anything else, or off-image."""
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise FormatError(f"{what} must be [x, y] numbers, got {value!r:.60}")
    x, y = value
    if not (0 <= x <= frame.image_w and 0 <= y <= frame.image_h):
        raise FormatError(f"{what} {list(value)} is outside the {frame.image_w}x{frame.image_h} screenshot")
    if frame.convention == "screen":
        return min(round(x), frame.screen_w - 1), min(round(y), frame.screen_h - 1)
    return frame.to_screen(x, y)


def key_name(name: Any, chord: bool = False) -> str:
    """A key name as these APIs spell it (xdotool's `Return`, `Page_Up`; `CTRL`, `ArrowLeft`)."""
    if not isinstance(name, str) or not name:
        raise FormatError(f"not a key name: {name!r:.40}")
    try:
        k = normalize_key(name)
    except ActionParseError:
        raise FormatError(f"unknown key {name!r:.40}") from None
    # In a chord, or named on its own, a letter is the key, not the capital it would type.
    return k.lower() if chord and len(k) == 1 else k


def with_modifiers(modifiers: list[str], actions: list[Action]) -> list[Action]:
    """Hold modifier keys around actions (a shift-click, a ctrl-drag)."""
    if not modifiers:
        return actions
    return ([Action("key_down", keys=(m,)) for m in modifiers] + actions
            + [Action("key_up", keys=(m,)) for m in reversed(modifiers)])


def press(keys: list[str], repeat: int = 1) -> list[Action]:
    """A key or a chord, pressed `repeat` times."""
    if len(keys) == 1:
        return [Action("key", keys=tuple(keys) * repeat)]
    return [Action("hotkey", keys=tuple(keys)) for _ in range(repeat)]


def integer(d: dict[str, Any], key: str, default: int | None = None, low: int = 0, high: int = 10_000) -> int:
    v = d.get(key, default)
    if v is None:
        raise FormatError(f"{key} is missing")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not float(v).is_integer() or not low <= v <= high:
        raise FormatError(f"{key} must be a whole number in [{low}, {high}], got {v!r:.40}")
    return int(v)
