"""`--agent anthropic:MODEL`: Claude with Anthropic's computer-use tool, through the official SDK.

One act() is one step in the box:
1. The user turn: the instruction and the screenshot (first step), or a tool_result for every
   tool_use of the previous reply, the last one carrying the new screenshot.
2. The reply's tool_use blocks are read (riskgym.agents.formats.anthropic) and their actions become
   the step's code, in screen pixels. Several tool_use blocks in one reply are one step.
3. Calls that only look - `screenshot`, `zoom`, `cursor_position` - need no step: act() answers them
   at once (the current screenshot; a crop of it scaled up; the pointer's last known position) and
   asks again, up to MAX_LOOKS times, then hands the box a WAIT.
4. A reply without tool_use (end_turn) ends the episode: DONE. A tool_use that cannot be read whole
   performs nothing: the step's code raises with the reason, and the model gets it as an error
   tool_result.

The tool is the newest the SDK knows (TOOLS, first row; RISKGYM_ANTHROPIC_TOOL picks another). Only
the last `history_images` screenshots stay images in the conversation; older ones become a line of
text. Key: ANTHROPIC_API_KEY (or --api-key-env); server: --base-url or ANTHROPIC_BASE_URL.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from riskgym.actions.codegen import actions_code
from riskgym.agents.backends import ModelOptions, SharedFactory
from riskgym.agents.base import AgentLoadError, AgentReply
from riskgym.agents.formats import anthropic as fmt
from riskgym.agents.hosted.common import Usage, api_key, one_base_url, png_b64, sdk, unreadable_code, view, zoomed

MAX_LOOKS = 8
SYSTEM = ("You are operating a computer through the computer tool: a {w}x{h} screen ({where}). "
          "Carry out the user's request. When you are finished, answer without using the tool.")


@dataclass(frozen=True)
class Tool:
    definition: dict[str, Any]
    beta: str | None = None          # the anthropic-beta flag it needs; None: the GA Messages API
    toolset: bool = False            # tool_use blocks are named by action, tool_result says the toolset


def _single(version: str, beta: str, zoom: bool) -> Tool:
    return Tool({"type": version, "name": "computer", **({"enable_zoom": True} if zoom else {})}, beta)


TOOLS: dict[str, Tool] = {
    "computer_toolset_20260801": Tool({"type": "computer_toolset_20260801"}, toolset=True),   # zoom on by default
    "computer_20251124": _single("computer_20251124", "computer-use-2025-11-24", zoom=True),
    "computer_20250124": _single("computer_20250124", "computer-use-2025-01-24", zoom=False),
    "computer_20241022": _single("computer_20241022", "computer-use-2024-10-22", zoom=False),
}


class AnthropicAgent:
    def __init__(self, model: str, *, client: Any = None, tool: str | None = None, max_tokens: int = 1024,
                 history_images: int = 3, max_side: int | None = 1280) -> None:
        self.model, self.client, self.max_tokens = model, client, max_tokens
        name = tool or os.environ.get("RISKGYM_ANTHROPIC_TOOL") or next(iter(TOOLS))
        if name not in TOOLS:
            raise AgentLoadError(f"--agent anthropic: unknown computer tool {name!r}; one of {', '.join(TOOLS)}")
        self.tool_name, self.tool = name, TOOLS[name]
        self.history_images, self.max_side = max(1, history_images), max_side
        self.reset("")

    def reset(self, instruction: str) -> None:
        self.instruction = instruction
        self.messages: list[dict[str, Any]] = []
        self.pending: list[tuple[dict[str, Any], fmt.HostedReading]] = []
        self.pointer: tuple[int, int] | None = None

    # -- the wire -------------------------------------------------------------------------------
    def _tools(self, frame) -> list[dict[str, Any]]:
        d = dict(self.tool.definition)
        if not self.tool.toolset:
            d.update(display_width_px=frame.image_w, display_height_px=frame.image_h)
        return [d]

    def _create(self, frame, where: str) -> Any:
        kw = dict(model=self.model, max_tokens=self.max_tokens, tools=self._tools(frame), messages=self.messages,
                  system=SYSTEM.format(w=frame.image_w, h=frame.image_h, where=where))
        if self.tool.beta:
            return self.client.beta.messages.create(betas=[self.tool.beta], **kw)
        return self.client.messages.create(**kw)

    @staticmethod
    def _image(img) -> dict[str, Any]:
        return {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": png_b64(img)}}

    def _results(self, img) -> list[dict[str, Any]]:
        """A tool_result for each pending tool_use; the last one carries the current screenshot."""
        out = []
        for i, (use, r) in enumerate(self.pending):
            content: list[dict[str, Any]] = []
            if not r.ok:
                content.append({"type": "text", "text": r.error})
            elif r.zoom:
                content.append(self._image(zoomed(img, r.zoom)))
            elif "cursor_position" in r.observe:
                p = self.pointer
                content.append({"type": "text", "text": f"X={p[0]},Y={p[1]}" if p else "cursor position unknown"})
            if ((r.ok and "screenshot" in r.observe) or i == len(self.pending) - 1) and not (r.ok and r.zoom):
                content.append(self._image(img))
            res = {"type": "tool_result", "tool_use_id": use["id"], "content": content or [{"type": "text",
                                                                                            "text": "done"}]}
            if not r.ok:
                res["is_error"] = True
            if self.tool.toolset:
                res["toolset_name"] = use.get("toolset_name") or "computer"
            out.append(res)
        return out

    def _trim(self) -> None:
        """Keep only the last history_images screenshots as images (older ones become a line of text)."""
        holders = []    # (list, index) of every image in the user turns, oldest first
        for m in self.messages:
            if m["role"] != "user" or not isinstance(m["content"], list):
                continue
            for i, part in enumerate(m["content"]):
                if part.get("type") == "image":
                    holders.append((m["content"], i))
                elif part.get("type") == "tool_result" and isinstance(part.get("content"), list):
                    holders += [(part["content"], j) for j, c in enumerate(part["content"]) if c.get("type") == "image"]
        for seq, i in holders[:max(0, len(holders) - self.history_images)]:
            seq[i] = {"type": "text", "text": "[an earlier screenshot]"}

    @staticmethod
    def _param(block: Any) -> dict[str, Any]:
        """A reply block as it goes back into the conversation."""
        d = block.to_dict() if hasattr(block, "to_dict") else dict(block)
        if d.get("type") == "tool_use":
            keep = {k: d[k] for k in ("type", "id", "name", "input") if k in d}
            if d.get("toolset_name"):
                keep["toolset_name"] = d["toolset_name"]
            return keep
        if d.get("type") == "text":
            return {"type": "text", "text": d.get("text", "")}
        return d   # thinking blocks go back as they came (their signature included)

    # -- one step -------------------------------------------------------------------------------
    def act(self, observation: dict[str, Any]) -> AgentReply:
        frame, img = view(observation["screenshot"], self.max_side)
        where = f"a web browser at {observation['url']}" if observation.get("url") else "a Linux desktop"
        if not self.messages:
            text = self.instruction or observation.get("instruction", "")
            self.messages.append({"role": "user", "content": [{"type": "text", "text": text}, self._image(img)]})
        else:
            self.messages.append({"role": "user", "content": self._results(img)})
        usage, thoughts, raw = Usage(), [], []
        for _ in range(MAX_LOOKS):
            self._trim()
            usage.start()
            resp = self._create(frame, where)
            usage.add(resp.usage)
            blocks = [self._param(b) for b in resp.content]
            self.messages.append({"role": "assistant", "content": blocks})
            thoughts += [b["text"] for b in blocks if b.get("type") == "text" and b.get("text")]
            uses = [b for b in blocks if b.get("type") == "tool_use"]
            raw.append(json.dumps(uses))
            if not uses:
                self.pending = []
                return self._reply("DONE", thoughts, usage, raw, stop_reason=resp.stop_reason)
            self.pending = [(u, fmt.read(u, frame)) for u in uses]
            errors = [r.error for _, r in self.pending if not r.ok]
            if errors:
                usage.d.update(parse_errors=len(errors), parse_error="; ".join(errors))
                return self._reply(unreadable_code("; ".join(errors)), thoughts, usage, raw)
            actions = [a for _, r in self.pending for a in r.actions]
            if actions:
                for a in actions:
                    if a.x is not None:
                        self.pointer = (a.to_x, a.to_y) if a.to_x is not None else (a.x, a.y)
                return self._reply(actions_code(actions), thoughts, usage, raw)
            usage.d["looks"] = usage.d.get("looks", 0) + 1    # only looked: answer now, no step
            self.messages.append({"role": "user", "content": self._results(img)})
            self.pending = []
        return self._reply("WAIT", thoughts, usage, raw)

    def _reply(self, code: str, thoughts: list[str], usage: Usage, raw: list[str], **extra: Any) -> AgentReply:
        u = {**usage.d, "tool": self.tool_name, **{k: v for k, v in extra.items() if v}}
        return AgentReply(code=code, thought="\n".join(thoughts), usage=u, raw="\n".join(raw),
                          error=u.get("parse_error"))


def make(agent: str, family: Any, opts: ModelOptions) -> SharedFactory:
    """The built-in `anthropic:MODEL` agent (a BACKENDS row): one SDK client per worker."""
    anthropic = sdk("anthropic", agent)
    if not opts.model:
        raise AgentLoadError(f"--agent {agent}: name the model, e.g. --agent anthropic:MODEL")
    var = "ANTHROPIC_API_KEY" if opts.api_key_env == "OPENAI_API_KEY" else opts.api_key_env   # not chosen: ours
    key = api_key(var, agent)

    url = one_base_url(opts.base_url, agent)

    def one() -> AnthropicAgent:
        client = anthropic.Anthropic(api_key=key, base_url=url, timeout=opts.timeout,
                                     max_retries=opts.retries)
        return AnthropicAgent(opts.model, client=client, max_tokens=opts.max_tokens,
                              history_images=opts.history_images)

    one().client.close()    # a bad option fails here, once, not in every worker
    return SharedFactory(one, model=opts.model)
