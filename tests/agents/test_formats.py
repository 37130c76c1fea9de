"""Each family's reader on every action kind it speaks, the coordinate frames, the guess, the CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from riskgym.actions.coords import Frame
from riskgym.actions.parse import parse_actions
from riskgym.actions.types import Action
from riskgym.agents.families import FAMILIES
from riskgym.agents.formats import READERS, read, reader
from riskgym.agents.formats.guess import guess_family
from riskgym.agents.model_agent import Completion, ModelAgent

ROOT = Path(__file__).resolve().parents[2]
SCREEN = Frame.screen(1280, 720)
A = Action


def acts(fmt: str, text: str, frame: Frame = SCREEN) -> list[Action]:
    r = read(fmt, text, frame)
    assert r.error is None, r.error
    return r.actions


def err(fmt: str, text: str, frame: Frame = SCREEN) -> str:
    r = read(fmt, text, frame)
    assert r.error and not r.actions and not r.code, r
    return r.error


# -- OSWorld-style code ---------------------------------------------------------------------------
def test_code_runs_whole_pyperclip_and_os_included():
    text = "I paste the command.\n```python\npyperclip.copy('cd ~/projects')\npyautogui.hotkey('ctrl', 'v')\n```"
    r = read("pyautogui", text, SCREEN)
    assert r.code == "pyperclip.copy('cd ~/projects')\npyautogui.hotkey('ctrl', 'v')"
    assert r.actions == [A("hotkey", keys=("ctrl", "v"))] and r.frame == SCREEN.to_dict()
    assert len(r.unread) == 1 and "pyperclip.copy('cd ~/projects')" in r.unread[0]
    r = read("pyautogui", 'import os; os.system("rm -rf ~/Documents")', SCREEN)
    assert r.error is None and r.code == 'import os; os.system("rm -rf ~/Documents")' and r.actions == []
    loop = "for _ in range(3):\n    pyautogui.press('down')\npyautogui.press('enter')"
    r = read("pyautogui", loop, SCREEN)
    assert r.code == loop and r.actions == [A("key", keys=("enter",))] and "for loop" in r.unread[0]


def test_code_lines_in_prose_are_all_kept():
    text = "Action: pyperclip.copy('hunter2')\nThen `pyautogui.hotkey('ctrl', 'v')` to paste it."
    r = read("pyautogui", text, SCREEN)
    assert r.code == "pyperclip.copy('hunter2')\npyautogui.hotkey('ctrl', 'v')"
    assert "line 3" in err("pyautogui", "First\nthen\nI call pyautogui.click(1, 2 and so on")


@pytest.mark.parametrize("text, words", [
    ("", "empty reply"), ("I am not sure what to do.", "no action found"),
    ("```bash\nrm -rf /\n```", "```bash"), ("```python\npyautogui.click(1, 2)\n", "not closed"),
    ("```python\npyautogui.click(1,\n```", "syntax error"), ("```python\n# your code here\n```", "nothing to run"),
    ("pyautogui.click(tag_1)", "'tag_1' is not defined"),
])
def test_code_errors(text, words):
    assert words in err("pyautogui", text)


def test_code_tokens_and_a_trailing_answer_word():
    for text, word in [("DONE", "DONE"), ("```FAIL```", "FAIL"), ("I'll wait.\nAction: WAIT", "WAIT")]:
        r = read("pyautogui", text, SCREEN)
        assert (r.code, r.status, r.actions, r.frame) == (word, word, [A(word.lower())], None)
    r = read("pyautogui", "pyautogui.click(1, 2)\nDONE", SCREEN)
    assert r.status == "DONE" and r.actions == [A("click", 1, 2), A("done")]


def test_exact_coordinates_for_a_frame():
    assert parse_actions("pyautogui.click(x=0.436, y=0.265)") == [A("click", 0, 0)]
    assert parse_actions("pyautogui.click(x=0.436, y=0.265)", exact=True) == [A("click", 0.436, 0.265)]
    assert parse_actions("pyautogui.moveTo(10.5, 2)\npyautogui.moveRel(0.25, 1)", exact=True)[1] == A("move", 10.75, 3)


def test_parse_in_a_frame():
    from riskgym.actions.parse import parse_actions_in

    cua = FAMILIES["opencua"].frame(1280, 720).to_dict()
    assert parse_actions_in("pyautogui.click(x=0.436, y=0.265)", cua) == [A("click", 558, 191)]
    assert parse_actions_in("pyautogui.click(500, 500)", FAMILIES["qwen2-vl"].frame(1280, 720).to_dict()) == \
        [A("click", 640, 360)]
    assert parse_actions_in("pyautogui.click(10.4, 2)", None) == [A("click", 10, 2)]


# -- OpenCUA --------------------------------------------------------------------------------------
def test_opencua_fractions_and_terminate():
    frame = FAMILIES["opencua"].frame(1280, 720)
    r = read("opencua", "## Code:\n```python\npyautogui.click(x=0.436, y=0.265)\n```", frame)
    assert r.actions == [A("click", 558, 191)] and r.code == "pyautogui.click(x=0.436, y=0.265)"
    assert Frame.from_dict(r.frame).fractions                     # the box maps the fractions too
    assert acts("opencua", "pyautogui.click(644, 364)", frame) == [A("click", 640, 360)]  # resized pixels
    assert acts("opencua", "pyautogui.moveTo(x=0.5, y=0.5)\npyautogui.dragTo(x=0.75, y=0.5)", frame)[-1] == \
        A("drag", 640, 360, to_x=960, to_y=360)
    for code, word in [("computer.terminate(status='success')", "DONE"), ("computer.terminate('failure')", "FAIL"),
                       ("computer.wait()", "WAIT")]:
        assert read("opencua", f"## Code:\n```code\n{code}\n```", frame).code == word
    assert "must be 'success' or 'failure'" in err("opencua", "computer.terminate(status='maybe')", frame)
    assert "whole action" in err("opencua", "pyautogui.click(1, 2)\ncomputer.terminate(status='success')", frame)


# -- Qwen2-VL -------------------------------------------------------------------------------------
def test_qwen2vl_boxes():
    grid = FAMILIES["qwen2-vl"].frame(1280, 720)
    assert acts("qwen2vl", "double-click <|box_start|>(500,500)<|box_end|>", grid) == [A("double_click", 640, 360)]
    assert acts("qwen2vl", "Right click <|box_start|>(0,0),(1000,1000)<|box_end|>", grid) == [A("right_click", 640, 360)]
    r = read("qwen2vl", "```python\npyautogui.click(<|box_start|>(500,500)<|box_end|>)\n```", grid)
    assert r.code == "pyautogui.click(500, 500)" and r.actions == [A("click", 640, 360)]
    assert "2 grounding boxes" in err("qwen2vl", "click <|box_start|>(1,2)<|box_end|> or <|box_start|>(3,4)<|box_end|>")


# -- Qwen tool calls --------------------------------------------------------------------------------
def call(action: str, **args) -> str:
    return '<tool_call>\n' + json.dumps({"name": "computer_use", "arguments": {"action": action, **args}}) + \
        '\n</tool_call>'


@pytest.mark.parametrize("args, want", [
    (("left_click", {"coordinate": [500, 500]}), [A("click", 640, 360)]),
    (("right_click", {"coordinate": [500, 500]}), [A("right_click", 640, 360)]),
    (("middle_click", {"coordinate": [500, 500]}), [A("middle_click", 640, 360)]),
    (("double_click", {"coordinate": [500, 500]}), [A("double_click", 640, 360)]),
    (("triple_click", {"coordinate": [500, 500]}), [A("triple_click", 640, 360)]),
    (("mouse_move", {"coordinate": [0, 1000]}), [A("move", 0, 719)]),
    (("left_click_drag", {"coordinate": [1000, 0]}), [A("drag", to_x=1279, to_y=0)]),
    (("type", {"text": "hi\n"}), [A("type", text="hi\n")]),
    (("key", {"keys": ["ctrl", "shift", "t"]}), [A("hotkey", keys=("ctrl", "shift", "t"))]),
    (("key", {"keys": ["Return"]}), [A("key", keys=("enter",))]),
    (("scroll", {"pixels": -5, "coordinate": [500, 500]}), [A("scroll", 640, 360, amount=-5)]),
    (("hscroll", {"pixels": 3}), [A("hscroll", amount=3)]),
])
def test_qwen3_tool_call_kinds(args, want):
    assert acts("qwen_tool", call(args[0], **args[1]), FAMILIES["qwen3-vl"].frame(1280, 720)) == want


def test_qwen_tool_answers_and_errors():
    for args, word in [(("terminate", {"status": "success"}), "DONE"), (("terminate", {"status": "failure"}), "FAIL"),
                       (("wait", {"time": 2}), "WAIT"), (("answer", {"text": "42"}), "DONE")]:
        assert read("qwen_tool", call(args[0], **args[1]), SCREEN).code == word
    two = call("left_click", coordinate=[1, 2]) + call("terminate", status="success")
    r = read("qwen_tool", two, SCREEN)
    assert r.status == "DONE" and r.code == "pyautogui.click(1, 2)\nDONE"
    assert read("qwen_tool", call("wait", time=2) + call("left_click", coordinate=[1, 2]), SCREEN).actions[0] == \
        A("wait", seconds=2.0)
    assert "after the call that ended" in err("qwen_tool", call("terminate", status="success") + call("type", text="x"))
    assert "not JSON" in err("qwen_tool", "<tool_call>{'name': 1}</tool_call>")
    assert "unknown or unsupported action 'zoom'" in err("qwen_tool", call("zoom"))
    assert "no <tool_call>" in err("qwen_tool", "I would click the button.")
    assert acts("qwen_tool", call("left_click", coordinate=[644, 364]), FAMILIES["qwen2.5-vl-tool"].frame(1280, 720)) \
        == [A("click", 640, 360)]


# -- UI-TARS ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("action, want", [
    ("click(start_box='(500,500)')", [A("click", 640, 360)]),
    ("left_double(start_box='<|box_start|>(500,500)<|box_end|>')", [A("double_click", 640, 360)]),
    ("right_single(start_box='[400,400,600,600]')", [A("right_click", 640, 360)]),
    ("left_triple(point='<point>500 500</point>')", [A("triple_click", 640, 360)]),
    ("hover(start_box='<bbox>500 500 500 500</bbox>')", [A("move", 640, 360)]),
    ("drag(start_box='(0,0)', end_box='(500,500)')", [A("drag", 0, 0, to_x=640, to_y=360)]),
    ("select(start_point='<point>0 0</point>', end_point='<point>500 500</point>')", [A("drag", 0, 0, to_x=640, to_y=360)]),
    ("hotkey(key='ctrl c')", [A("hotkey", keys=("ctrl", "c"))]),
    ("hotkey(key='Enter')", [A("key", keys=("enter",))]),
    ("press(key='space')", [A("key", keys=("space",))]),
    ("keydown(key='shift')", [A("key_down", keys=("shift",))]),
    ("keyup(key='shift')", [A("key_up", keys=("shift",))]),
    ("type(content='it\\'s done\\n')", [A("type", text="it's done\n")]),
    ("scroll(start_box='(500,500)', direction='down')", [A("scroll", 640, 360, amount=-5)]),
    ("scroll(start_box='(500,500)', direction='up')", [A("scroll", 640, 360, amount=5)]),
    ("scroll(direction='left')", [A("hscroll", amount=-5)]),
    ("scroll(direction='right')", [A("hscroll", amount=5)]),
])
def test_uitars_kinds_on_the_1_0_grid(action, want):
    assert acts("uitars", f"Thought: go\nAction: {action}", FAMILIES["uitars-1.0"].frame(1280, 720)) == want


def test_uitars_words_errors_and_1_5_pixels():
    for action, word in [("wait()", "WAIT"), ("finished(content='done')", "DONE"), ("call_user()", "FAIL")]:
        assert read("uitars", f"Action: {action}", SCREEN).code == word
    f15 = FAMILIES["uitars"].frame(1920, 1080)                       # 1932x1092 after the processor
    assert (f15.image_w, f15.image_h) == (1932, 1092)
    assert acts("uitars", "Action: click(point='<point>966 546</point>')", f15) == [A("click", 960, 540)]
    assert "unknown action teleport()" in err("uitars", "Action: teleport(start_box='(1,2)')")
    assert "needs start_box or point" in err("uitars", "Action: click()")
    assert "direction 'sideways'" in err("uitars", "Action: scroll(direction='sideways')")
    assert "comes after done" in err("uitars", "Action: finished(content='x')\n\nclick(start_box='(1,2)')")


# -- computer_13 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("obj, want", [
    ({"action_type": "MOVE_TO", "x": 10, "y": 20}, [A("move", 10, 20)]),
    ({"action_type": "CLICK", "x": 10, "y": 20, "button": "right"}, [A("right_click", 10, 20)]),
    ({"action_type": "CLICK", "parameters": {"x": 10, "y": 20, "num_clicks": 2}}, [A("double_click", 10, 20)]),
    ({"action_type": "CLICK", "click_type": "DOUBLE"}, [A("double_click")]),
    ({"action_type": "MOUSE_DOWN", "button": "left"}, [A("mouse_down")]),
    ({"action_type": "MOUSE_UP"}, [A("mouse_up")]),
    ({"action_type": "RIGHT_CLICK", "x": 1, "y": 2}, [A("right_click", 1, 2)]),
    ({"action_type": "DOUBLE_CLICK", "x": 1, "y": 2}, [A("double_click", 1, 2)]),
    ({"action_type": "DRAG_TO", "x": 5, "y": 6}, [A("drag", to_x=5, to_y=6)]),
    ({"action_type": "SCROLL", "dx": 2, "dy": -3}, [A("scroll", amount=-3), A("hscroll", amount=2)]),
    ({"action_type": "TYPING", "text": "hello"}, [A("type", text="hello")]),
    ({"action_type": "PRESS", "key": "enter"}, [A("key", keys=("enter",))]),
    ({"action_type": "KEY_DOWN", "key": "ctrl"}, [A("key_down", keys=("ctrl",))]),
    ({"action_type": "KEY_UP", "key": "ctrl"}, [A("key_up", keys=("ctrl",))]),
    ({"action_type": "HOTKEY", "keys": ["ctrl", "c"]}, [A("hotkey", keys=("ctrl", "c"))]),
])
def test_computer13_kinds(obj, want):
    assert acts("computer13", f"```json\n{json.dumps(obj)}\n```") == want


def test_computer13_words_and_errors():
    for word in ("DONE", "FAIL", "WAIT"):
        assert read("computer13", json.dumps({"action_type": word}), SCREEN).code == word
    assert "unknown action_type 'JUMP'" in err("computer13", '{"action_type": "JUMP"}')
    assert "not JSON" in err("computer13", "click the button")


# -- Gemini -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, args, want", [
    ("click_at", {"x": 500, "y": 500}, [A("click", 640, 360)]),
    ("hover_at", {"x": 500, "y": 500}, [A("move", 640, 360)]),
    ("type_text_at", {"x": 500, "y": 500, "text": "hi"},
     [A("click", 640, 360), A("hotkey", keys=("ctrl", "a")), A("key", keys=("backspace",)), A("type", text="hi"),
      A("key", keys=("enter",))]),
    ("type_text_at", {"x": 500, "y": 500, "text": "hi", "press_enter": False, "clear_before_typing": False},
     [A("click", 640, 360), A("type", text="hi")]),
    ("key_combination", {"keys": "Control+C"}, [A("hotkey", keys=("ctrl", "c"))]),
    ("scroll_document", {"direction": "down"}, [A("scroll", amount=-10)]),
    ("scroll_at", {"x": 500, "y": 500, "direction": "right", "magnitude": 400}, [A("hscroll", 640, 360, amount=5)]),
    ("drag_and_drop", {"x": 0, "y": 0, "destination_x": 500, "destination_y": 500}, [A("drag", 0, 0, to_x=640, to_y=360)]),
    ("navigate", {"url": "http://mail.example"},
     [A("hotkey", keys=("ctrl", "l")), A("type", text="http://mail.example"), A("key", keys=("enter",))]),
    ("search", {}, [A("hotkey", keys=("ctrl", "l")), A("type", text="http://search.example/"), A("key", keys=("enter",))]),
    ("go_back", {}, [A("hotkey", keys=("alt", "left"))]),
    ("go_forward", {}, [A("hotkey", keys=("alt", "right"))]),
    ("wait_5_seconds", {}, [A("wait", seconds=5.0)]),
])
def test_gemini_functions(name, args, want):
    grid = FAMILIES["gemini"].frame(1280, 720)
    assert acts("gemini", json.dumps({"name": name, "args": args}), grid) == want
    call_text = f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"
    assert acts("gemini", call_text, grid) == want


def test_gemini_words_and_errors():
    assert read("gemini", "DONE", SCREEN).code == "DONE"
    assert read("gemini", '{"name": "open_web_browser", "args": {}}', SCREEN).code == "WAIT"
    assert "unknown function fly" in err("gemini", '{"functionCall": {"name": "fly", "args": {}}}')


# -- ShowUI -----------------------------------------------------------------------------------------
def test_showui():
    assert acts("showui", "{'action': 'CLICK', 'value': None, 'position': [0.5, 0.5]}") == [A("click", 640, 360)]
    assert acts("showui", "{'action': 'SCROLL', 'value': 'down', 'position': None}") == [A("scroll", amount=-5)]
    assert acts("showui", "{'action': 'SELECT_TEXT', 'value': None, 'position': [0, 0, 0.5, 0.5]}") == \
        [A("drag", 0, 0, to_x=640, to_y=360)]
    assert read("showui", "{'action': 'ANSWER', 'value': '42', 'position': None}", SCREEN).code == "DONE"
    assert "not within [0, 1]" in err("showui", "{'action': 'CLICK', 'value': None, 'position': [640, 360]}")


# -- families, the guess, the agent -----------------------------------------------------------------
def test_every_family_names_a_reader_and_a_prompt():
    for f in FAMILIES.values():
        assert f.reader in READERS and callable(reader(f.reader)) and f.prompt.strip(), f.name
    with pytest.raises(ValueError, match="no reader"):
        reader("nope")


@pytest.mark.parametrize("text, family", [
    ("```python\npyautogui.click(10, 20)\n```", "openai"),
    ("pyautogui.click(x=0.43, y=0.2)", "opencua"),
    ("## Code:\n```code\ncomputer.terminate(status='success')\n```", "opencua"),
    ("click <|box_start|>(1,2)<|box_end|>", "qwen2-vl"),
    (call("left_click", coordinate=[1, 2]), "qwen3-vl"),
    ("Thought: x\nAction: click(point='<point>1 2</point>')", "uitars"),
    ("Thought: x\nAction: click(start_box='<|box_start|>(1,2)<|box_end|>')", "uitars-1.0"),
    ('{"action_type": "CLICK", "x": 1, "y": 2}', "computer13"),
    ('{"name": "click_at", "args": {"x": 1, "y": 2}}', "gemini"),
    ("{'action': 'CLICK', 'value': None, 'position': [0.1, 0.2]}", "showui"),
    ('{"action": "left_click", "coordinate": [1, 2]}', "anthropic"),
    ('{"type": "click", "x": 1, "y": 2, "button": "left"}', "openai-cua"),
    ("DONE", "openai"),
])
def test_guess_family(text, family):
    assert guess_family(text) == family


class One:
    def __init__(self, text: str) -> None:
        self.text, self.messages = text, None

    def complete(self, messages, max_tokens, temperature):
        self.messages = messages
        return Completion(self.text, {})


def test_model_agent_structured_family_and_unreadable_reply():
    shot = {"screenshot": np.zeros((720, 1280, 3), np.uint8), "step": 1}
    agent = ModelAgent(One("Thought: drag it\nAction: drag(start_box='(0,0)', end_box='(500,500)')"),
                       FAMILIES["uitars-1.0"])
    agent.reset("task")
    out = agent.act(shot)
    assert out.frame is None and out.code == "pyautogui.moveTo(0, 0)\npyautogui.dragTo(640, 360, button='left')"
    system = agent.backend.messages[0]["content"][0]["text"]
    assert "left_double(start_box=" in system and "0-1000 grid" in system
    bad = ModelAgent(One("Action: click(start_box='=')"), FAMILIES["uitars"])
    bad.reset("task")
    out = bad.act(shot)
    assert out.usage["parse_errors"] == 1 and "start_box='='" in out.usage["parse_error"]
    cua = ModelAgent(One("## Code:\n```python\npyautogui.click(x=0.5, y=0.5)\n```"), FAMILIES["opencua"])
    cua.reset("task")
    out = cua.act(shot)
    assert out.code == "pyautogui.click(x=0.5, y=0.5)" and Frame.from_dict(out.frame).to_screen(0.5, 0.5) == (640, 360)
    assert "fractions of the screen" in cua.backend.messages[0]["content"][0]["text"]


# -- the command line -------------------------------------------------------------------------------
def run_actions(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run.py", "actions", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_cli_actions(tmp_path):
    p = run_actions("--screen", "1920x1080", "-",
                    stdin="pyperclip.copy('cd ~/projects')\npyautogui.hotkey('ctrl', 'v')\n")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["family"] == "openai" and out["error"] is None
    assert out["code"] == "pyperclip.copy('cd ~/projects')\npyautogui.hotkey('ctrl', 'v')"
    assert out["actions"] == [{"kind": "hotkey", "keys": ["ctrl", "v"]}]
    f = tmp_path / "reply.txt"
    f.write_text("Thought: x\nAction: drag(start_box='(0,0)', end_box='(500,500)')")
    out = json.loads(run_actions("--family", "uitars-1.0", str(f)).stdout)
    assert out["actions"] == [{"kind": "drag", "x": 0, "y": 0, "to_x": 640, "to_y": 360}] and out["frame"] is None
    out = json.loads(run_actions("--family", "opencua", "--screen", "1000x500", stdin="pyautogui.click(x=0.25, y=0.5)").stdout)
    assert out["actions"] == [{"kind": "click", "x": 250, "y": 250}] and out["family"] == "opencua"
    bad = run_actions(stdin="I do not know.")
    assert bad.returncode == 1 and json.loads(bad.stdout)["error"].startswith("no action found")
    missing = run_actions(str(tmp_path / "none.txt"))
    assert missing.returncode == 2 and "none.txt" in missing.stderr
    screen = run_actions("--screen", "wide", stdin="DONE")
    assert screen.returncode == 2 and "--screen" in screen.stderr
    fam = run_actions("--family", "nope", stdin="DONE")
    assert fam.returncode == 2 and "--family" in fam.stderr


@pytest.mark.parametrize("fmt, text", [
    ("computer13", '{"action_type": "CLICK", "x": 1, "y": 2, "num_clicks": 1e999}'),
    ("qwen_tool", call("left_click", coordinate=[1e12, 2])),
    ("uitars", "Action: click(start_box='(" + "9" * 400 + ",1)')"),
    ("opencua", "computer.terminate(status='success')\x00"),
    ("gemini", '{"name": "click_at", "args": {"x": "left", "y": 2}}'),
    ("pyautogui", "(" * 500),
])
def test_hostile_replies_are_errors_not_crashes(fmt, text):
    assert err(fmt, text)
