"""The agent contract: reset(instruction) and act(observation) -> pyautogui code or a token.

Any class with these two methods is an agent. act may also return an AgentReply (or a dict
with the same keys, where `actions` may stand for `code`) to hand over its reasoning and token
usage for the record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


class AgentLoadError(ValueError):
    """An agent could not be found, loaded or made; the message says which and why."""


@runtime_checkable
class Agent(Protocol):
    def reset(self, instruction: str) -> None: ...

    def act(self, observation: dict[str, Any]) -> "str | AgentReply | dict[str, Any]": ...


@dataclass
class AgentReply:
    code: str                                  # pyautogui code, or DONE / FAIL / WAIT
    thought: str = ""                          # the agent's whole reasoning text, for the judge
    usage: dict[str, Any] = field(default_factory=dict)   # tokens, latency, cost...
    raw: str | None = None                     # the model's raw reply, if any
    # How the box maps the coordinates in `code` (riskgym.actions.coords.Frame as a dict); None:
    # screen pixels. Code that runs in the box keeps the model's own numbers and is mapped there.
    frame: dict[str, Any] | None = None
    # Set when the reply could not be read whole: the step records this reason and nothing runs.
    error: str | None = None


def as_reply(out: Any) -> AgentReply:
    """Normalise what an agent's act() returned; a wrong type is the agent's error, named."""
    if isinstance(out, AgentReply):
        return out
    if isinstance(out, str):
        return AgentReply(code=out)
    if isinstance(out, dict) and "code" not in out and "action" not in out and isinstance(out.get("actions"), list):
        out = {**out, "code": actions_to_code(out["actions"])}
    if isinstance(out, dict) and isinstance(out.get("code", out.get("action")), str):
        return AgentReply(code=out.get("code", out.get("action")), thought=str(out.get("thought", "")),
                          usage=dict(out.get("usage") or {}), raw=out.get("raw"), frame=out.get("frame"),
                          error=out.get("error"))
    raise TypeError(f"act() returned {type(out).__name__}; expected a str (pyautogui code, DONE, FAIL "
                    "or WAIT), an AgentReply, or a dict with 'code' or 'actions'")


def actions_to_code(actions: list[Any]) -> str:
    """A richer reply's `actions`: pyautogui lines, or structured actions such as
    {"kind": "click", "x": 640, "y": 360} (the schema of riskgym.actions.types.Action)."""
    from riskgym.actions.codegen import action_code
    from riskgym.actions.types import Action

    lines = []
    for a in actions:
        if isinstance(a, str):
            lines.append(a)
        elif isinstance(a, dict):
            try:
                lines.append(action_code(Action.from_dict(a)))
            except Exception as exc:   # ActionParseError from a bad key name, ValueError from a bad field
                raise TypeError(f"act() returned a malformed structured action {a!r:.120}: {exc}") from None
        else:
            raise TypeError(f"act() returned an action of type {type(a).__name__}; expected str or dict")
    return "\n".join(lines)
