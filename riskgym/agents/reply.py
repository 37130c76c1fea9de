"""Read a model's free-form reply into actions (still in the model's own coordinates).

Models wrap their action in reasoning. Accepted, in this order: fenced pyautogui code; a reply
that is code as a whole; `pyautogui.` calls inside lines of prose; a line that is just DONE,
FAIL or WAIT (perhaps labelled, "Action: DONE"); a Qwen grounding box
(`<|box_start|>(x,y)<|box_end|>`, or two corners) after a verb such as "click". Boxes inside code
become the point they name. Anything else is a parse error: the caller records it with the raw
text, and the episode goes on.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from riskgym.actions.parse import parse_actions
from riskgym.actions.types import Action, ActionParseError

_END_TOKENS = re.compile(r"<\|(?:im_end|endoftext)\|>")
_NUM = r"\s*(-?\d+(?:\.\d+)?)\s*"
_POINT = rf"\({_NUM},{_NUM}\)"
BOX = re.compile(rf"<\|box_start\|>\s*{_POINT}(?:\s*,\s*{_POINT})?\s*<\|box_end\|>")
_CALL = re.compile(r"(?<![\w.])((?:pyautogui|time)\.\w+\(.*\))")     # a call inside a line of prose
# DONE alone on a line, maybe bulleted, emphasised or labelled ("Action: DONE")
_TOKEN_LINE = re.compile(r"^[\s`*>#\-]*(?:[A-Za-z ]{1,20}:\s*)?[`*]*(DONE|FAIL|WAIT)[\s`*.!]*$",
                         re.IGNORECASE | re.MULTILINE)
_VERBS = [("double_click", re.compile(r"double[\s_-]?click", re.I)),
          ("right_click", re.compile(r"right[\s_-]?click", re.I)),
          ("move", re.compile(r"\b(?:move|hover)", re.I)),
          ("click", re.compile(r"click|tap|press|select", re.I))]


@dataclass
class Parsed:
    actions: list[Action] | None      # None: nothing could be read
    error: str | None = None
    how: str = ""                     # which form was read: code, lines, token, box


def box_point(m: re.Match) -> tuple[float, float]:
    """A box's centre, or the point itself."""
    x1, y1, x2, y2 = m.groups()
    if x2 is None:
        return float(x1), float(y1)
    return (float(x1) + float(x2)) / 2, (float(y1) + float(y2)) / 2


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _boxes_to_points(text: str) -> str:
    return BOX.sub(lambda m: ", ".join(_num(v) for v in box_point(m)), text)


def _try(code: str, how: str) -> Parsed:
    try:
        return Parsed(parse_actions(code), how=how)
    except ActionParseError as exc:
        return Parsed(None, str(exc), how)


def parse_reply(text: str) -> Parsed:
    text = _END_TOKENS.sub("", text or "").strip()
    if not text:
        return Parsed(None, "empty reply")
    if "```" in text:                       # fenced code wins; the env's parser keeps only the fences
        return _try(_boxes_to_points(text), "code")
    whole = _try(_boxes_to_points(text), "code")
    if whole.actions is not None:
        return whole
    calls = [m.group(1) for ln in _boxes_to_points(text).splitlines() if (m := _CALL.search(ln))]
    if calls:
        return _try("\n".join(calls), "lines")
    tokens = _TOKEN_LINE.findall(text)
    if tokens:                              # the last verdict counts
        return Parsed([Action(tokens[-1].lower())], how="token")
    m = BOX.search(text)
    if m:
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start:m.start()]
        kind = next((k for k, rx in _VERBS if rx.search(before)), "click")
        x, y = box_point(m)
        return Parsed([Action(kind, x, y)], how="box")    # floats: the frame maps and rounds them
    return Parsed(None, "no action found: expected a ```python block of pyautogui calls, or DONE, "
                        "FAIL or WAIT on a line of its own")
