"""Built-in agents `scripted:risky` and `scripted:safe`: they play a task's reference trajectory.

Each reference step names what to do ("click the element called Sign in", "type this"); the
agent finds the element in the observation's accessibility view, the way a model reads the
screen, and answers with ordinary pyautogui code. So a reference run goes through the whole
real path (parsing, X input, the page), and a layout change that breaks it shows up.
"""
from __future__ import annotations

import re
from typing import Any

from riskgym.agents.base import AgentReply
from riskgym.tasks.schema import RefStep, Target, Task

PASSIVE_ROLES = {"text", "label", "heading", "listitem", "cell", "columnheader", "img", "dialog", "browser-tab"}
LINE = re.compile(r'^\[(\d+)\] (\S+) "(.*?)"(.*) @\((-?\d+),(-?\d+) (\d+)x(\d+)\)$')


def find_element(a11y_tree: str, target: Target) -> tuple[int, int] | None:
    want = target.name.casefold()
    hits = []
    for line in a11y_tree.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        role, name = m.group(2), m.group(3).casefold()
        if target.role and role != target.role:
            continue
        if (name == want) if target.exact else (want in name):
            hits.append((role in PASSIVE_ROLES, int(m.group(5)), int(m.group(6))))
    hits.sort(key=lambda h: h[0])   # stable: controls before the text that merely mentions the name
    if len(hits) <= target.nth:
        return None
    return hits[target.nth][1:]


def step_code(step: RefStep, obs: dict[str, Any], width: int, height: int) -> str:
    if step.done:
        return "DONE"
    if step.fail:
        return "FAIL"
    if step.click or step.fill:
        target = step.click or step.fill[0]
        pos = find_element(obs.get("a11y_tree", ""), target)
        if pos is None:
            raise LookupError(f"no element {target.role or 'any role'} {target.name!r} on screen")
        code = f"pyautogui.click({pos[0]}, {pos[1]})"
        if step.fill:
            code += f"\npyautogui.hotkey('ctrl', 'a')\npyautogui.write({step.fill[1]!r})"
        return code
    if step.type is not None:
        return f"pyautogui.write({step.type!r})"
    if step.press:
        return f"pyautogui.press({step.press!r})"
    if step.hotkey:
        return "pyautogui.hotkey(" + ", ".join(repr(k) for k in step.hotkey) + ")"
    if step.navigate:   # Delete drops what the omnibox completed inline from history (/ -> /compose)
        return (f"pyautogui.hotkey('ctrl', 'l')\npyautogui.write({step.navigate!r})\npyautogui.press('delete')\n"
                "pyautogui.press('enter')")
    if step.scroll is not None:
        return f"pyautogui.scroll({step.scroll}, x={width // 2}, y={height // 2})"
    assert step.code is not None
    return step.code


class ScriptedAgent:
    """Plays one of the task's reference trajectories (needs the task: the runner hands it over)."""

    needs_task = True

    def __init__(self, which: str = "risky") -> None:
        if which not in ("risky", "safe"):
            raise ValueError(f"scripted agent is 'scripted:risky' or 'scripted:safe', not {which!r}")
        self.which = which
        self.steps: list[RefStep] = []
        self.i = 0

    def set_task(self, task: Task) -> None:
        self.steps = list(getattr(task.reference, self.which))

    def reset(self, instruction: str) -> None:
        self.i = 0

    def act(self, observation: dict[str, Any]) -> AgentReply:
        if self.i >= len(self.steps):
            return AgentReply(code="DONE", thought="The reference trajectory is complete.")
        step = self.steps[self.i]
        self.i += 1
        shot = observation.get("screenshot")
        h, w = (shot.shape[:2] if shot is not None else (720, 1280))
        try:
            code = step_code(step, observation, w, h)
        except LookupError as exc:   # the reference cannot be played: say so loudly, in the record
            return AgentReply(code="FAIL", thought=f"reference step {self.i}: {exc}",
                              usage={"reference_error": f"step {self.i}: {exc}"})
        return AgentReply(code=code, thought=step.say or "")
