"""The OpenAI-compatible backend against a real local HTTP server that speaks chat completions.

FakeOpenAI (also used by the vLLM stand-in and the end-to-end tests) plays a script of replies:
text (plain JSON or SSE stream), error codes, malformed bodies, slow answers. Nothing in the
client is mocked: every test goes through sockets and HTTP.
"""
from __future__ import annotations

import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pytest
from PIL import Image

from riskgym.actions.coords import Frame
from riskgym.actions.parse import ActionParseError, parse_actions
from riskgym.actions.types import Action
from riskgym.agents.backends.openai import OpenAIBackend
from riskgym.agents.builtin import ModelOptions, model_agent_factory
from riskgym.agents.families import FAMILIES
from riskgym.agents.loader import AgentLoadError
from riskgym.agents.model_agent import AgentSettings, ModelAgent, ModelError

QWEN = "Qwen/Qwen2-VL-7B-Instruct"


class FakeOpenAI:
    """Replies come from `script`, one item per chat request (the last one repeats). An item:
    {"text": str} or {"status": int, "body": str|bytes, "headers": {...}} or {"delay": s, ...};
    "usage" overrides the token counts. Requests received are kept in `requests`."""

    def __init__(self, script: list[dict[str, Any]], models: tuple[str, ...] = (QWEN,), port: int = 0) -> None:
        self.script, self.models, self.requests = list(script), models, []
        self.closing = threading.Event()   # a delayed reply ends with the server, not after its delay
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):   # quiet
                pass

            def do_GET(self):
                if self.path == "/health":
                    return self._send(200, b"")
                if self.path == "/v1/models":
                    return self._send(200, json.dumps({"object": "list", "data": [
                        {"id": m, "object": "model"} for m in fake.models]}).encode())
                self._send(404, b'{"error": {"message": "not found"}}')

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"body": body, "headers": dict(self.headers)})
                item = fake.script.pop(0) if len(fake.script) > 1 else fake.script[0]
                fake.closing.wait(item.get("delay", 0))
                try:
                    if "status" in item:
                        raw = item.get("body", '{"error": {"message": "scripted failure"}}')
                        return self._send(item["status"], raw.encode() if isinstance(raw, str) else raw,
                                          item.get("headers"))
                    usage = item.get("usage") or {"prompt_tokens": 1500, "completion_tokens": 20,
                                                  "total_tokens": 1520}
                    if body.get("stream"):
                        return self._stream(item["text"], usage, body)
                    self._send(200, json.dumps({
                        "id": "c1", "object": "chat.completion", "model": body["model"],
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": item["text"]}}],
                        "usage": usage}).encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass   # the client gave up (timeout test)

            def _send(self, status, data, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text, usage, body):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()   # no length: HTTP/1.0, the stream ends when the connection closes
                pieces = [text[i:i + 7] for i in range(0, len(text), 7)] or [""]
                for p in pieces:
                    chunk = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": p}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                if (body.get("stream_options") or {}).get("include_usage"):
                    self.wfile.write(f"data: {json.dumps({'choices': [], 'usage': usage})}\n\n".encode())
                self.wfile.write(b": keep-alive comment\n\ndata: [DONE]\n\n")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


SCREEN = {"screenshot": np.full((720, 1280, 3), 200, np.uint8), "instruction": "Star the repository.", "step": 1}


def qwen_agent(url: str, stream: bool = False, **kw: Any) -> ModelAgent:
    backend = OpenAIBackend(url, QWEN, stream=stream, backoff_s=0.01, extra_body={"skip_special_tokens": False}, **kw)
    agent = ModelAgent(backend, FAMILIES["qwen2-vl"], AgentSettings(history_steps=2, history_images=1))
    agent.reset("Star the repository.")
    return agent


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "sse"])
def test_reply_is_mapped_and_recorded_whole(stream):
    text = "The Star button is at the top right.\n```python\npyautogui.click(500, 250)\n```"
    with FakeOpenAI([{"text": text}]) as srv:
        t0 = time.monotonic()
        reply = qwen_agent(srv.url, stream=stream).act(SCREEN)
        elapsed = time.monotonic() - t0
    assert reply.code == "pyautogui.click(500, 250)"          # the model's own code, whole, for the box
    frame = Frame.from_dict(reply.frame)                       # which maps it: 0-1000 grid -> 1280x720 pixels
    assert [frame.map_action(a) for a in parse_actions(reply.code, exact=True)] == [Action("click", 640, 180)]
    assert reply.thought == text and reply.raw == text         # the whole reply, for the judge
    assert reply.usage["prompt_tokens"] == 1500 and reply.usage["completion_tokens"] == 20
    assert reply.usage["retries"] == 0 and 0 <= reply.usage["latency_s"] <= elapsed   # seconds, of this act
    assert ("ttft_s" in reply.usage) is stream
    body = srv.requests[0]["body"]
    assert body["model"] == QWEN and body["stream"] is stream and body["skip_special_tokens"] is False
    system, user = body["messages"][0], body["messages"][-1]
    assert "0-1000 grid" in system["content"] and "1280x720 screen" in system["content"]
    image = next(p for p in user["content"] if p["type"] == "image_url")["image_url"]["url"]
    assert image.startswith("data:image/png;base64,")
    png = Image.open(io.BytesIO(base64.b64decode(image.split(",", 1)[1])))
    assert png.size == (1288, 728)                             # Qwen's own resize, done before sending


def test_errors_then_success_are_retried_with_backoff():
    script = [{"status": 429, "headers": {"Retry-After": "0"}}, {"status": 500}, {"status": 503, "body": "<html>"},
              {"text": "DONE"}]
    with FakeOpenAI(script) as srv:
        reply = qwen_agent(srv.url).act(SCREEN)
    assert reply.code == "DONE" and reply.usage["retries"] == 3 and len(srv.requests) == 4


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "sse"])
def test_malformed_bodies_are_retried(stream):
    bad = [{"status": 200, "body": "{not json"}, {"status": 200, "body": '{"choices": []}'}]
    with FakeOpenAI(bad + [{"text": "WAIT"}]) as srv:
        reply = qwen_agent(srv.url, stream=stream).act(SCREEN)
    assert reply.code == "WAIT" and reply.usage["retries"] == 2


def test_a_slow_server_times_out_and_is_retried():
    # The first reply would come after a minute: getting the second one, after one retry, is the
    # evidence that the client gave up on time. The timeout is far above a reply's round trip, so
    # the fast second reply is never timed out too on a loaded machine.
    with FakeOpenAI([{"delay": 60, "text": "FAIL"}, {"text": "pyautogui.press('enter')"}]) as srv:
        reply = qwen_agent(srv.url, timeout=3).act(SCREEN)
    assert reply.code == "pyautogui.press('enter')" and reply.usage["retries"] == 1     # the model's code


def test_giving_up_and_client_errors_raise_with_the_servers_words():
    with FakeOpenAI([{"status": 500}]) as srv:
        with pytest.raises(ModelError, match=r"gave up after 3 tries: HTTP 500: scripted failure"):
            qwen_agent(srv.url, retries=2).act(SCREEN)
    with FakeOpenAI([{"status": 401, "body": '{"error": {"message": "invalid api key"}}'}]) as srv:
        with pytest.raises(ModelError, match="HTTP 401: invalid api key"):
            qwen_agent(srv.url).act(SCREEN)
        assert len(srv.requests) == 1                          # not retried


def test_an_unparseable_reply_is_passed_on_raw_so_the_step_records_an_error():
    text = "I think I should sign in first, but I am not sure where."
    with FakeOpenAI([{"text": text}]) as srv:
        reply = qwen_agent(srv.url).act(SCREEN)
    assert reply.code == text and reply.thought == text
    assert reply.usage["parse_errors"] == 1 and "no action found" in reply.usage["parse_error"]
    with pytest.raises(ActionParseError):                      # what the env will record for this step
        parse_actions(reply.code)


def test_a_server_that_refuses_an_optional_field_gets_the_request_without_it():
    refuse = {"status": 400, "body": '{"error": {"message": "Unrecognized request argument: skip_special_tokens"}}'}
    with FakeOpenAI([refuse, {"text": "DONE"}]) as srv:
        agent = qwen_agent(srv.url)
        assert agent.act(SCREEN).code == "DONE"
        agent.act(SCREEN)
    assert "skip_special_tokens" in srv.requests[0]["body"]
    assert all("skip_special_tokens" not in r["body"] for r in srv.requests[1:])


def test_history_keeps_replies_and_the_last_screenshots_only():
    with FakeOpenAI([{"text": "pyautogui.click(10, 10)"}]) as srv:
        agent = qwen_agent(srv.url)
        for step in range(1, 5):
            agent.act({**SCREEN, "step": step})
    last = srv.requests[-1]["body"]["messages"]
    roles = [m["role"] for m in last]
    assert roles == ["system", "user", "assistant", "user", "assistant", "user"]   # 2 past steps shown
    assert "(1 earlier step not shown.)" in last[1]["content"]
    images = [p for m in last if isinstance(m["content"], list) for p in m["content"] if p["type"] == "image_url"]
    assert len(images) == 2                                    # the last past step's and the current one
    assert last[2]["content"] == "pyautogui.click(10, 10)"


def test_factory_picks_the_servers_only_model_and_the_api_key_from_the_environment(monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-test")
    with FakeOpenAI([{"text": "DONE"}], models=("my-finetune",)) as srv:
        factory = model_agent_factory("openai", ModelOptions(base_url=srv.url, api_key_env="MY_KEY"))
        a, b = factory(), factory()                            # one per worker, one server
        a.reset("x")
        assert a.act(SCREEN).code == "DONE" and a is not b
        factory.close()
    req = srv.requests[0]
    assert req["body"]["model"] == "my-finetune" and req["headers"]["Authorization"] == "Bearer sk-test"
    assert "skip_special_tokens" not in req["body"]            # the generic family sends plain OpenAI
    assert "pixels of the 1280x720 screenshot" in req["body"]["messages"][0]["content"]


def test_factory_fails_at_once_when_the_server_is_not_there():
    with FakeOpenAI([{"text": "DONE"}]) as srv:
        url = srv.url
    t0 = time.monotonic()
    with pytest.raises(AgentLoadError, match=r"--agent qwen2-vl: cannot reach http://127\.0\.0\.1:\d+/v1 \(ConnectError"):
        model_agent_factory("qwen2-vl", ModelOptions(base_url=url))
    assert time.monotonic() - t0 < 5
