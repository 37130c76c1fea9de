"""`--agent openai-cua:MODEL`: OpenAI's computer-use tool on the Responses API, through the official SDK.

One act() is one step in the box:
1. The input: the instruction and the screenshot as an input_image (first step), or a
   computer_call_output for the previous computer_call, its output the new screenshot
   (`computer_screenshot`, a PNG data URL), chained with previous_response_id (the server keeps
   the conversation; truncation="auto" keeps it bounded).
2. The response's computer_call is read (riskgym.agents.formats.openai_cua) and its action(s)
   become the step's code, in screen pixels.
3. A call that only asks for a `screenshot` needs no step: act() answers it at once with the
   current screenshot, up to MAX_LOOKS times, then hands the box a WAIT.
4. A response with no computer_call (a message) ends the episode: DONE.

Safety checks: a computer_call's `pending_safety_checks` go into the step's usage record
(`safety_checks`) with `safety_checks_acknowledged` saying what was done. They are acknowledged
(passed back as acknowledged_safety_checks, and the action performed) only when the user said so:
ack_safety_checks=True, i.e. RISKGYM_ACK_SAFETY_CHECKS=1. Otherwise the action is not performed
and the episode ends (FAIL): the check asked for a human, and none was there to agree.

The tool is the newest the SDK knows (TOOLS, first row; RISKGYM_OPENAI_TOOL picks another). Key:
OPENAI_API_KEY (or --api-key-env); server: --base-url or OPENAI_BASE_URL.
"""
from __future__ import annotations

import json
import os
from typing import Any, Callable

from riskgym.actions.codegen import actions_code
from riskgym.agents.backends import ModelOptions, SharedFactory
from riskgym.agents.base import AgentLoadError, AgentReply
from riskgym.agents.formats import openai_cua as fmt
from riskgym.agents.hosted.common import Usage, api_key, flag, one_base_url, png_b64, sdk, unreadable_code, view

MAX_LOOKS = 8
ACK_ENV = "RISKGYM_ACK_SAFETY_CHECKS"
# name -> the tool entry, from the frame and whether the screen is a browser
TOOLS: dict[str, Callable[[Any, bool], dict[str, Any]]] = {
    "computer": lambda frame, browser: {"type": "computer"},
    "computer_use_preview": lambda frame, browser: {
        "type": "computer_use_preview", "display_width": frame.image_w, "display_height": frame.image_h,
        "environment": "browser" if browser else "linux"},
}


def _dict(item: Any) -> dict[str, Any]:
    return item.to_dict() if hasattr(item, "to_dict") else dict(item)


class OpenAICUAAgent:
    def __init__(self, model: str, *, client: Any = None, tool: str | None = None, max_side: int | None = None,
                 ack_safety_checks: bool | None = None, max_output_tokens: int | None = None) -> None:
        self.model, self.client, self.max_side = model, client, max_side
        name = tool or os.environ.get("RISKGYM_OPENAI_TOOL") or next(iter(TOOLS))
        if name not in TOOLS:
            raise AgentLoadError(f"--agent openai-cua: unknown computer tool {name!r}; one of {', '.join(TOOLS)}")
        self.tool_name = name
        self.ack = flag(ACK_ENV) if ack_safety_checks is None else ack_safety_checks
        self.max_output_tokens = max_output_tokens
        self.reset("")

    def reset(self, instruction: str) -> None:
        self.instruction = instruction
        self.previous_id: str | None = None
        self.pending: dict[str, Any] | None = None     # the computer_call the next input answers

    def _create(self, input_items: list[dict[str, Any]], frame, browser: bool) -> Any:
        kw: dict[str, Any] = dict(model=self.model, tools=[TOOLS[self.tool_name](frame, browser)], input=input_items,
                                  truncation="auto")
        if self.previous_id:
            kw["previous_response_id"] = self.previous_id
        if self.max_output_tokens:
            kw["max_output_tokens"] = self.max_output_tokens
        return self.client.responses.create(**kw)

    def _output(self, call: dict[str, Any], img) -> dict[str, Any]:
        out = {"type": "computer_call_output", "call_id": call["call_id"],
               "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64," + png_b64(img)}}
        if call.get("pending_safety_checks") and self.ack:
            out["acknowledged_safety_checks"] = [{k: c.get(k) for k in ("id", "code", "message")}
                                                 for c in call["pending_safety_checks"]]
        return out

    def act(self, observation: dict[str, Any]) -> AgentReply:
        frame, img = view(observation["screenshot"], self.max_side)
        browser = bool(observation.get("url"))
        if self.pending is None:
            text = self.instruction or observation.get("instruction", "")
            items = [{"role": "user", "content": [
                {"type": "input_text", "text": text},
                {"type": "input_image", "image_url": "data:image/png;base64," + png_b64(img)}]}]
        else:
            items = [self._output(self.pending, img)]
        usage, thoughts, raw = Usage(), [], []
        for _ in range(MAX_LOOKS):
            usage.start()
            resp = self._create(items, frame, browser)
            usage.add(resp.usage)
            self.previous_id = resp.id
            output = [_dict(o) for o in resp.output or []]
            for o in output:
                if o.get("type") == "message":
                    thoughts += [c.get("text", "") for c in o.get("content") or [] if c.get("text")]
                elif o.get("type") == "reasoning":
                    thoughts += [s.get("text", "") for s in o.get("summary") or [] if s.get("text")]
            calls = [o for o in output if o.get("type") == "computer_call"]
            raw.append(json.dumps(calls))
            if not calls:
                self.pending = None
                return self._reply("DONE", thoughts, usage, raw)
            call = self.pending = calls[-1]
            checks = [{k: c.get(k) for k in ("id", "code", "message")} for c in call.get("pending_safety_checks") or []]
            if checks:
                usage.d.update(safety_checks=checks, safety_checks_acknowledged=self.ack)
                if not self.ack:
                    codes = ", ".join(str(c.get("code")) for c in checks)
                    thoughts.append(f"[riskgym] the API asked for safety checks to be acknowledged ({codes}); "
                                    f"not acknowledged ({ACK_ENV} is not set): the action is not performed "
                                    "and the episode ends.")
                    return self._reply("FAIL", thoughts, usage, raw)
            reading = fmt.read(call, frame)
            if not reading.ok:
                usage.d.update(parse_errors=1, parse_error=reading.error)
                return self._reply(unreadable_code(reading.error), thoughts, usage, raw)
            if reading.actions:
                return self._reply(actions_code(reading.actions), thoughts, usage, raw)
            usage.d["looks"] = usage.d.get("looks", 0) + 1    # a screenshot only: answer now, no step
            items = [self._output(call, img)]
        return self._reply("WAIT", thoughts, usage, raw)

    def _reply(self, code: str, thoughts: list[str], usage: Usage, raw: list[str]) -> AgentReply:
        return AgentReply(code=code, thought="\n".join(thoughts), usage={**usage.d, "tool": self.tool_name},
                          raw="\n".join(raw), error=usage.d.get("parse_error"))


def make(agent: str, family: Any, opts: ModelOptions) -> SharedFactory:
    """The built-in `openai-cua:MODEL` agent (a BACKENDS row): one SDK client per worker."""
    openai = sdk("openai", agent)
    if not opts.model:
        raise AgentLoadError(f"--agent {agent}: name the model, e.g. --agent openai-cua:MODEL")
    key = api_key(opts.api_key_env, agent)

    url = one_base_url(opts.base_url, agent)

    def one() -> OpenAICUAAgent:
        client = openai.OpenAI(api_key=key, base_url=url, timeout=opts.timeout,
                               max_retries=opts.retries)
        return OpenAICUAAgent(opts.model, client=client)

    one().client.close()
    return SharedFactory(one, model=opts.model)
