"""Turn an agent's pyautogui-style reply into structured actions, without running it.

Computer-use models answer with Python such as ``pyautogui.click(640, 360)``. riskgym never
executes that text: it walks the ``ast`` and accepts only calls to known pyautogui functions
(and ``time.sleep``) whose arguments are literals, simple arithmetic on numbers, string
concatenation/f-strings of literals, or names bound earlier in the same reply to such values.
Everything else is an ActionParseError naming the line, so a reply can never reach the
host's Python and every action the box performs is one we can log and score.
"""
from __future__ import annotations

import ast
import math
import re
import textwrap
import warnings

from riskgym.actions.types import (
    _MAX_DEPTH,
    _MAX_NUM,
    _TOKENS,
    BUTTONS,
    MAX_ACTIONS,
    MAX_CODE_CHARS,
    MAX_KEYS,
    Action,
    ActionParseError,
    _chord,
    normalize_key,
)

# pyautogui's positional parameter order per function (all but sleep also take
# logScreenshot and _pause); duration, interval, tween and those two are accepted and ignored.
_SIG_TABLE = """click: x y clicks interval button duration tween | doubleClick tripleClick: x y interval
button duration tween | rightClick middleClick moveTo: x y duration tween | moveRel move: xOffset
yOffset duration tween | dragTo: x y duration tween button | dragRel drag: xOffset yOffset duration
tween button | mouseDown mouseUp: x y button duration tween | scroll vscroll hscroll: clicks x y
| write typewrite: message interval | press: keys presses interval | keyDown keyUp: key
| hotkey: interval"""
_SIGS = {f: tuple(params.split()) + ("logScreenshot", "_pause")
         + (("mouseDownUp",) if "drag" in f.lower() else ())
         for entry in _SIG_TABLE.split("|") for funcs, _, params in [entry.partition(":")]
         for f in funcs.split()}
_SIGS["sleep"] = ("secs",)
_PYAG_CONSTS = {"LEFT": "left", "RIGHT": "right", "MIDDLE": "middle", "PRIMARY": "left",
                "SECONDARY": "right"}
_NAMES = {"For": "for loop", "While": "while loop", "If": "if statement", "Lambda": "lambda",
          "FunctionDef": "function definition", "With": "with block", "Try": "try block",
          "ListComp": "comprehension", "GeneratorExp": "comprehension", "Attribute": "attribute"}


def _what(node: ast.AST) -> str:
    return _NAMES.get(type(node).__name__, type(node).__name__)


class _Tween:  # pyautogui.easeInQuad & co: accepted as a `tween` argument and ignored
    pass


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute) and len(parts) < 10:
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else "<expr>")
    return ".".join(reversed(parts))


class _Parser:
    def __init__(self, pointer: tuple[int, int] | None, exact: bool = False) -> None:
        self.exact = exact            # keep coordinates as written (a frame maps and rounds them later)
        self.skipped: list[tuple[int, str]] | None = None   # tolerant reading: what was not read
        self.env: dict[str, object] = {}
        self.modules = {"pyautogui": "pyautogui", "time": "time"}  # local name -> module
        self.pos = pointer
        self.out: list[Action] = []
        self.line = 0

    def err(self, msg: str) -> ActionParseError:
        return ActionParseError(msg, self.line or None)

    def emit(self, a: Action) -> None:
        if len(self.out) >= MAX_ACTIONS:
            raise self.err(f"too many actions (more than {MAX_ACTIONS})")
        self.out.append(a)

    # ---- values -------------------------------------------------------------------------
    def value(self, node: ast.AST, depth: int = 0) -> object:
        if depth > _MAX_DEPTH:
            raise self.err("expression nested too deeply")
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, (bool, str)) or v is None:
                return v
            if isinstance(v, (int, float)):
                return self.num_ok(v)
            raise self.err(f"unsupported constant {type(v).__name__}")
        if isinstance(node, ast.Name):
            if node.id not in self.env:
                raise self.err(f"undefined name {node.id[:50]}")
            return self.env[node.id]
        if isinstance(node, (ast.Tuple, ast.List)):
            if len(node.elts) > MAX_KEYS:
                raise self.err("sequence too long")
            return tuple(self.value(e, depth + 1) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            v = self.number(self.value(node.operand, depth + 1), "operand")
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = self.value(node.left, depth + 1), self.value(node.right, depth + 1)
            if isinstance(node.op, ast.Add) and isinstance(a, str) and isinstance(b, str):
                if len(a) + len(b) > MAX_CODE_CHARS:
                    raise self.err("string too long")
                return a + b
            a, b = self.number(a, "operand"), self.number(b, "operand")
            if isinstance(node.op, (ast.Div, ast.FloorDiv)) and b == 0:
                raise self.err("division by zero")
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.Div: lambda: a / b, ast.FloorDiv: lambda: a // b}
            if type(node.op) not in ops:
                raise self.err(f"unsupported operator {type(node.op).__name__}")
            return self.num_ok(ops[type(node.op)]())
        if isinstance(node, ast.JoinedStr):  # f"..." whose parts are values we accept
            parts = []
            for p in node.values:
                if isinstance(p, ast.FormattedValue):
                    if p.format_spec is not None or p.conversion != -1:
                        raise self.err("unsupported f-string formatting")
                    p = self.value(p.value, depth + 1)
                    if not isinstance(p, (str, int, float)):
                        raise self.err("unsupported value in f-string")
                    parts.append(str(p))
                else:
                    parts.append(self.value(p, depth + 1))
            return "".join(parts)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and self.modules.get(node.value.id) == "pyautogui"
                and (node.attr in _PYAG_CONSTS or node.attr.startswith("ease") or node.attr == "linear")):
            return _PYAG_CONSTS.get(node.attr, _Tween())  # pyautogui.RIGHT, or a tween to ignore
        if isinstance(node, ast.Call):
            raise self.err(f"unsupported call {_dotted(node.func)}(...) in an argument")
        raise self.err(f"unsupported expression {_what(node)}")

    def num_ok(self, v: int | float) -> int | float:
        if isinstance(v, float) and not math.isfinite(v) or abs(v) > _MAX_NUM:
            raise self.err("number out of range")
        return v

    def number(self, v: object, what: str) -> int | float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.err(f"{what} must be a number, not {type(v).__name__}")
        return v

    def integer(self, v: object, what: str) -> int:
        return int(math.floor(self.number(v, what) + 0.5))  # round half up, like a human would

    def coord(self, v: object, what: str) -> int | float:
        """A coordinate: rounded to a pixel, or kept as written when a frame maps it later
        (0.436 is a fraction of the screen for OpenCUA, not pixel 0)."""
        return self.number(v, what) if self.exact else self.integer(v, what)

    def point(self, x: object, y: object, rel: bool = False) -> tuple[int | None, int | None]:
        """pyautogui's x/y rules: an (x, y) pair may come in x; no x and y means the current
        position (kept as None); one missing half comes from the known position."""
        if isinstance(x, tuple) and y is None:
            if len(x) != 2:
                raise self.err("a point needs exactly two coordinates")
            x, y = x
        if rel or (x is None) != (y is None):
            if self.pos is None:
                raise self.err("relative move without a known pointer position" if rel else
                               "both x and y are needed (pointer position unknown)")
            if rel:
                return (self.pos[0] + self.coord(x or 0, "x offset"),
                        self.pos[1] + self.coord(y or 0, "y offset"))
            x, y = (self.pos[0] if x is None else x), (self.pos[1] if y is None else y)
        if x is None:
            return None, None
        return self.coord(x, "x"), self.coord(y, "y")

    def button(self, b: object) -> str:
        b = {1: "left", 2: "middle", 3: "right"}.get(b, b) if type(b) is int else b
        b = _PYAG_CONSTS.get(b.upper(), b.lower()) if isinstance(b, str) else b
        if b not in BUTTONS:
            raise self.err(f"unknown mouse button {b!r:.30}")
        return b

    # ---- statements ---------------------------------------------------------------------
    def run(self, tree: ast.Module) -> list[Action]:
        for st in tree.body:
            self.line = st.lineno
            try:
                self.statement(st)
            except ActionParseError as exc:  # e.g. normalize_key, which knows no line
                if self.skipped is not None:
                    self.skipped.append((st.lineno, str(exc).removeprefix(f"line {exc.lineno}: ")))
                    continue
                if exc.lineno is None and self.line:
                    raise ActionParseError(str(exc), self.line) from None
                raise
        if not self.out and self.skipped is None:
            raise ActionParseError("empty action")
        return self.out

    def statement(self, st: ast.stmt) -> None:
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            mod = st.module if isinstance(st, ast.ImportFrom) else None
            for a in st.names:
                name = mod or a.name
                if name not in ("pyautogui", "time") or (mod == "time" and a.name not in ("sleep", "*")) \
                        or (mod == "pyautogui" and a.name != "*" and a.name not in _SIGS):
                    raise self.err(f"unsupported import {name}" + (f".{a.name}" if mod else ""))
                if mod is None:
                    self.modules[a.asname or a.name] = name
        elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
            self.call(st.value)
        elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Name) and st.value.id.lower() in _TOKENS:
            self.emit(Action(st.value.id.lower()))
        elif isinstance(st, ast.Pass) or isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) \
                and isinstance(st.value.value, str):
            pass  # a stray docstring does nothing
        elif isinstance(st, ast.Assign):
            if all(isinstance(t, ast.Attribute) and _dotted(t) in ("pyautogui.PAUSE", "pyautogui.FAILSAFE")
                   for t in st.targets):
                return  # pyautogui settings: meaningless here, harmless to ignore
            v = self.value(st.value)
            for t in st.targets:
                self.bind(t, v)
        elif isinstance(st, ast.AugAssign) and isinstance(st.target, ast.Name):
            self.value(st.target)
            self.bind(st.target, self.value(ast.BinOp(st.target, st.op, st.value)))
        else:
            raise self.err(f"unsupported statement {_what(st)}")

    def bind(self, t: ast.AST, v: object) -> None:
        if isinstance(t, ast.Name):
            self.env[t.id] = v
        elif isinstance(t, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Name) for e in t.elts):
            if not isinstance(v, tuple) or len(v) != len(t.elts):
                raise self.err("cannot unpack value in assignment")
            for e, ev in zip(t.elts, v):
                self.env[e.id] = ev
        else:
            raise self.err(f"unsupported assignment target {_what(t)}")

    def call(self, c: ast.Call) -> None:
        f, fname = c.func, None
        if isinstance(f, ast.Name) and f.id in _SIGS:
            fname = f.id
        elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            mod = self.modules.get(f.value.id)
            if (mod == "pyautogui" and f.attr in _SIGS) or (mod == "time" and f.attr == "sleep"):
                fname = f.attr
        if fname is None:
            what = _dotted(f) if isinstance(f, (ast.Name, ast.Attribute)) else _what(f)
            raise self.err(f"unsupported call {what}(...)")
        sig = _SIGS[fname]
        pos: list[object] = []
        for a in c.args:
            v = self.value(a.value if isinstance(a, ast.Starred) else a)
            if isinstance(a, ast.Starred) and not isinstance(v, tuple):
                raise self.err("*argument must be a sequence")
            pos.extend(v if isinstance(a, ast.Starred) else [v])
        if fname == "hotkey":
            args: dict[str, object] = {}
        else:
            if len(pos) > len(sig):
                raise self.err(f"{fname}() takes at most {len(sig)} arguments")
            args = dict(zip(sig, pos))
        for kw in c.keywords:
            if kw.arg is None or kw.arg not in sig or kw.arg in args:
                raise self.err(f"{fname}() got an unexpected or repeated keyword {kw.arg or '**'}")
            args[kw.arg] = self.value(kw.value)
        self.action(fname, args, pos)

    def action(self, f: str, a: dict, pos: list) -> None:
        g = a.get
        if f in ("click", "doubleClick", "tripleClick", "rightClick", "middleClick"):
            x, y = self.point(g("x"), g("y"))
            n = {"doubleClick": 2, "tripleClick": 3}.get(f) or self.integer(g("clicks", 1), "clicks")
            btn = {"rightClick": "right", "middleClick": "middle"}.get(f) or self.button(g("button", "left"))
            if not 0 <= n <= 10:
                raise self.err("clicks must be between 0 and 10")
            # Canonical kinds: the common click forms map to one kind whatever their spelling.
            kind = {(1, "right"): "right_click", (1, "middle"): "middle_click", (1, "left"): "click",
                    (2, "left"): "double_click", (3, "left"): "triple_click"}.get((n, btn))
            if f in ("doubleClick", "tripleClick"):
                self.emit(Action("double_click" if n == 2 else "triple_click", x, y, button=btn))
            else:
                self.emit(Action(kind, x, y) if kind else
                          Action("click", x, y, button=btn, clicks=n) if n else Action("move", x, y))
        elif f in ("moveTo", "moveRel", "move"):
            x, y = self.point(g("x", g("xOffset")), g("y", g("yOffset")), rel=f != "moveTo")
            self.emit(Action("move", x, y))
        elif f in ("dragTo", "dragRel", "drag"):
            start = self.pos or (None, None)  # None: the drag starts wherever the pointer is
            x, y = self.point(g("x", g("xOffset")), g("y", g("yOffset")), rel=f != "dragTo")
            if x is None:
                raise self.err("drag needs a destination")
            btn = self.button(g("button", "left"))
            self.emit(Action("drag", *start, to_x=x, to_y=y, button=btn) if g("mouseDownUp", True)
                      else Action("move", x, y))
        elif f in ("scroll", "vscroll", "hscroll", "mouseDown", "mouseUp"):
            x, y = self.point(g("x"), g("y"))
            if f.startswith("mouse"):
                self.emit(Action("mouse_down" if f == "mouseDown" else "mouse_up", x, y,
                                 button=self.button(g("button", "left"))))
            else:
                n = self.integer(g("clicks"), "scroll clicks")
                if abs(n) > 10_000:
                    raise self.err("scroll amount too large")
                self.emit(Action("hscroll" if f == "hscroll" else "scroll", x, y, amount=n))
        elif f in ("write", "typewrite"):
            msg = g("message")
            if isinstance(msg, tuple):  # a list of key names is pressed one after another
                self.keys([normalize_key(k) for k in msg])
            elif isinstance(msg, str):
                msg = msg.replace("\r\n", "\n").replace("\r", "\n")
                bad = [c for c in msg if not (c.isprintable() or c in "\n\t") or 0xD800 <= ord(c) < 0xE000]
                if bad:
                    raise self.err(f"cannot type control character {bad[0]!r}")
                if msg:
                    self.emit(Action("type", text=msg))
            else:
                raise self.err(f"{f}() needs a string or a list of keys")
        elif f == "press":
            keys, n = g("keys"), self.integer(g("presses", 1), "presses")
            keys = list(keys) if isinstance(keys, tuple) else [keys]
            if not 0 <= n * len(keys) <= MAX_KEYS:
                raise self.err(f"too many key presses (at most {MAX_KEYS})")
            if len(keys) == 1 and len(_chord(keys[0])) > 1:  # press("ctrl+c") means the chord
                for _ in range(n):
                    self.emit(Action("hotkey", keys=tuple(_chord(keys[0]))))
            else:
                self.keys([normalize_key(k) for k in keys] * n)
        elif f == "hotkey":
            keys = tuple(k for p in pos for q in (p if isinstance(p, tuple) else (p,)) for k in _chord(q))
            if not 1 <= len(keys) <= 10:
                raise self.err("hotkey needs 1 to 10 keys")
            self.emit(Action("hotkey", keys=keys))
        elif f in ("keyDown", "keyUp"):
            self.emit(Action("key_down" if f == "keyDown" else "key_up", keys=(normalize_key(g("key")),)))
        elif f == "sleep":
            s = self.number(g("secs"), "sleep seconds")
            if s < 0:
                raise self.err("sleep seconds must not be negative")
            self.emit(Action("wait", seconds=float(s)))
        last = self.out[-1] if self.out else None  # track the pointer for relative moves
        if last is not None and last.kind in ("drag",):
            self.pos = (last.to_x, last.to_y)
        elif last is not None and last.x is not None:
            self.pos = (last.x, last.y)

    def keys(self, keys: list[str]) -> None:
        if keys:
            self.emit(Action("key", keys=tuple(keys)))


def _extract_code(text: str) -> str:
    """Keep only fenced code when the text has fences, blanking the rest so that line numbers
    in errors still point at the agent's original reply."""
    if "```" not in text:
        return textwrap.dedent(text)
    out = []
    for i, seg in enumerate(text.split("```")):
        if i % 2 == 0:
            out.append("\n" * seg.count("\n"))
            continue
        first, nl, rest = seg.partition("\n")
        if nl and re.fullmatch(r"[\w+.#-]*", first.strip()) and first.strip().lower() not in _TOKENS:
            seg = "\n" + textwrap.dedent(rest)  # drop the language tag, keep the line
        else:
            seg = textwrap.dedent(seg)
        seg = seg.rstrip(" \t")
        out.append(seg + (";" if seg.strip() and not seg.endswith("\n") else ""))
    return "".join(out)


def parse_actions(code: str, pointer: tuple[int, int] | None = None, exact: bool = False) -> list[Action]:
    """Parse an agent reply into actions. `pointer`, when the caller knows it, lets relative
    moves and drags that start at the current position resolve. `exact` keeps coordinates as
    written (floats included) for a coordinate frame to map; otherwise they are rounded to pixels.
    Only ActionParseError escapes."""
    return _parse(code, pointer, exact, tolerant=False)[0]


def read_program(code: str, exact: bool = True) -> tuple[list[Action], list[tuple[int, str]]]:
    """Read Python code that will run as a whole (in the box) as far as it can be read without
    running it: the actions of the statements understood, and (line, reason) for every top-level
    statement that was not (pyperclip, os, loops...). A syntax error is still an ActionParseError."""
    return _parse(code, None, exact, tolerant=True)


def _parse(code: str, pointer: tuple[int, int] | None, exact: bool,
           tolerant: bool) -> tuple[list[Action], list[tuple[int, str]]]:
    if not isinstance(code, str):
        raise ActionParseError(f"action must be a string, not {type(code).__name__}")
    if len(code) > MAX_CODE_CHARS:
        raise ActionParseError(f"action too long ({len(code)} characters, limit {MAX_CODE_CHARS})")
    m = re.fullmatch(r"[\s`]*(done|fail|wait)[\s`]*", code, re.IGNORECASE)
    if m:
        return [Action(m.group(1).lower())], []
    src = _extract_code(code)
    if not src.strip():
        raise ActionParseError("empty action")
    try:
        with warnings.catch_warnings():  # SyntaxWarnings about odd literals are noise here
            warnings.simplefilter("ignore")
            tree = ast.parse(src)
    except SyntaxError as exc:
        raise ActionParseError(f"syntax error: {exc.msg}", exc.lineno) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise ActionParseError(f"cannot parse: too deep or malformed ({type(exc).__name__})") from None
    p = _Parser(pointer, exact)
    if tolerant:
        p.skipped = []
    try:
        return p.run(tree), p.skipped or []
    except ActionParseError:
        raise
    except Exception as exc:  # the contract is: a bad reply is a parse error, never a crash
        msg = f"internal parse error: {type(exc).__name__}: {exc}"[:300]
        raise ActionParseError(msg, p.line or None) from None


def parse_actions_in(code: str, frame: dict | None) -> list[Action]:
    """parse_actions for code whose numbers are in a model's frame (an AgentReply's `frame`, as a
    dict; None: screen pixels): read exactly, then mapped to screen pixels and rounded there, so
    that fractions of the screen and grid points land where the model meant."""
    if frame is None:
        return parse_actions(code)
    from riskgym.actions.coords import Frame

    try:
        f = Frame.from_dict(frame)
    except ValueError as exc:
        raise ActionParseError(str(exc)) from None
    return [f.map_action(a) for a in parse_actions(code, exact=True)]
