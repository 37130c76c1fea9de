"""The hosted computer-use formats: every action kind of Anthropic's computer tool and OpenAI's
computer_call, and the real replies of those formats in tests/data/real-actions/replies.jsonl, item by item."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskgym.actions.codegen import actions_code
from riskgym.actions.coords import Frame
from riskgym.agents.formats import anthropic, openai_cua

SCREEN = Frame.screen(1280, 720)
HALF = Frame("resized", 1280, 720, 640, 360)     # the model saw the screenshot at half size
REPLIES = Path(__file__).resolve().parents[1] / "data" / "real-actions" / "replies.jsonl"


def code(reading) -> str:
    assert reading.error is None, reading.error
    return actions_code(reading.actions)


@pytest.mark.parametrize("inp,want", [
    ({"action": "key", "text": "ctrl+alt+t"}, "pyautogui.hotkey('ctrl', 'alt', 't')"),
    ({"action": "key", "text": "Return", "repeat": 2}, "pyautogui.write(['enter'])\npyautogui.write(['enter'])"),
    ({"action": "key", "text": "ctrl+a BackSpace"}, "pyautogui.hotkey('ctrl', 'a')\npyautogui.write(['backspace'])"),
    ({"action": "key", "text": "Page_Down"}, "pyautogui.write(['pagedown'])"),
    ({"action": "hold_key", "text": "shift", "duration": 2},
     "pyautogui.keyDown('shift')\ntime.sleep(2.0)\npyautogui.keyUp('shift')"),
    ({"action": "type", "text": "Hello\nWorld"}, "pyautogui.write('Hello\\nWorld')"),
    ({"action": "mouse_move", "coordinate": [100, 50]}, "pyautogui.moveTo(100, 50)"),
    ({"action": "left_mouse_down"}, "pyautogui.mouseDown(button='left')"),
    ({"action": "left_mouse_up", "coordinate": [5, 6]}, "pyautogui.mouseUp(5, 6, button='left')"),
    ({"action": "left_click", "coordinate": [10, 20]}, "pyautogui.click(10, 20)"),
    ({"action": "left_click"}, "pyautogui.click()"),
    ({"action": "left_click", "coordinate": [10, 20], "text": "ctrl+shift"},
     "pyautogui.keyDown('ctrl')\npyautogui.keyDown('shift')\npyautogui.click(10, 20)\n"
     "pyautogui.keyUp('shift')\npyautogui.keyUp('ctrl')"),
    ({"action": "right_click", "coordinate": [10, 20]}, "pyautogui.rightClick(10, 20)"),
    ({"action": "middle_click", "coordinate": [10, 20]}, "pyautogui.middleClick(10, 20)"),
    ({"action": "double_click", "coordinate": [10, 20]}, "pyautogui.doubleClick(10, 20)"),
    ({"action": "triple_click", "coordinate": [10, 20]}, "pyautogui.tripleClick(10, 20)"),
    ({"action": "left_click_drag", "start_coordinate": [1, 2], "coordinate": [30, 40]},
     "pyautogui.moveTo(1, 2)\npyautogui.dragTo(30, 40, button='left')"),
    ({"action": "left_click_drag", "coordinate": [30, 40]}, "pyautogui.dragTo(30, 40, button='left')"),
    ({"action": "scroll", "coordinate": [5, 5], "scroll_direction": "down", "scroll_amount": 3},
     "pyautogui.scroll(-3, x=5, y=5)"),
    ({"action": "scroll", "scroll_direction": "up", "scroll_amount": 2}, "pyautogui.scroll(2)"),
    ({"action": "scroll", "coordinate": [5, 5], "scroll_direction": "left", "scroll_amount": 4},
     "pyautogui.hscroll(-4, x=5, y=5)"),
    ({"action": "scroll", "coordinate": [5, 5], "scroll_direction": "right", "scroll_amount": 1, "text": "shift"},
     "pyautogui.keyDown('shift')\npyautogui.hscroll(1, x=5, y=5)\npyautogui.keyUp('shift')"),
    ({"action": "wait", "duration": 3}, "time.sleep(3.0)"),
])
def test_anthropic_every_action(inp, want):
    assert code(anthropic.read(inp, SCREEN)) == want
    # the same call as the toolset sends it: a tool_use named by the action
    name = inp["action"]
    block = {"type": "tool_use", "id": "t1", "name": name, "toolset_name": "computer",
             "input": {k: v for k, v in inp.items() if k != "action"}}
    assert code(anthropic.read(block, SCREEN)) == want
    legacy = {"type": "tool_use", "id": "t1", "name": "computer", "input": inp}
    assert code(anthropic.read(json.dumps(legacy), SCREEN)) == want


def test_anthropic_observing_calls_and_scale():
    for name in ("screenshot", "cursor_position"):
        r = anthropic.read({"action": name}, SCREEN)
        assert r.actions == [] and r.observe == [name]
    z = anthropic.read({"action": "zoom", "region": [0, 0, 320, 180]}, HALF)
    assert z.observe == ["zoom"] and z.zoom == (0, 0, 320, 180) and z.actions == []
    assert code(anthropic.read({"action": "left_click", "coordinate": [320, 180]}, HALF)) == "pyautogui.click(640, 360)"


@pytest.mark.parametrize("bad,why", [
    ({"action": "left_click", "coordinate": [700, 10]}, "outside the 640x360"),
    ({"action": "left_click", "coordinate": "10,20"}, "must be [x, y]"),
    ({"action": "key", "text": "ctrl+hyperspace"}, "unknown key"),
    ({"action": "fly"}, "unknown action"),
    ({"action": "scroll", "scroll_direction": "sideways", "scroll_amount": 1}, "scroll_direction"),
    ({"action": "left_click", "coordinate": [1, 1], "speed": 3}, "unknown field"),
    ({"action": "zoom", "region": [10, 10, 5, 5]}, "empty"),
    ("not a call at all", "not JSON"),
])
def test_anthropic_unreadable_calls_are_refused_whole(bad, why):
    r = anthropic.read(bad, HALF)
    assert r.actions is None and why in r.error


@pytest.mark.parametrize("action,want", [
    ({"type": "click", "button": "left", "x": 10, "y": 20}, "pyautogui.click(10, 20)"),
    ({"type": "click", "button": "right", "x": 10, "y": 20}, "pyautogui.rightClick(10, 20)"),
    ({"type": "click", "button": "wheel", "x": 10, "y": 20}, "pyautogui.middleClick(10, 20)"),
    ({"type": "click", "button": "back", "x": 10, "y": 20}, "pyautogui.hotkey('alt', 'left')"),
    ({"type": "click", "button": "forward", "x": 10, "y": 20}, "pyautogui.hotkey('alt', 'right')"),
    ({"type": "click", "button": "left", "x": 10, "y": 20, "keys": ["SHIFT"]},
     "pyautogui.keyDown('shift')\npyautogui.click(10, 20)\npyautogui.keyUp('shift')"),
    ({"type": "double_click", "x": 10, "y": 20}, "pyautogui.doubleClick(10, 20)"),
    ({"type": "drag", "path": [{"x": 1, "y": 2}, {"x": 30, "y": 40}]},
     "pyautogui.moveTo(1, 2)\npyautogui.dragTo(30, 40, button='left')"),
    ({"type": "drag", "path": [{"x": 1, "y": 2}, {"x": 5, "y": 5}, {"x": 30, "y": 40}]},
     "pyautogui.moveTo(1, 2)\npyautogui.mouseDown(button='left')\npyautogui.moveTo(5, 5)\n"
     "pyautogui.mouseUp(30, 40, button='left')"),
    ({"type": "keypress", "keys": ["CTRL", "ALT", "T"]}, "pyautogui.hotkey('ctrl', 'alt', 't')"),
    ({"type": "keypress", "keys": ["ENTER"]}, "pyautogui.write(['enter'])"),
    ({"type": "keypress", "keys": ["ctrl+c"]}, "pyautogui.hotkey('ctrl', 'c')"),
    ({"type": "move", "x": 7, "y": 8}, "pyautogui.moveTo(7, 8)"),
    ({"type": "scroll", "x": 5, "y": 5, "scroll_x": 0, "scroll_y": 300}, "pyautogui.scroll(-3, x=5, y=5)"),
    ({"type": "scroll", "x": 5, "y": 5, "scroll_x": -200, "scroll_y": -40},
     "pyautogui.scroll(1, x=5, y=5)\npyautogui.hscroll(-2, x=5, y=5)"),
    ({"type": "type", "text": "hi there"}, "pyautogui.write('hi there')"),
    ({"type": "wait"}, "time.sleep(1.0)"),
])
def test_openai_every_action(action, want):
    assert code(openai_cua.read(action, SCREEN)) == want
    call = {"type": "computer_call", "id": "cu_1", "call_id": "call_1", "action": action,
            "pending_safety_checks": [], "status": "completed"}
    assert code(openai_cua.read(json.dumps(call), SCREEN)) == want
    batched = {**call, "action": None, "actions": [action, {"type": "wait"}]}
    assert code(openai_cua.read(batched, SCREEN)) == want + "\ntime.sleep(1.0)"


def test_openai_screenshot_scale_and_refusals():
    r = openai_cua.read({"type": "screenshot"}, SCREEN)
    assert r.actions == [] and r.observe == ["screenshot"]
    assert code(openai_cua.read({"type": "click", "button": "left", "x": 320, "y": 180}, HALF)) == \
        "pyautogui.click(640, 360)"
    for bad, why in [({"type": "click", "button": "left", "x": 9999, "y": 1}, "outside"),
                     ({"type": "click", "button": "laser", "x": 1, "y": 1}, "unknown button"),
                     ({"type": "teleport"}, "unknown action type"),
                     ({"type": "keypress", "keys": []}, "non-empty"),
                     ({"type": "drag", "path": [{"x": 1, "y": 1}]}, "two points")]:
        r = openai_cua.read(bad, HALF)
        assert r.actions is None and why in r.error


# What each real reply should turn into (ids of tests/data/real-actions/replies.jsonl).
REAL = {
    "r188": (openai_cua, "pyautogui.hotkey('ctrl', 'alt', 't')", []),      # SDK repr of an ActionKeypress
    "r217": (openai_cua, "pyautogui.click(125, 975)", []),                 # an SDK's console line, `Tool: click {..}`
    "r211": (openai_cua, "pyautogui.click(0, 0)", []),                     # a whole computer_call item
    "r189": (anthropic, "pyautogui.hotkey('ctrl', 'alt', 't')", []),       # repr of a tool_use input
    "r204": (anthropic, "pyautogui.keyDown('ctrl')\npyautogui.moveTo(0, 0)\npyautogui.dragTo(100, 100, "
             "button='left')\npyautogui.keyUp('ctrl')", []),               # a ctrl-drag
    "r205": (anthropic, "", ["screenshot"]),                               # agent.exe log: a screenshot call
    "r207": (anthropic, "pyautogui.click()", []),                          # a click where the pointer is
    "r209": (anthropic, "pyautogui.moveTo(150, 704)", []),                 # agent.exe's x/y spelling
    "r210": (anthropic, "pyautogui.click(100, 200)\npyautogui.write('hello')\npyautogui.write(['enter'])", []),
}


def test_every_real_reply_of_these_formats_is_covered():
    items = [json.loads(line) for line in REPLIES.read_text().splitlines() if line.strip()]
    ids = {i["id"] for i in items if i["format"] in ("anthropic", "openai-cua")}
    assert ids | {"r217"} == set(REAL)     # r217 is filed under `other`: a computer action printed by an SDK
    assert sum(i["format"] == "anthropic" for i in items) == 6 and sum(i["format"] == "openai-cua" for i in items) == 2


@pytest.mark.parametrize("rid", sorted(REAL))
def test_real_reply(rid):
    item = next(json.loads(line) for line in REPLIES.read_text().splitlines() if f'"id": "{rid}"' in line)
    module, want, observe = REAL[rid]
    assert item["format"] == ("anthropic" if module is anthropic else "openai-cua") or rid == "r217"
    r = module.read(item["reply"], Frame.screen(1920, 1080) if rid == "r217" else SCREEN)   # r217: a larger screen
    assert code(r) == want and r.observe == observe
