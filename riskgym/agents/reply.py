"""Read a model's free-form reply into actions (still in the model's own coordinates): the parse-only
reading of OSWorld-style and Qwen2-VL replies, kept for callers of parse_reply.

Where the code is comes from agents/formats/pyautogui_code.py (fenced code; a reply that is code as
a whole; code lines in prose, none dropped; DONE / FAIL / WAIT on a line of its own); a Qwen
grounding box after a verb such as "click" from formats/qwen2vl.py. The code must then parse whole
into actions (riskgym.actions.parse): anything else is a parse error that names the line. The
caller records it with the raw text, and the episode goes on. Model agents use the family readers
(agents/formats) instead, which hand the box the model's whole code.
"""
from __future__ import annotations

from dataclasses import dataclass

from riskgym.actions.parse import parse_actions
from riskgym.actions.types import Action, ActionParseError
from riskgym.agents.formats.base import END_TOKENS
from riskgym.agents.formats.pyautogui_code import BOX, box_point, extract
from riskgym.agents.formats.qwen2vl import box_action

__all__ = ["BOX", "Parsed", "box_point", "parse_reply"]


@dataclass
class Parsed:
    actions: list[Action] | None      # None: nothing could be read
    error: str | None = None
    how: str = ""                     # which form was read: code, lines, token, box


def parse_reply(text: str) -> Parsed:
    try:
        found = extract(text)
    except ActionParseError as exc:
        a = box_action(END_TOKENS.sub("", text or ""))
        if a is not None and len(BOX.findall(text)) == 1:
            return Parsed([a], how="box")      # floats: the frame maps and rounds them
        return Parsed(None, str(exc), "")
    if found.word:
        return Parsed([Action(found.word.lower())], how="token")
    try:
        return Parsed(parse_actions(found.code or ""), how=found.how)
    except ActionParseError as exc:
        return Parsed(None, str(exc), found.how)
