"""guess_family(text): which family's format a reply is in, from its shape alone.

The shape cannot tell coordinate conventions apart (Qwen2.5-VL and Qwen3-VL tool calls look the
same; so do UI-TARS 1.5 points and 1.0 points), so the guess is the family most likely to write
it: qwen3-vl for tool calls, uitars (1.5) for UI-TARS actions unless they use Qwen box tokens,
which is UI-TARS 1.0's spelling.
"""
from __future__ import annotations

import re

_UITARS = re.compile(r"^[ \t]*(?:Action\s*[:：]\s*)?(?:click|left_double|right_single|left_triple|drag|hotkey|type|"
                     r"scroll|wait|finished|call_user|press|keyup|keydown|hover|select)\((?:start_box|point|"
                     r"end_box|start_point|content|key|direction|text|\))", re.M)
_FRACTION_CALL = re.compile(r"pyautogui\.\w+\(\s*(?:x\s*=\s*)?0?\.\d+\s*,\s*(?:y\s*=\s*)?0?\.\d+\b")
_GEMINI = ("click_at", "type_text_at", "scroll_document", "scroll_at", "key_combination", "navigate",
           "hover_at", "drag_and_drop", "open_web_browser", "wait_5_seconds", "go_back", "go_forward")


def guess_family(text: str) -> str:
    t = text or ""
    if "<tool_call>" in t and re.search(r'"name"\s*:\s*"(?:computer_use|mobile_use)"', t):
        return "qwen3-vl"
    if "<seed:tool_call>" in t or _UITARS.search(t) or re.search(r"^[ \t]*Action\s*[:：]", t, re.M) \
            and "pyautogui" not in t or re.search(r"<answer>.*</answer>", t, re.S):
        return "uitars-1.0" if "<|box_start|>" in t else "uitars"
    if re.search(r"[\"']action_type[\"']\s*:", t):
        return "computer13"
    if re.search(r"[\"']action[\"']\s*:\s*[\"'][A-Z_]+[\"']", t) and re.search(r"[\"']position[\"']", t):
        return "showui"
    if any(re.search(rf"(?:[\"']name[\"']\s*:\s*[\"']{g}[\"']|^\s*{g}\()", t, re.M) for g in _GEMINI):
        return "gemini"
    if re.search(r"[\"']action[\"']\s*:\s*[\"'](?:left_click|right_click|double_click|key|type|screenshot|"
                 r"mouse_move|scroll|left_click_drag|zoom)[\"']", t):
        return "anthropic"
    if re.search(r"[\"']type[\"']\s*:\s*[\"'](?:click|double_click|keypress|type|scroll|drag|move|screenshot|"
                 r"wait)[\"']", t) or re.search(r"^\s*Tool:\s*[a-z_]+\s*\{", t, re.M):
        return "openai-cua"
    if re.search(r"\bcomputer\s*\.\s*(?:terminate|wait)\s*\(", t) or _FRACTION_CALL.search(t) \
            or re.search(r"^## Code:", t, re.M):
        return "opencua"
    if "<|box_start|>" in t and "pyautogui" not in t:
        return "qwen2-vl"
    return "openai"
