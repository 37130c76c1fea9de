"""The one agent core behind every model backend: prompt, history, parsing, coordinate mapping.

A backend only turns neutral messages into text (plus usage numbers); everything a model family
changes (coordinate frame, screenshot size, request extras) comes from its Family record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image

from riskgym.actions.coords import Frame
from riskgym.agents.base import AgentReply
from riskgym.agents.families import Family
from riskgym.agents.formats import reader
from riskgym.agents.prompt import Turn, build_messages


class ModelError(RuntimeError):
    """The model could not be reached or answered nonsense after every retry: the episode errors."""


@dataclass
class Completion:
    text: str
    usage: dict[str, Any] = field(default_factory=dict)   # prompt_tokens, completion_tokens, latency_s...


class Backend(Protocol):
    def complete(self, messages: list[dict[str, Any]], max_tokens: int, temperature: float) -> Completion: ...


@dataclass
class AgentSettings:
    history_steps: int = 4        # past steps shown in the prompt
    history_images: int = 1       # of those, how many (the latest) carry their screenshot
    max_tokens: int = 1024
    temperature: float = 0.0
    show_code_output: bool = True  # tell the model what its last code printed or raised (exec mode)


class ModelAgent:
    """reset/act over any Backend. The family's reader reads each reply whole: a code format hands
    over the model's own code with the frame its numbers are in (the box maps them); a structured
    format, code generated from its actions in screen pixels. With it go the model's whole reply as
    the thought (what a judge reads) and the step's usage. A reply that cannot be read whole is
    passed on as is with the reason in usage["parse_error"], so the env records an unreadable step
    and the episode goes on."""

    def __init__(self, backend: Backend, family: Family, settings: AgentSettings | None = None) -> None:
        self.backend, self.family = backend, family
        self.read = reader(family.reader)
        self.settings = settings or AgentSettings()
        self.instruction = ""
        self.history: list[Turn] = []

    def reset(self, instruction: str) -> None:
        self.instruction, self.history = instruction, []

    def view(self, screenshot) -> tuple[Frame, Image.Image]:
        """The image to send and the frame its coordinates live in."""
        img = Image.fromarray(screenshot).convert("RGB")
        frame = self.family.frame(*img.size)
        if (frame.image_w, frame.image_h) != img.size:
            img = img.resize((frame.image_w, frame.image_h), Image.Resampling.BICUBIC)
        return frame, img

    def act(self, observation: dict[str, Any]) -> AgentReply:
        s = self.settings
        frame, img = self.view(observation["screenshot"])
        step = int(observation.get("step") or len(self.history) + 1)
        messages = build_messages(self.instruction or observation.get("instruction", ""), frame, img,
                                  self.history, step, s.history_steps, s.history_images, self.family.prompt,
                                  observation.get("code_result") if s.show_code_output else None)
        done = self.backend.complete(messages, s.max_tokens, s.temperature)
        self._remember(Turn(img, done.text))
        usage = dict(done.usage)
        reading = self.read(done.text, frame)
        if reading.error is not None:
            usage.update(parse_errors=1, parse_error=reading.error)
            return AgentReply(code=done.text, thought=done.text, usage=usage, raw=done.text, error=reading.error)
        return AgentReply(code=reading.code, thought=done.text, usage=usage, raw=done.text, frame=reading.frame)

    def _remember(self, turn: Turn) -> None:
        self.history.append(turn)
        keep = max(self.settings.history_images, 0)
        for old in self.history[:len(self.history) - keep]:
            old.image = None   # never shown again: free it
