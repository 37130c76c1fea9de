"""Structured actions and key names: what the parser produces and the box performs.

Kept apart from the parser so the box side (riskgym.guest.xinput) can validate and perform
actions without the ast machinery.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

KINDS = frozenset("click double_click triple_click right_click middle_click move drag scroll hscroll "
                  "mouse_down mouse_up type key hotkey key_down key_up wait done fail".split())
PASSIVE = frozenset({"done", "fail", "wait"})   # kinds that do nothing to the screen
BUTTONS = ("left", "middle", "right")
MAX_CODE_CHARS = 20_000
MAX_ACTIONS = 200
MAX_KEYS = 200          # keys in one `key` action once `presses` is expanded
_MAX_NUM = 10 ** 9      # bounds every number so chained arithmetic cannot blow up
_MAX_DEPTH = 60         # expression nesting, well below Python's recursion limit

# Canonical key names (pyautogui's, lower case). Single printable characters are keys too and
# keep their case, as in pyautogui (press("A") types a capital A).
KEY_NAMES = frozenset(
    "enter tab space backspace delete insert esc up down left right home end pageup pagedown "
    "shift shiftright ctrl ctrlright alt altright win winright capslock numlock scrolllock "
    "printscreen pause apps add subtract multiply divide decimal volumeup volumedown volumemute "
    "playpause nexttrack prevtrack browserback browserforward browserrefresh browserhome".split()
    + [f"f{i}" for i in range(1, 25)] + [f"num{i}" for i in range(10)])
# Spellings models actually emit, matched after lower-casing and dropping spaces, '_' and '-'.
_ALIAS_TABLE = """enter: return ret | space: spacebar | backspace: bksp | delete: del | insert: ins
| esc: escape | up: arrowup uparrow | down: arrowdown downarrow | left: arrowleft leftarrow
| right: arrowright rightarrow | pageup: pgup prior | pagedown: pgdn pagedn next
| ctrl: control ctrlleft controlleft lctrl leftctrl | ctrlright: controlright rctrl rightctrl
| shift: shiftleft lshift leftshift | shiftright: rshift rightshift
| alt: altleft lalt leftalt option optionleft | altright: ralt rightalt optionright altgr
| win: cmd command super meta windows winleft superleft cmdleft lwin
| winright: superright cmdright rwin | capslock: caps | scrolllock: scrlk | pause: break
| printscreen: print prtsc prtscr prntscrn prtscn | apps: menu contextmenu | volumemute: mute
| -: minus | +: plus | =: equal equals | ,: comma | .: period dot | /: slash | \\: backslash
| ;: semicolon | ': apostrophe quote | `: grave backquote | [: bracketleft | ]: bracketright"""
_KEY_ALIASES = {a: canon.strip() for entry in _ALIAS_TABLE.split("|")
                for canon, _, names in [entry.partition(":")] for a in names.split()}
_KEY_ALIASES.update({f"{p}{i}": f"num{i}" for i in range(10) for p in ("numpad", "kp")})
_TOKENS = ("done", "fail", "wait")  # whole-reply (or whole-line) answers instead of code


class ActionParseError(ValueError):
    """The reply is not an accepted action program; the message names the line."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(f"line {lineno}: {message}" if lineno else message)
        self.lineno = lineno


@dataclass(frozen=True)
class Action:
    kind: str
    x: int | None = None
    y: int | None = None
    to_x: int | None = None
    to_y: int | None = None
    button: str = "left"
    clicks: int = 1
    text: str | None = None
    keys: tuple[str, ...] = ()
    amount: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """Kind plus every field that differs from its default (keys as a list)."""
        d: dict = {"kind": self.kind}
        for f in fields(self)[1:]:
            v = getattr(self, f.name)
            if v != f.default:
                d[f.name] = list(v) if isinstance(v, tuple) else v
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Action":
        """Inverse of to_dict, validating types: dicts may come from the other side of a socket."""
        if not isinstance(d, dict) or not isinstance(d.get("kind"), str) or d["kind"] not in KINDS \
                or set(d) - _FIELDS:
            raise ValueError(f"not an action: {d!r:.200}")
        ints = [d.get(k) for k in ("x", "y", "to_x", "to_y") if d.get(k) is not None]
        ints += [d.get(k, 0) for k in ("clicks", "amount")]
        secs, keys = d.get("seconds", 0.0), d.get("keys", ())
        if (any(type(v) is not int or abs(v) > _MAX_NUM for v in ints)
                or d.get("button", "left") not in BUTTONS
                or not isinstance(d.get("text", ""), (str, type(None))) or type(secs) not in (int, float)
                or not 0 <= secs <= _MAX_NUM or not isinstance(keys, (list, tuple))
                or any(normalize_key(k) != k for k in keys)):
            raise ValueError(f"malformed action: {d!r:.200}")
        return cls(**{**d, "keys": tuple(keys), "seconds": float(secs)})


_FIELDS = {f.name for f in fields(Action)}


def normalize_key(name: object) -> str:
    """pyautogui key name -> canonical name; ActionParseError for unknown keys."""
    if isinstance(name, str) and len(name) == 1:
        special = {"\n": "enter", "\r": "enter", "\t": "tab", " ": "space"}
        if name in special or name.isprintable():
            return special.get(name, name)
    if isinstance(name, str) and 1 < len(name) <= 40:
        k = re.sub(r"[\s_\-]", "", name.lower())
        k = _KEY_ALIASES.get(k, k)
        if k in KEY_NAMES or (len(k) == 1 and k.isprintable()):
            return k
    raise ActionParseError(f"unknown key {name!r:.50}")


def _chord(name: object) -> list[str]:
    """'ctrl+shift+t' (a common model habit) -> ['ctrl', 'shift', 't']; '+' alone is a key."""
    if isinstance(name, str) and len(name) > 1 and "+" in name:
        parts = name[:-2].split("+") + ["+"] if name.endswith("++") else name.split("+")
        return [normalize_key(p.strip() or "+") for p in parts]
    return [normalize_key(name)]
