"""An agent's reply as the program the box will run (`--actions exec`), read whole or not at all.

The reply's code is what runs: fenced blocks when it has fences (the prose around them blanked,
so line numbers still point into the reply), else the whole reply. DONE, FAIL and WAIT are
verdicts, not Python: a reply that is only one is that verdict, and a line that is only one
ends the program there (code before it runs, then the episode ends or waits). A reply that does
not compile is an error naming the line, and nothing of it runs: no partial reads.
"""
from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from riskgym.actions.parse import _extract_code
from riskgym.actions.types import _TOKENS, MAX_CODE_CHARS

_TOKEN_REPLY = re.compile(r"[\s`]*(done|fail|wait)[\s`]*", re.IGNORECASE)


@dataclass(frozen=True)
class Program:
    code: str                 # what runs ("" when the reply is only a verdict)
    status: str | None = None  # "DONE" | "FAIL" | "WAIT" | None
    error: str | None = None   # set: nothing runs


def read_program(text: object) -> Program:
    if not isinstance(text, str):
        return Program("", error=f"action must be a string, not {type(text).__name__}")
    if len(text) > MAX_CODE_CHARS:
        return Program("", error=f"action too long ({len(text)} characters, limit {MAX_CODE_CHARS})")
    m = _TOKEN_REPLY.fullmatch(text)
    if m:
        return Program("", status=m.group(1).upper())
    src = _extract_code(text)
    if not src.strip():
        return Program("", error="empty action")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(src)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return Program("", error=f"{where}syntax error: {exc.msg}")
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return Program("", error=f"cannot compile: too deep or malformed ({type(exc).__name__})")
    for st in tree.body:   # a verdict line at the top level ends the program
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Name) and st.value.id.lower() in _TOKENS:
            lines = src.splitlines(keepends=True)
            return Program("".join(lines[:st.lineno - 1]).rstrip() + "\n" if st.lineno > 1 else "",
                           status=st.value.id.upper())
    return Program(src)
