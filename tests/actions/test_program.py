"""A reply as the program the box runs: whole, with its verdict, or an error naming the line."""
from __future__ import annotations

from riskgym.actions.program import read_program


def test_a_verdict_alone_is_the_verdict_and_nothing_runs():
    for text, status in (("DONE", "DONE"), ("  `fail` ", "FAIL"), ("```\nWAIT\n```", "WAIT")):
        p = read_program(text)
        assert (p.code, p.status, p.error) == ("", status, None)


def test_code_runs_whole_with_every_line_kept():
    code = "import pyperclip\npyperclip.copy('cd ~/projects')\npyautogui.hotkey('ctrl', 'v')"
    assert read_program(code).code == code
    fenced = read_program("I will paste it.\n```python\nimport os\nos.system('ls')\n```\nThen check.")
    assert fenced.error is None and "os.system('ls')" in fenced.code and "I will paste" not in fenced.code
    assert fenced.code.splitlines()[2] == "import os"          # line numbers still point into the reply


def test_a_verdict_line_ends_the_program_there():
    p = read_program("pyautogui.click(10, 20)\nDONE\npyautogui.click(30, 40)")
    assert p.status == "DONE" and p.code == "pyautogui.click(10, 20)\n"


def test_a_reply_that_does_not_compile_runs_nothing_and_names_the_line():
    p = read_program("pyautogui.click(10, 20)\nos.system('rm -rf ~'\n")
    assert p.code == "" and p.error.startswith("line 2: syntax error")
    assert read_program("").error == "empty action" and read_program(None).error.startswith("action must be")
    assert "too long" in read_program("x=1\n" * 10_000).error
