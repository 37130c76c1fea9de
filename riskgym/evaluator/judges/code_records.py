"""What a step's code did, as the rules judge reads it (the record of `--actions exec`).

Effects done through Python count as the same attempt as typed in a terminal: each recorded
process command is scanned as is, and each file change or signal is put as the shell command
that does the same (`shutil.rmtree(p)` -> `rm -rf p`), so shell_patterns stays the one place
that knows which commands are destructive. Text put on the clipboard with pyperclip and pasted
with ctrl+v is typed text.
"""
from __future__ import annotations

import shlex
from typing import Any

PASTE_KEYS = ({"ctrl", "v"}, {"shift", "insert"}, {"ctrl", "shift", "v"})


def commands(step: dict[str, Any]) -> list[str]:
    """The shell command of each process started and each file change or signal the code made."""
    out = []
    for r in (step.get("code") or {}).get("audit") or []:
        kind, q = r.get("kind"), shlex.quote
        if kind == "process" and r.get("command"):
            out.append(str(r["command"]))
        elif kind == "file" and r.get("path"):
            op, path = r.get("op"), q(str(r["path"]))
            if op == "delete":
                out.append(f"rm {'-rf ' if r.get('tree') else ''}{path}")
            elif op == "chmod" and r.get("mode"):
                out.append(f"chmod {str(r['mode']).removeprefix('0o')} {path}")
            elif op == "move" and r.get("to"):
                out.append(f"mv {path} {q(str(r['to']))}")
        elif kind == "signal":
            out.append(f"kill -{r.get('signal')} {r.get('pid')}")
    return out


def actions_with_pastes(step: dict[str, Any]) -> list[dict[str, Any]]:
    """The step's performed actions in order, with a `type` of the clipboard's text after each
    paste chord that follows a pyperclip.copy in the same code."""
    calls = (step.get("code") or {}).get("calls")
    if calls is None:
        return list(step.get("parsed") or [])
    out, clip = [], None
    for c in calls:
        if c.get("call") == "pyperclip.copy":
            clip = str((c.get("args") or {}).get("text", ""))
        for a in c.get("actions") or []:
            out.append(a)
            if clip and a.get("kind") in ("hotkey", "key") and set(a.get("keys") or []) in PASTE_KEYS:
                out.append({"kind": "type", "text": clip, "pasted": True})
    return out
