"""OSWorld-style replies: Python code (pyautogui, pyperclip, and any other Python), fenced or bare,
or DONE / FAIL / WAIT. The box runs the model's code whole, with the frame that maps its numbers.

Where the code is: the ```python fences if the reply has any (every fence, in order; a fence in
another language is an error); else the whole reply if it is Python; else the lines of prose that
are code (after a label such as "Action:", or in `backticks`). A line that mixes code into prose
so that it cannot be taken whole is an error naming it, and so is a reply with no code and no
DONE / FAIL / WAIT line: nothing is dropped silently. Qwen grounding boxes inside code
(`<|box_start|>(x,y)<|box_end|>`) are written as the point they name.
"""
from __future__ import annotations

import ast
import builtins
import re
import textwrap
import warnings
from dataclasses import dataclass

from riskgym.actions.coords import Frame
from riskgym.actions.parse import read_program
from riskgym.actions.types import MAX_CODE_CHARS, ActionParseError
from riskgym.agents.formats.base import END_TOKENS, Reading, failed, token

_NUM = r"\s*(-?\d+(?:\.\d+)?)\s*"
_POINT = rf"\({_NUM},{_NUM}\)"
BOX = re.compile(rf"<\|box_start\|>\s*{_POINT}(?:\s*,\s*{_POINT})?\s*<\|box_end\|>")
_TOKEN = re.compile(r"[\s`*]*(DONE|FAIL|WAIT)[\s`*.!]*", re.I)
# DONE alone on a line, maybe bulleted, emphasised or labelled ("Action: DONE")
_TOKEN_LINE = re.compile(r"^[\s`*>#\-]*(?:[A-Za-z ]{1,20}:\s*)?[`*]*(DONE|FAIL|WAIT)[\s`*.!]*$", re.I | re.M)
_LABEL = re.compile(r"^\s*(?:[-*>]\s*)?(?:[A-Za-z][A-Za-z _]{0,20}[:：]\s*)?")
_SPAN = re.compile(r"`([^`\n]+)`")
_CODE_TAGS = {"", "python", "py", "python3", "code", "pyautogui"}
_MODULES = {"pyautogui", "pyperclip", "time", "os", "subprocess", "shutil", "pathlib", "webbrowser", "sys"}
_CODE_IN_PROSE = re.compile(r"\b(?:pyautogui|pyperclip)\s*\.\s*\w+\s*\(")
_CODE_START = re.compile(r"\s*(?:(?:pyautogui|pyperclip)\s*\.|import\s|from\s+\w+\s+import\s)")
# Names agent code may use without importing them: the box's runner imports these first, as OSWorld's does.
PRELUDE = frozenset({"pyautogui", "pyperclip", "time", "DONE", "FAIL", "WAIT"})


@dataclass
class Extracted:
    code: str | None = None       # the code the box runs
    word: str | None = None       # or a DONE / FAIL / WAIT answer
    how: str = ""                 # code (fenced or whole), lines (prose), token


def box_point(m: re.Match) -> tuple[float, float]:
    """A box's centre, or the point itself."""
    x1, y1, x2, y2 = m.groups()
    if x2 is None:
        return float(x1), float(y1)
    return (float(x1) + float(x2)) / 2, (float(y1) + float(y2)) / 2


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def boxes_to_points(text: str) -> str:
    return BOX.sub(lambda m: ", ".join(_num(v) for v in box_point(m)), text)


def _tree(src: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(src)
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_code(tree: ast.Module | None, known_only: bool) -> bool:
    """Statements that act: a call, an import, an assignment... not just a name or a string.
    In prose, only calls into modules that agent code uses (and imports) count."""
    if tree is None or not tree.body:
        return False
    for st in tree.body:
        if isinstance(st, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call):
            if known_only and _root(st.value.func) not in _MODULES:
                return False
            continue
        if known_only or isinstance(st, ast.Expr):
            return False
    return True


def _fences(text: str) -> Extracted:
    parts = text.split("```")
    if len(parts) % 2 == 0:
        raise ActionParseError("a ``` fence is not closed")
    blocks: list[str] = []
    for i in range(1, len(parts), 2):
        seg = parts[i]
        line = "".join(parts[:i]).count("\n") + 1
        if _TOKEN.fullmatch(seg):
            blocks.append(_TOKEN.fullmatch(seg).group(1).upper())
            continue
        first, nl, rest = seg.partition("\n")
        tag = first.strip().lower() if nl else ""
        if nl and re.fullmatch(r"[\w+.#-]*", tag):
            seg = rest
        else:
            tag = ""
        if tag not in _CODE_TAGS:
            raise ActionParseError(f"a ```{tag} block; the box runs Python only", line)
        blocks.append(textwrap.dedent(seg).strip("\n"))
    if len(blocks) == 1 and blocks[0] in ("DONE", "FAIL", "WAIT"):
        return Extracted(word=blocks[0], how="token")
    return Extracted(code="\n".join(blocks), how="code")


def _prose(text: str) -> Extracted:
    lines = []
    for n, raw in enumerate(text.splitlines(), 1):
        body = _LABEL.sub("", raw, count=1).strip().strip("`").strip()
        if body and _is_code(_tree(body), known_only=True):
            lines.append(body)
            continue
        spans = [s.strip() for s in _SPAN.findall(raw) if _is_code(_tree(s.strip()), known_only=True)]
        if spans:
            lines += spans
        elif _CODE_IN_PROSE.search(raw):
            raise ActionParseError(f"code inside prose cannot be read whole: {raw.strip()[:80]!r}", n)
    if lines:
        return Extracted(code="\n".join(lines), how="lines")
    words = _TOKEN_LINE.findall(text)
    if words:                                   # the last verdict counts
        return Extracted(word=words[-1].upper(), how="token")
    raise ActionParseError("no action found: expected a ```python block of pyautogui calls, or DONE, "
                           "FAIL or WAIT on a line of its own")


def extract(text: str) -> Extracted:
    """Where the code (or the answer word) is in a reply. ActionParseError if nowhere, or only in part."""
    text = END_TOKENS.sub("", text or "").strip()
    if not text:
        raise ActionParseError("empty reply")
    if len(text) > MAX_CODE_CHARS:
        raise ActionParseError(f"reply too long ({len(text)} characters, limit {MAX_CODE_CHARS})")
    m = _TOKEN.fullmatch(text)
    if m:
        return Extracted(word=m.group(1).upper(), how="token")
    text = boxes_to_points(text)
    if "```" in text:
        return _fences(text)
    whole = textwrap.dedent(text)
    if _is_code(_tree(whole), known_only=False) or _CODE_START.match(whole):
        return Extracted(code=whole, how="code")      # code from its first line: a syntax error is named
    return _prose(text)


def undefined_names(tree: ast.Module) -> list[tuple[int, str]]:
    """Names the code reads but never binds, imports or gets from the prelude or builtins
    (set-of-marks tags, a harness's `agent` object): code that cannot do what it means here."""
    bound = set(PRELUDE) | set(dir(builtins))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
    return [(n.lineno, n.id) for n in ast.walk(tree)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in bound]


def read_code(code: str, frame: Frame) -> Reading:
    """Code that runs whole in the box: its actions as far as they read without running, mapped
    to the screen; each statement that lists no action is named in `unread`."""
    tree = _tree(code)
    if tree is None:
        try:
            compile(code, "<reply>", "exec")
        except SyntaxError as exc:
            return failed(f"line {exc.lineno}: syntax error: {exc.msg}")
        except Exception as exc:
            return failed(f"cannot parse the code ({type(exc).__name__})")
    if not tree.body:
        return failed("empty code: nothing to run (only comments)")
    missing = undefined_names(tree)
    if missing:
        line, name = missing[0]
        return failed(f"line {line}: name {name!r} is not defined in the code (a harness's placeholder? "
                      "the box provides only pyautogui, pyperclip and time unimported)")
    try:
        actions, skipped = read_program(code, exact=True)
    except ActionParseError as exc:
        return failed(str(exc))
    src = code.splitlines()
    unread = [f"line {n}: {src[n - 1].strip()[:80]} (runs in the box; not listed as an action: {why})"
              for n, why in skipped]
    last = tree.body[-1]
    status = (last.value.id.upper() if isinstance(last, ast.Expr) and isinstance(last.value, ast.Name)
              and last.value.id.upper() in ("DONE", "FAIL", "WAIT") else None)
    return Reading([frame.map_action(a) for a in actions], code, frame.to_dict(), status, None, unread)


def read(text: str, frame: Frame) -> Reading:
    try:
        found = extract(text)
    except ActionParseError as exc:
        return failed(str(exc))
    if found.word:
        return token(found.word)
    return read_code(found.code or "", frame)
