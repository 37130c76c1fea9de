"""Local HTTP servers that speak the hosted computer-use wire protocols: a STAND-IN ONLY FOR THE
HOSTED MODEL, so the real SDK clients (anthropic, openai) can be tested end to end without a network.

- AnthropicStandIn: POST /v1/messages (the Messages API with the computer tool);
- OpenAIStandIn: POST /v1/responses (the Responses API with the computer tool).

Each plays scripted replies, chosen by a keyword of the conversation's instruction (so one server
can serve several tasks of a run), one reply per model turn. Each checks the request the SDK sent
the way the real service would refuse it: the tool definition, a screenshot present as a base64
PNG, tool_result / computer_call_output ids matching the calls, the safety-check acknowledgement.
A wrong request gets a 400 (the SDK raises, the episode errors) and lands in `problems`.
"""
from __future__ import annotations

import base64
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image


class BadRequest(Exception):
    pass


def check_png(b64: str, where: str) -> tuple[int, int]:
    try:
        raw = base64.b64decode(b64, validate=True)
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        return Image.open(io.BytesIO(raw)).size
    except Exception:
        raise BadRequest(f"{where}: not a base64 PNG") from None


def check(cond: bool, message: str) -> None:
    if not cond:
        raise BadRequest(message)


class StandInServer:
    """A threaded local server; subclasses answer `reply(body, headers) -> dict` or raise BadRequest."""
    path = "/"

    def __init__(self, scripts: dict[str, list[dict[str, Any]]]) -> None:
        self.scripts = scripts
        self.requests: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.lock = threading.Lock()
        srv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                headers = {k.lower(): v for k, v in self.headers.items()}
                with srv.lock:
                    srv.requests.append({"path": self.path, "body": body, "headers": headers})
                    try:
                        check(self.path.split("?")[0] == srv.path, f"unexpected path {self.path}")
                        status, out = 200, srv.reply(body, headers)
                    except BadRequest as exc:
                        srv.problems.append(str(exc))
                        status, out = 400, srv.error(str(exc))
                data = json.dumps(out).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def script_for(self, instruction: str) -> tuple[str, list[dict[str, Any]]]:
        for key, script in self.scripts.items():
            if key in instruction:
                return key, script
        raise BadRequest(f"no script for the instruction {instruction[:60]!r}")

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class AnthropicStandIn(StandInServer):
    """The Messages API. A script item: {"text": str, "uses": [{"name": action, "input": {...}}]};
    with `toolset` (the computer_toolset_20260801 tool) tool_use blocks are named by their action,
    otherwise by `computer` with the action in the input. `tool` is the tool type the SDK must send."""
    path = "/v1/messages"

    def __init__(self, scripts, tool: str = "computer_toolset_20260801", beta: str | None = None) -> None:
        super().__init__(scripts)
        self.tool, self.beta, self.toolset = tool, beta, tool.startswith("computer_toolset")
        self.images: list[tuple[int, int]] = []     # sizes of the screenshots received, in order

    def error(self, message: str) -> dict:
        return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}

    def reply(self, body, headers) -> dict:
        check(bool(headers.get("x-api-key") or headers.get("authorization", "").startswith("Bearer ")), "no API key")
        check(bool(headers.get("anthropic-version")), "no anthropic-version header")
        if self.beta:
            check(self.beta in headers.get("anthropic-beta", ""), f"missing anthropic-beta {self.beta}")
        tools = body.get("tools") or []
        check(len(tools) == 1 and tools[0].get("type") == self.tool, f"tools must be one {self.tool}: {tools}")
        if not self.toolset:
            check(tools[0].get("name") == "computer" and tools[0].get("display_width_px", 0) > 0,
                  "a computer tool needs name 'computer' and the display size")
        msgs = body["messages"]
        check(msgs and msgs[0]["role"] == "user" and msgs[-1]["role"] == "user", "must start and end with user")
        first = msgs[0]["content"]
        instruction = next(p["text"] for p in first if p.get("type") == "text")
        for prev, nxt in zip(msgs, msgs[1:]):            # every tool_use answered, by id, in the next turn
            if prev["role"] == "assistant":
                uses = [b["id"] for b in prev["content"] if b.get("type") == "tool_use"]
                results = [b.get("tool_use_id") for b in nxt["content"] if b.get("type") == "tool_result"]
                check(uses == results, f"tool_result ids {results} do not match tool_use ids {uses}")
                if self.toolset:
                    check(all(b.get("toolset_name") == "computer" for b in nxt["content"]
                              if b.get("type") == "tool_result"), "toolset tool_result without toolset_name")
        last = msgs[-1]["content"]
        imgs = [p for p in last if p.get("type") == "image"]
        imgs += [c for p in last if p.get("type") == "tool_result" for c in p.get("content") or []
                 if isinstance(c, dict) and c.get("type") == "image"]
        check(bool(imgs), "the last user turn carries no screenshot")
        for im in imgs:
            check(im["source"]["type"] == "base64" and im["source"]["media_type"] == "image/png", "not base64 PNG")
            self.images.append(check_png(im["source"]["data"], "image"))
        key, script = self.script_for(instruction)
        turn = sum(m["role"] == "assistant" for m in msgs)
        item = script[min(turn, len(script) - 1)]
        content = [{"type": "text", "text": item["text"]}] if item.get("text") else []
        for j, use in enumerate(item.get("uses", [])):
            block = {"type": "tool_use", "id": f"toolu_{abs(hash(key)) % 10000}_{turn}_{j}"}
            if self.toolset:
                block.update(name=use["name"], toolset_name="computer", input=use.get("input", {}),
                             caller={"type": "direct"})
            else:
                block.update(name="computer", input={"action": use["name"], **use.get("input", {})})
            content.append(block)
        return {"id": f"msg_{len(self.requests)}", "type": "message", "role": "assistant", "model": body["model"],
                "content": content, "stop_reason": "tool_use" if item.get("uses") else "end_turn",
                "stop_sequence": None, "usage": {"input_tokens": 1000 + turn, "output_tokens": 20}}


class OpenAIStandIn(StandInServer):
    """The Responses API. A script item: {"text": str} (a message) or {"action": {...}} / {"actions": [...]}
    (a computer_call), optionally with "safety_checks": [{"id", "code", "message"}]. `expect_ack`:
    whether the agent must acknowledge them (the checks' ids come back) or must not."""
    path = "/v1/responses"

    def __init__(self, scripts, tool: str = "computer", expect_ack: bool = False) -> None:
        super().__init__(scripts)
        self.tool, self.expect_ack = tool, expect_ack
        self.responses: dict[str, tuple[str, int, dict | None]] = {}   # id -> (script key, turn, its call)
        self.acknowledged: list[list[dict]] = []

    def error(self, message: str) -> dict:
        return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}

    def reply(self, body, headers) -> dict:
        check(headers.get("authorization", "").startswith("Bearer ") and len(headers["authorization"]) > 8,
              "no bearer key")
        tools = body.get("tools") or []
        check(len(tools) == 1 and tools[0].get("type") == self.tool, f"tools must be one {self.tool}: {tools}")
        items = body["input"]
        prev = body.get("previous_response_id")
        if prev is None:
            msg = items[0]
            text = next(p["text"] for p in msg["content"] if p["type"] == "input_text")
            img = next(p["image_url"] for p in msg["content"] if p["type"] == "input_image")
            check(img.startswith("data:image/png;base64,"), "input_image is not a PNG data URL")
            check_png(img.split(",", 1)[1], "input_image")
            key, _ = self.script_for(text)
            turn = 0
        else:
            check(prev in self.responses, f"unknown previous_response_id {prev}")
            key, last_turn, call = self.responses[prev]
            check(call is not None, "previous response had no computer_call to answer")
            check(len(items) == 1 and items[0].get("type") == "computer_call_output", "expected one computer_call_output")
            out = items[0]
            check(out.get("call_id") == call["call_id"], f"call_id {out.get('call_id')} != {call['call_id']}")
            shot = out.get("output") or {}
            check(shot.get("type") == "computer_screenshot" and shot.get("image_url", "").startswith(
                "data:image/png;base64,"), "output is not a computer_screenshot PNG data URL")
            check_png(shot["image_url"].split(",", 1)[1], "computer_screenshot")
            acks = out.get("acknowledged_safety_checks")
            if call["pending_safety_checks"]:
                want = [c["id"] for c in call["pending_safety_checks"]]
                if self.expect_ack:
                    check([a.get("id") for a in acks or []] == want, f"safety checks {want} not acknowledged")
                    self.acknowledged.append(acks)
                else:
                    check(not acks, "safety checks acknowledged though the run did not allow it")
            else:
                check(not acks, "acknowledged safety checks that were never pending")
            turn = last_turn + 1
        script = self.scripts[key]
        item = script[min(turn, len(script) - 1)]
        rid = f"resp_{len(self.requests)}"
        output: list[dict] = []
        call = None
        if item.get("text"):
            output.append({"type": "message", "id": f"msg_{rid}", "role": "assistant", "status": "completed",
                           "content": [{"type": "output_text", "text": item["text"], "annotations": []}]})
        if "action" in item or "actions" in item:
            call = {"type": "computer_call", "id": f"cu_{rid}", "call_id": f"call_{rid}", "status": "completed",
                    "pending_safety_checks": item.get("safety_checks", [])}
            call.update({k: item[k] for k in ("action", "actions") if k in item})
            output.append(call)
        self.responses[rid] = (key, turn, call)
        return {"id": rid, "object": "response", "created_at": 1, "model": body["model"], "status": "completed",
                "output": output, "tools": tools, "tool_choice": "auto", "parallel_tool_calls": True,
                "error": None, "incomplete_details": None, "instructions": None, "metadata": {},
                "temperature": 1.0, "top_p": 1.0, "truncation": body.get("truncation"),
                "previous_response_id": prev,
                "usage": {"input_tokens": 900 + turn, "output_tokens": 15, "total_tokens": 915 + turn,
                          "input_tokens_details": {"cached_tokens": 0},
                          "output_tokens_details": {"reasoning_tokens": 0}}}
