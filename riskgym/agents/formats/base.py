"""What every reader returns (Reading), and the helpers structured formats share."""
from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from riskgym.actions.codegen import actions_code
from riskgym.actions.coords import Frame
from riskgym.actions.types import Action, ActionParseError, _chord, normalize_key

TOKENS = ("DONE", "FAIL", "WAIT")
END_TOKENS = re.compile(r"<\|(?:im_end|endoftext|eot_id)\|>")


@dataclass
class Reading:
    """One reply, read whole (or not at all: then `error` names the line or field)."""
    actions: list[Action] = field(default_factory=list)   # screen pixels, as far as readable without running
    code: str = ""                    # exactly what the box runs, or DONE / FAIL / WAIT
    frame: dict[str, Any] | None = None   # how the box maps the numbers in code (None: screen pixels)
    status: str | None = None         # DONE / FAIL / WAIT when the reply ends or pauses the episode
    error: str | None = None
    unread: list[str] = field(default_factory=list)   # code lines that run in the box but list no action

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {"actions": [a.to_dict() for a in self.actions], "code": self.code, "frame": self.frame,
                "status": self.status, "error": self.error, "unread": list(self.unread)}


class FormatError(ValueError):
    """A reply (or one of its fields) that does not read as the format says."""


def failed(msg: str) -> Reading:
    return Reading(error=msg)


def token(word: str) -> Reading:
    word = word.upper()
    return Reading([Action(word.lower())], word, None, word)


def structured(actions: list[Action], frame: Frame, status: str | None = None) -> Reading:
    """Actions in the model's coordinates -> a Reading in screen pixels with generated code. A
    terminal status after actions (act, then DONE) is kept as the status; the actions still run."""
    if not actions:
        return token(status) if status else failed("no action in the reply")
    mapped = [frame.map_action(a) for a in actions]
    code = actions_code(mapped) + (f"\n{status}" if status else "")   # act, then the answer word
    return Reading(mapped, code, None, status)


def keys_action(keys: list[str]) -> Action:
    """Key names -> one key press, or a chord held together. ActionParseError for unknown keys."""
    names = [k for name in keys for k in _chord(name)]
    if not names:
        raise FormatError("no key given")
    if len(names) > 1:      # Control+C is ctrl and the C key, not a capital letter (which would add shift)
        names = [k.lower() if len(k) == 1 and k.isalpha() else k for k in names]
    return Action("hotkey", keys=tuple(names)) if len(names) > 1 else Action("key", keys=(normalize_key(names[0]),))


def number(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if isinstance(v, str) and re.fullmatch(r"\s*-?\d{1,10}(?:\.\d+)?\s*", v):
            return float(v)
        raise FormatError(f"{what} must be a number, not {v!r:.40}")
    if not math.isfinite(v) or abs(v) > 10 ** 9:
        raise FormatError(f"{what} out of range: {v!r:.40}")
    return v


def point(v: Any, what: str = "coordinate") -> tuple[float, float]:
    if not isinstance(v, (list, tuple)) or len(v) != 2:
        raise FormatError(f"{what} must be [x, y], not {v!r:.40}")
    return number(v[0], what), number(v[1], what)


def load_objects(text: str) -> Any:
    """A JSON value, or a Python literal (models often print dicts with single quotes)."""
    text = text.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise FormatError("not JSON (nor a Python literal)") from None


def fenced_or_whole(text: str) -> str:
    """The inside of a ```json (or bare) fence if the reply has one, else the whole reply."""
    m = re.search(r"```[\w-]*\s*\n?(.*?)```", text, re.S)
    return m.group(1) if m else text


def catch(fn, *args) -> Any:
    """Run a reader body: FormatError / ActionParseError become a failed Reading."""
    try:
        return fn(*args)
    except (FormatError, ActionParseError) as exc:
        return failed(str(exc))
