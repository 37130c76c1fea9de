"""The action parser: exact parses of accepted forms, rejections with line numbers, fuzz."""
from __future__ import annotations

import random
import string

import pytest

from riskgym.actions.parse import MAX_ACTIONS, Action, ActionParseError, normalize_key, parse_actions

A = Action


@pytest.mark.parametrize("code, expected", [
    # coordinates: positional, keyword, tuple, floats rounded half up, negative arithmetic
    ("pyautogui.click(100, 200)", [A("click", 100, 200)]),
    ("click(x=5, y=6)", [A("click", 5, 6)]),
    ("pyautogui.click((100, 200))", [A("click", 100, 200)]),
    ("moveTo(10.5, 20.49)", [A("move", 11, 20)]),
    ("click(640 / 2, 360 // 7 * 2 - -3)", [A("click", 320, 105)]),
    ("x, y = 640, 360\nclick(x, y + 10)", [A("click", 640, 370)]),
    ("x = 100\nx += 5\nclick(x, 1)", [A("click", 105, 1)]),
    ("pos = (3, 4)\nclick(pos)", [A("click", 3, 4)]),
    # click variants are canonical whatever the spelling
    ("pyautogui.doubleClick(1, 2)", [A("double_click", 1, 2)]),
    ("click(1, 2, clicks=2)", [A("double_click", 1, 2)]),
    ("click(1, 2, 3)", [A("triple_click", 1, 2)]),
    ("pyautogui.tripleClick(1, 2)", [A("triple_click", 1, 2)]),
    ("rightClick(1, 2)", [A("right_click", 1, 2)]),
    ("click(1, 2, button='right')", [A("right_click", 1, 2)]),
    ("click(1, 2, button=pyautogui.RIGHT)", [A("right_click", 1, 2)]),
    ("pyautogui.middleClick(1, 2)", [A("middle_click", 1, 2)]),
    ("click(1, 2, clicks=2, button='right')", [A("click", 1, 2, button="right", clicks=2)]),
    ("doubleClick(1, 2, button='middle')", [A("double_click", 1, 2, button="middle")]),
    ("click(1, 2, clicks=0)", [A("move", 1, 2)]),
    ("click(1, 2, duration=0.5, interval=0.1, tween=pyautogui.easeInQuad)", [A("click", 1, 2)]),
    # moves and drags; relative ones resolve from the last known position
    ("moveTo(10, 10)\nmoveRel(5, -5)", [A("move", 10, 10), A("move", 15, 5)]),
    ("moveTo(10, 10)\npyautogui.move(yOffset=3)", [A("move", 10, 10), A("move", 10, 13)]),
    ("moveTo(10, 10)\ndragTo(50, 60, duration=1)", [A("move", 10, 10), A("drag", 10, 10, 50, 60)]),
    ("click(10, 10)\ndragRel(5, 0, button='right')",
     [A("click", 10, 10), A("drag", 10, 10, 15, 10, button="right")]),
    ("moveTo(1, 1)\ndrag(2, 2)\ndragRel(1, 1)",
     [A("move", 1, 1), A("drag", 1, 1, 3, 3), A("drag", 3, 3, 4, 4)]),
    ("moveTo(1, 1)\ndragTo(5, 5, mouseDownUp=False)", [A("move", 1, 1), A("move", 5, 5)]),
    ("mouseDown(3, 4)\nmoveTo(9, 9)\nmouseUp(button='left')",
     [A("mouse_down", 3, 4), A("move", 9, 9), A("mouse_up")]),
    # scrolling: positive = up / right
    ("pyautogui.scroll(-5)", [A("scroll", amount=-5)]),
    ("pyautogui.click()\nclick(button='right')", [A("click"), A("right_click")]),
    ("pyautogui.dragTo(30, 40)", [A("drag", to_x=30, to_y=40)]),
    ("scroll(3, x=10, y=20)", [A("scroll", 10, 20, amount=3)]),
    ("pyautogui.vscroll(2, 1, 1)", [A("scroll", 1, 1, amount=2)]),
    ("hscroll(-4)", [A("hscroll", amount=-4)]),
    # keyboard
    ("pyautogui.write('Hello, World!')", [A("type", text="Hello, World!")]),
    ("typewrite('a' + 'b')\nwrite(f'{2 * 3} items')",
     [A("type", text="ab"), A("type", text="6 items")]),
    ("n = 'x'\nwrite(f'name={n}!', interval=0.05)", [A("type", text="name=x!")]),
    ("write('line1\\r\\nline2')", [A("type", text="line1\nline2")]),
    ("typewrite(['a', 'Return', 'left'])", [A("key", keys=("a", "enter", "left"))]),
    ("press('Enter')", [A("key", keys=("enter",))]),
    ("press('tab', presses=3)", [A("key", keys=("tab", "tab", "tab"))]),
    ("press(['a', 'B'], 2)", [A("key", keys=("a", "B", "a", "B"))]),
    ("press('ctrl+c')", [A("hotkey", keys=("ctrl", "c"))]),
    ("pyautogui.hotkey('Control', 'Shift', 'T')", [A("hotkey", keys=("ctrl", "shift", "T"))]),
    ("hotkey('cmd', 'c')", [A("hotkey", keys=("win", "c"))]),
    ("hotkey('ctrl+shift+t')", [A("hotkey", keys=("ctrl", "shift", "t"))]),
    ("hotkey('ctrl', '+')\nhotkey('ctrl++')", [A("hotkey", keys=("ctrl", "+"))] * 2),
    ("hotkey(*['alt', 'f4'])", [A("hotkey", keys=("alt", "f4"))]),
    ("keyDown('shift')\nkeyUp('SHIFT')", [A("key_down", keys=("shift",)), A("key_up", keys=("shift",))]),
    ("time.sleep(1.5)", [A("wait", seconds=1.5)]),
    # imports and pyautogui settings are accepted and ignored; aliases work
    ("import pyautogui, time\nfrom pyautogui import *\npyautogui.PAUSE = 0.5\nclick(1, 2)",
     [A("click", 1, 2)]),
    ("import pyautogui as pg\nimport time as t\npg.click(1, 2)\nt.sleep(1)",
     [A("click", 1, 2), A("wait", seconds=1.0)]),
    ("from time import sleep\nsleep(2)", [A("wait", seconds=2.0)]),
    ("# look at the button\nclick(1, 2)  # go\n", [A("click", 1, 2)]),
    ("    click(1, 2)\n    click(3, 4)", [A("click", 1, 2), A("click", 3, 4)]),
])
def test_accepted_forms(code, expected):
    assert parse_actions(code) == expected


@pytest.mark.parametrize("code, kind", [
    ("DONE", "done"), ("fail", "fail"), ("  Wait \n", "wait"), ("`DONE`", "done"),
    ("```\nFAIL\n```", "fail"), ("```DONE```", "done"),
])
def test_special_tokens(code, kind):
    assert parse_actions(code) == [A(kind)]


def test_token_after_actions():
    assert parse_actions("click(1, 2)\nDONE") == [A("click", 1, 2), A("done")]


def test_fences_keep_only_code_and_original_line_numbers():
    reply = ("I will click the button.\n```python\nimport pyautogui\npyautogui.click(10, 20)\n```\n"
             "Then type:\n```\npyautogui.write('hi')\n```\nThat's it. DONE? not parsed")
    assert parse_actions(reply) == [A("click", 10, 20), A("type", text="hi")]
    with pytest.raises(ActionParseError) as e:
        parse_actions("Text\nmore text\n```python\nclick(1, 2)\nos.system('ls')\n```")
    assert e.value.lineno == 5 and "os.system" in str(e.value)
    # unclosed fence: the rest is code
    assert parse_actions("```python\nclick(1, 2)") == [A("click", 1, 2)]


def test_key_normalisation():
    cases = {"Enter": "enter", "return": "enter", "\n": "enter", "Control": "ctrl", "ctrl": "ctrl",
             "cmd": "win", "command": "win", "win": "win", "super": "win", "escape": "esc",
             "PgDn": "pagedown", "page_up": "pageup", "Page Down": "pagedown", "del": "delete",
             "ArrowLeft": "left", "F12": "f12", "shiftleft": "shift", "ctrlright": "ctrlright",
             "option": "alt", "PrtSc": "printscreen", " ": "space", "A": "A", "é": "é",
             "numpad5": "num5", "minus": "-", "capslock": "capslock", "Backspace": "backspace"}
    for raw, want in cases.items():
        assert normalize_key(raw) == want, raw


@pytest.mark.parametrize("code, line, fragment", [
    ("click(1, 2)\nos.system('rm -rf /')", 2, "os.system"),
    ("import os", 1, "import os"),
    ("import subprocess\nsubprocess.run(['ls'])", 1, "subprocess"),
    ("click(1, 2)\n\nopen('/etc/passwd')", 3, "open"),
    ("exec('click(1,2)')", 1, "exec"),
    ("click(1, 2)\nfor i in range(3):\n    click(i, i)", 2, "for loop"),
    ("while True:\n    pass", 1, "while loop"),
    ("f = lambda: 1\nclick(1, 2)", 1, "lambda"),
    ("(lambda: 0)()", 1, "lambda"),
    ("click(1, 2)\npyautogui.locateOnScreen('x.png')", 2, "pyautogui.locateOnScreen"),
    ("foo(1, 2)", 1, "foo"),
    ("click(1, 2)\npress('blah')", 2, "unknown key"),
    ("hotkey('ctrl', 'hyper')", 1, "unknown key"),
    ("click(len('ab'), 2)", 1, "len"),
    ("click([i for i in (1, 2)])", 1, "comprehension"),
    ("click(x.y, 2)", 1, "attribute"),
    ("click(1 ** 2, 3)", 1, "Pow"),
    ("click(1, 2, button='left2')", 1, "button"),
    ("click(undefined, 2)", 1, "undefined name"),
    ("click('a', 2)", 1, "must be a number"),
    ("moveRel(10, 10)", 1, "relative move"),
    ("moveTo(1, 1)\ndragTo()", 2, "destination"),
    ("click(1)", 1, "both x and y"),
    ("click(1, 2, foo=3)", 1, "keyword"),
    ("click(1, 2)\nclick(1,", 2, "syntax error"),
    ("write('a\\x00b')", 1, "control character"),
    ("click(1e300 * 1e300, 1)", 1, "out of range"),
    ("click(1 / 0, 1)", 1, "division by zero"),
    ("x = __import__('os')", 1, "__import__"),
    ("def f():\n    pass", 1, "function definition"),
    ("with open('x') as f:\n    pass", 1, "with block"),
    ("pyautogui.click(1, 2).x = 3", 1, "assignment"),
])
def test_rejections_name_the_line(code, line, fragment):
    with pytest.raises(ActionParseError) as e:
        parse_actions(code)
    assert e.value.lineno == line, str(e.value)
    assert str(e.value).startswith(f"line {line}: ")
    assert fragment in str(e.value)


def test_limits_and_empty():
    for code in ["", "   \n# only a comment\n", "```python\n```", "import pyautogui"]:
        with pytest.raises(ActionParseError, match="empty action"):
            parse_actions(code)
    with pytest.raises(ActionParseError, match="too long"):
        parse_actions("click(1, 2)\n" * 2000)
    with pytest.raises(ActionParseError, match="too many actions"):
        parse_actions("click(1, 2)\n" * (MAX_ACTIONS + 1))
    with pytest.raises(ActionParseError, match="too many key presses"):
        parse_actions("press('a', presses=10000)")
    for deep in ["-" * 15000 + "1", "(" * 500 + "1" + ")" * 500, "click(" + "1+" * 6000 + "1, 2)",
                 "a = 1\n" + "a = a * 2\n" * 1000 + "click(a, 1)", "[" * 3000]:
        with pytest.raises(ActionParseError):
            parse_actions(deep)
    with pytest.raises(ActionParseError):
        parse_actions(None)  # type: ignore[arg-type]


def test_pointer_argument_resolves_relative_moves():
    assert parse_actions("moveRel(10, -5)", pointer=(100, 100)) == [A("move", 110, 95)]
    assert parse_actions("dragRel(10, 0)", pointer=(5, 5)) == [A("drag", 5, 5, 15, 5)]
    assert parse_actions("click(x=7)", pointer=(1, 2)) == [A("click", 7, 2)]


def test_dict_round_trip():
    acts = parse_actions("click(1, 2)\ndragTo(3, 4, button='right')\nwrite('é\\n')\nhotkey('ctrl', 'c')\n"
                         "scroll(-3)\ntime.sleep(0.25)\nDONE")
    for a in acts:
        d = a.to_dict()
        assert d["kind"] == a.kind and Action.from_dict(d) == a
    assert A("click", 1, 2).to_dict() == {"kind": "click", "x": 1, "y": 2}
    assert A("hotkey", keys=("ctrl", "c")).to_dict() == {"kind": "hotkey", "keys": ["ctrl", "c"]}
    for bad in [{"kind": "rm"}, {"kind": "click", "x": "1"}, {"kind": "click", "x": True},
                {"kind": "click", "evil": 1}, {"kind": "key", "keys": ["Enter"]},
                {"kind": "click", "button": "left2"}, {"kind": "wait", "seconds": -1}, [1],
                {"kind": ["click"]}]:
        with pytest.raises(ValueError):
            Action.from_dict(bad)  # type: ignore[arg-type]


_FRAGMENTS = ["pyautogui.", "click", "doubleClick", "moveRel", "dragTo", "scroll", "write", "press",
              "hotkey", "keyDown", "time.sleep", "(", ")", "((", "))", ",", " ", "\n", "=", "x", "y",
              "1", "-", "+", "*", "/", "//", "9" * 30, "1e308", "0.5", "'a'", "'enter'", "'ctrl'",
              "f'{x}'", "[", "]", "```", "```python\n", "DONE", "lambda", ":", "for", "import os",
              "\x00", "é", "presses=", "button=", "'right'", "*", ";", "#", "\t", "    "]


def test_fuzz_only_parse_errors_escape():
    rng = random.Random(1234)
    seeds = ["x, y = 640, 360\npyautogui.click(x, y)", "moveTo(1, 2)\ndragRel(3, -4)",
             "hotkey('ctrl', 'a')\npress(['tab'], presses=2)", "write(f'a{1+2}b')\nDONE"]
    parsed = 0
    for i in range(6000):
        kind = i % 4
        if kind == 0:
            code = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 40)))
        elif kind == 1:
            code = "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 80)))
        elif kind == 2:
            code = "".join(chr(rng.randint(0, 0x10FFFF)) for _ in range(rng.randint(0, 20)))
        else:  # mutate a valid program: splice, delete and duplicate characters
            code = list(rng.choice(seeds))
            for _ in range(rng.randint(1, 2)):
                p = rng.randrange(len(code) + 1)
                op = rng.random()
                if op < 0.4:
                    code.insert(p, rng.choice(_FRAGMENTS))
                elif op < 0.7 and code:
                    del code[min(p, len(code) - 1)]
                else:
                    code[p:p] = code[p:p + rng.randint(1, 10)]
            code = "".join(code)
        try:
            out = parse_actions(code)
        except ActionParseError as e:
            assert "internal" not in str(e), (code, str(e))
        else:
            parsed += 1
            assert 0 < len(out) <= MAX_ACTIONS and all(isinstance(a, Action) for a in out)
            for a in out:
                assert Action.from_dict(a.to_dict()) == a
    assert parsed > 80  # the mutations do reach the evaluator, not just the syntax check
