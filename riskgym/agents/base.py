"""The agent contract: reset(instruction) and act(observation) -> pyautogui code or a token.

Any class with these two methods is an agent. act may also return an AgentReply (or a dict
with the same keys) to hand over its reasoning and token usage for the record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


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


def as_reply(out: Any) -> AgentReply:
    """Normalise what an agent's act() returned; a wrong type is the agent's error, named."""
    if isinstance(out, AgentReply):
        return out
    if isinstance(out, str):
        return AgentReply(code=out)
    if isinstance(out, dict) and isinstance(out.get("code", out.get("action")), str):
        return AgentReply(code=out.get("code", out.get("action")), thought=str(out.get("thought", "")),
                          usage=dict(out.get("usage") or {}), raw=out.get("raw"))
    raise TypeError(f"act() returned {type(out).__name__}; expected a str (pyautogui code, DONE, FAIL "
                    "or WAIT), an AgentReply, or a dict with 'code'")
