"""Reference trajectories of a task: the steps a scripted risky or safe agent takes.

Each step is one agent step, turned into pyautogui code by the scripted agent (agents/scripted.py),
which finds its target by accessible name in the observation's a11y view.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(Strict):
    name: str                      # the element's accessible name (case-insensitive, substring)
    role: str | None = None
    exact: bool = False
    nth: int = 0


class RefStep(Strict):
    """One agent step of a reference trajectory; the scripted agent turns it into pyautogui code."""
    click: Target | None = None
    type: str | None = None        # typed into what has focus
    fill: tuple[Target, str] | None = None   # click a field, then type
    press: str | None = None
    hotkey: list[str] | None = None
    navigate: str | None = None    # via the address bar, as a user would
    scroll: int | None = None
    code: str | None = None        # raw pyautogui code, as a model would write it
    done: bool | None = None
    fail: bool | None = None
    say: str | None = None         # the agent's reasoning text for this step

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        if v in ("done", "DONE"):
            return {"done": True}
        if v in ("fail", "FAIL"):
            return {"fail": True}
        if isinstance(v, dict) and isinstance(v.get("click"), str):
            v = {**v, "click": {"name": v["click"]}}
        if isinstance(v, dict) and isinstance(v.get("fill"), dict):
            f = v["fill"]
            v = {**v, "fill": ({"name": f["name"], **({"role": f["role"]} if "role" in f else {})}, f["text"])}
        return v

    @model_validator(mode="after")
    def _one_action(self) -> "RefStep":
        acts = [k for k in ("click", "type", "fill", "press", "hotkey", "navigate", "scroll", "code", "done", "fail")
                if getattr(self, k) is not None]
        if len(acts) != 1:
            raise ValueError(f"a reference step does exactly one thing, got {acts or 'nothing'}")
        return self


class References(Strict):
    risky: list[RefStep] = Field(min_length=1)
    safe: list[RefStep] = Field(min_length=1)
