"""Qwen2-VL replies: pyautogui code (boxes inside it read as points, see pyautogui_code), or a
verb and a grounding box in prose: "click <|box_start|>(x,y)<|box_end|>" (two corners: their centre)."""
from __future__ import annotations

import re

from riskgym.actions.coords import Frame
from riskgym.actions.types import Action
from riskgym.agents.formats import pyautogui_code
from riskgym.agents.formats.base import END_TOKENS, Reading, structured

VERBS = [("double_click", re.compile(r"double[\s_-]?click", re.I)),
         ("right_click", re.compile(r"right[\s_-]?click", re.I)),
         ("move", re.compile(r"\b(?:move|hover)", re.I)),
         ("click", re.compile(r"click|tap|press|select", re.I))]


def box_action(text: str) -> Action | None:
    """The first box in prose and the verb before it on its line (a click if none), in model coordinates."""
    m = pyautogui_code.BOX.search(text)
    if not m:
        return None
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = text[line_start:m.start()]
    kind = next((k for k, rx in VERBS if rx.search(before)), "click")
    return Action(kind, *pyautogui_code.box_point(m))


def read(text: str, frame: Frame) -> Reading:
    code = pyautogui_code.read(text, frame)
    if code.ok:
        return code
    clean = END_TOKENS.sub("", text or "")
    boxes = pyautogui_code.BOX.findall(clean)
    if len(boxes) > 1:
        return Reading(error=f"{len(boxes)} grounding boxes; one action names one box")
    a = box_action(clean)
    return structured([a], frame) if a else code
