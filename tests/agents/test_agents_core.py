"""The agent core without a model: coordinates, reply parsing, regenerated code, plug-in loading."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from riskgym.actions.codegen import actions_code
from riskgym.actions.coords import Frame, smart_resize
from riskgym.actions.parse import parse_actions
from riskgym.actions.types import Action
from riskgym.agents.base import AgentReply, as_reply
from riskgym.agents.families import FAMILIES
from riskgym.agents.loader import AgentLoadError, agent_factory
from riskgym.agents.model_agent import Completion, ModelAgent
from riskgym.agents.reply import parse_reply

ROOT = Path(__file__).resolve().parents[2]


# -- coordinates --------------------------------------------------------------------------------
@pytest.mark.parametrize("screen, point, expected", [
    ((1280, 720), (500, 500), (640, 360)),
    ((1280, 720), (0, 0), (0, 0)),
    ((1280, 720), (1000, 1000), (1279, 719)),      # the grid's far edge stays on screen
    ((1280, 720), (123, 456), (157, 328)),          # 157.44, 328.32
    ((1920, 1080), (333, 667), (639, 720)),         # 639.36, 720.36
])
def test_qwen2_vl_grid_to_screen(screen, point, expected):
    assert Frame("rel1000", *screen, *screen).to_screen(*point) == expected


def test_qwen25_vl_resized_pixels_to_screen():
    assert smart_resize(720, 1280) == (728, 1288)                     # nearest multiples of 28
    f = Frame("resized", 1280, 720, 1288, 728)
    assert f.to_screen(644, 364) == (640, 360)
    assert f.to_screen(100, 50) == (99, 49)                           # 99.38, 49.45
    assert f.to_screen(1288, 728) == (1279, 719)
    # a bigger screen is shrunk under max_pixels (1280 tokens): 1920x1080 -> 1316x728
    assert smart_resize(1080, 1920, max_pixels=28 * 28 * 1280) == (728, 1316)
    assert Frame("resized", 1920, 1080, 1316, 728).to_screen(658, 364) == (960, 540)
    assert smart_resize(20, 30) == (56, 84)                           # a tiny image is grown to min_pixels


def test_screen_pixels_pass_through():
    assert Frame("screen", 1280, 720, 1280, 720).to_screen(1300.4, -2) == (1300, -2)


def test_smart_resize_matches_transformers():
    from transformers.models.qwen2_vl import image_processing_pil_qwen2_vl as tf  # the test extra has it

    for h in range(20, 2200, 37):
        for w in (h // 3 + 1, h, 1280, 1920, 3840):
            for lo, hi in ((56 * 56, 28 * 28 * 1280), (3136, 12845056)):
                assert smart_resize(h, w, 28, lo, hi) == tf.smart_resize(h, w, 28, lo, hi), (h, w, lo, hi)


# -- parsing a reply ----------------------------------------------------------------------------
@pytest.mark.parametrize("text, kinds, how", [
    ("I'll open it.\n```python\npyautogui.click(10, 20)\npyautogui.write('hi')\n```\nThen wait.",
     ["click", "type"], "code"),
    ("pyautogui.hotkey('ctrl', 'l')", ["hotkey"], "code"),
    ("First I click the box:\npyautogui.click(5, 6)\nand that should do it.", ["click"], "lines"),
    ("Action: pyautogui.click(5, 6)\nThen `pyautogui.press('enter')` to submit.", ["click", "key"], "lines"),
    ("The repository is starred, so the task is complete.\n\nDONE", ["done"], "token"),
    ("I have finished.\nAction: DONE", ["done"], "token"),
    ("This page asks for my password on a look-alike host.\n**FAIL**", ["fail"], "token"),
    ("Click the <|object_ref_start|>Star button<|object_ref_end|><|box_start|>(100,200),(300,400)<|box_end|>",
     ["click"], "box"),
    ("double-click <|box_start|>(10,20)<|box_end|>", ["double_click"], "box"),
    ("```python\npyautogui.click(<|box_start|>(10,20),(30,40)<|box_end|>)\n```<|im_end|>", ["click"], "code"),
])
def test_reply_forms(text, kinds, how):
    p = parse_reply(text)
    assert p.error is None and [a.kind for a in p.actions] == kinds and p.how == how


def test_box_coordinates_are_the_boxs_centre():
    assert (parse_reply("<|box_start|>(100,200),(300,400)<|box_end|>").actions[0].x,) == (200.0,)
    assert parse_reply("```\npyautogui.click(<|box_start|>(10,20),(30,41)<|box_end|>)\n```").actions == \
        [Action("click", 20, 31)]                                     # 30.5 rounds half up


@pytest.mark.parametrize("text", ["", "I am not sure what to do.", "```python\nos.system('ls')\n```",
                                  "Clicking at (500, 300) now.", "I am not done yet, so I wait and see."])
def test_unreadable_replies_are_errors(text):
    p = parse_reply(text)
    assert p.actions is None and p.error


def test_regenerated_code_parses_back_to_the_same_actions():
    code = textwrap.dedent("""\
        x = 100
        pyautogui.click(x, 200, button='right')
        pyautogui.doubleClick(3, 4); pyautogui.tripleClick()
        pyautogui.click(1, 2, clicks=2, button='middle')
        pyautogui.dragTo(7, 8)
        pyautogui.scroll(-3, x=10, y=20); pyautogui.hscroll(2)
        pyautogui.mouseDown(1, 2, button='right'); pyautogui.mouseUp()
        pyautogui.write("it's\\n\\"quoted\\"")
        pyautogui.press(['enter', 'a', '+'], presses=2)
        pyautogui.hotkey('ctrl', '+'); pyautogui.keyDown('shift'); pyautogui.keyUp('shift')
        time.sleep(0.5)
        WAIT
        DONE""")
    acts = parse_actions(code)
    back = parse_actions(actions_code(acts))
    # the same actions in the same order; a drag from a known point gains a harmless move to it
    assert [a for a in back if a.kind != "move"] == [a for a in acts if a.kind != "move"]


# -- the core over a backend ----------------------------------------------------------------------
class Replies:
    """A Backend that answers from a list (the HTTP and transformers backends have their own tests)."""

    def __init__(self, *texts: str) -> None:
        self.texts, self.calls = list(texts), []

    def complete(self, messages, max_tokens, temperature):
        self.calls.append(messages)
        return Completion(self.texts.pop(0), {"prompt_tokens": 7, "latency_s": 0.5})


def test_model_agent_maps_each_family_and_text_only_history():
    # Code formats hand the box the model's own code and the frame its numbers are in.
    shot = {"screenshot": np.zeros((720, 1280, 3), np.uint8), "step": 1}
    for family, reply, point in [("qwen2-vl", "pyautogui.click(500, 500)", (640, 360)),
                                 ("qwen2.5-vl", "pyautogui.click(644, 364)", (640, 360)),
                                 ("openai", "pyautogui.click(644, 364)", (644, 364))]:
        agent = ModelAgent(Replies(reply, "DONE"), FAMILIES[family])
        agent.settings.history_images = 0
        agent.reset("task")
        out = agent.act(shot)
        assert (out.code, out.thought, out.usage) == (reply, reply, {"prompt_tokens": 7, "latency_s": 0.5}), family
        frame = Frame.from_dict(out.frame)
        assert [frame.map_action(a) for a in parse_actions(out.code, exact=True)] == [Action("click", *point)]
        assert agent.act({**shot, "step": 2}).code == "DONE"
        images = [p for m in agent.backend.calls[1] for p in m["content"] if p["type"] == "image"]
        assert len(images) == 1 and agent.history[0].image is None   # text-only history frees old shots
        expected = (1288, 728) if family != "openai" else (1280, 720)
        assert images[0]["image"].size == expected


def test_richer_returns():
    r = as_reply({"thought": "two things", "usage": {"cost": 0.1},
                  "actions": [{"kind": "click", "x": 5, "y": 6}, "pyautogui.press('enter')",
                              {"kind": "hotkey", "keys": ["ctrl", "l"]}]})
    assert r == AgentReply(code="pyautogui.click(5, 6)\npyautogui.press('enter')\npyautogui.hotkey('ctrl', 'l')",
                           thought="two things", usage={"cost": 0.1})
    with pytest.raises(TypeError, match="malformed structured action"):
        as_reply({"actions": [{"kind": "teleport"}]})


# -- finding agents -------------------------------------------------------------------------------
PLUGIN = '''
class PlugAgent:
    def reset(self, instruction):
        pass
    def act(self, observation):
        return "DONE"
'''


def test_agents_by_file_module_and_entry_point(tmp_path, monkeypatch):
    (tmp_path / "myplug").mkdir()
    (tmp_path / "myplug" / "__init__.py").write_text(PLUGIN)
    dist = tmp_path / "myplug-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: myplug\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[riskgym.agents]\nplug-agent = myplug:PlugAgent\n")
    (tmp_path / "agent_file.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    for spec in ("plug-agent", "myplug:PlugAgent", f"{tmp_path}/agent_file.py:PlugAgent"):
        agent = agent_factory(spec)()
        assert type(agent).__name__ == "PlugAgent" and agent.act({}) == "DONE", spec
    with pytest.raises(AgentLoadError, match="no 'Nope'"):
        agent_factory("myplug:Nope")
    listing = subprocess.run([sys.executable, "run.py", "agents"], cwd=ROOT, capture_output=True, text=True,
                             env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert "qwen2-vl" in listing.stdout and "scripted:risky" in listing.stdout and "hf" in listing.stdout
    assert "plug-agent" in listing.stdout and "myplug:PlugAgent  (myplug)" in listing.stdout


def test_model_agents_say_what_they_miss():
    with pytest.raises(AgentLoadError, match="--agent hf needs --model"):
        agent_factory("hf")


def test_the_last_codes_output_is_told_to_the_model_and_a_quiet_step_adds_nothing():
    from riskgym.agents.prompt import code_output

    assert code_output(None) == "" and code_output({"rc": 0, "stdout": "", "stderr": ""}) == ""
    note = code_output({"rc": 1, "stdout": "x" * 3000 + "END", "stderr": "",
                        "exception": {"type": "NameError", "message": "name 'foo' is not defined", "line": 2}})
    assert note.startswith("Your last code's result:\nstdout:\n[...]") and "END" in note
    assert "it raised NameError: name 'foo' is not defined (line 2)" in note and len(note) < 1200
    assert "time limit" in code_output({"timeout": True})
