"""OpenCUA replies: "## Action: ... ## Code:" with a pyautogui block whose coordinates may be
fractions of the screen (`pyautogui.click(x=0.436, y=0.265)`: the family's frame has fractions on),
and `computer.terminate(status='success'|'failure')` / `computer.wait()` for the episode's end or
a pause. Anything else reads as OSWorld-style code (pyautogui_code)."""
from __future__ import annotations

import ast
import re

from riskgym.actions.coords import Frame
from riskgym.actions.types import ActionParseError
from riskgym.agents.formats import pyautogui_code
from riskgym.agents.formats.base import Reading, failed, token

_COMPUTER = re.compile(r"\bcomputer\s*\.\s*(\w+)\s*\(")


def _computer(code: str) -> Reading | None:
    """A block that is one computer.* call: its answer word. None when the code has no such call."""
    if not _COMPUTER.search(code):
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return failed(f"line {exc.lineno}: syntax error: {exc.msg}")
    calls = [st for st in tree.body if isinstance(st, ast.Expr) and isinstance(st.value, ast.Call)
             and isinstance(st.value.func, ast.Attribute) and isinstance(st.value.func.value, ast.Name)
             and st.value.func.value.id == "computer"]
    if len(tree.body) != 1 or len(calls) != 1:
        line = calls[0].lineno if calls else 1
        return failed(f"line {line}: computer.{calls[0].value.func.attr if calls else '...'}() must be the "
                      "whole action (the box has no `computer` module)")
    call = calls[0].value
    name = call.func.attr
    if name == "wait":
        return token("WAIT")
    if name == "terminate":
        args = {kw.arg: kw.value for kw in call.keywords}
        if call.args:
            args.setdefault("status", call.args[0])
        status = args.get("status")
        value = status.value if isinstance(status, ast.Constant) else None
        if value in ("success", "failure"):
            return token("DONE" if value == "success" else "FAIL")
        return failed(f"line {calls[0].lineno}: computer.terminate(status=...) must be 'success' or 'failure', "
                      f"not {value!r:.30}")
    return failed(f"line {calls[0].lineno}: unknown call computer.{name}()")


def read(text: str, frame: Frame) -> Reading:
    try:
        found = pyautogui_code.extract(text)
    except ActionParseError as exc:
        return failed(str(exc))
    if found.word:
        return token(found.word)
    return _computer(found.code or "") or pyautogui_code.read_code(found.code or "", frame)
