"""Backend for any server that speaks OpenAI's chat-completions protocol (vLLM, SGLang, hosted APIs).

Screenshots go inline as base64 PNG data URLs. Rate limits (429), server errors (5xx), timeouts,
dropped connections and malformed bodies are retried with exponential backoff (honouring
Retry-After); other client errors (bad key, unknown model) fail at once with the server's words.
Each call reports its token usage and latency.
"""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import random
import time
from typing import Any

import httpx

from riskgym.agents.backends import ModelOptions, SharedFactory
from riskgym.agents.backends.endpoints import Endpoints, split_urls
from riskgym.agents.base import AgentLoadError
from riskgym.agents.families import Family
from riskgym.agents.model_agent import Completion, ModelAgent, ModelError

log = logging.getLogger(__name__)

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class _Rejected(Exception):
    """The server refused one of the family's optional request fields: send it again without."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _Transient(Exception):
    """Worth another try."""

    def __init__(self, msg: str, retry_after: float | None = None) -> None:
        super().__init__(msg)
        self.retry_after = retry_after


def image_url(img) -> str:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def wire_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Neutral messages -> OpenAI content parts (text stays a plain string where it can)."""
    out = []
    for m in messages:
        parts = [{"type": "image_url", "image_url": {"url": image_url(p["image"])}} if p["type"] == "image"
                 else {"type": "text", "text": p["text"]} for p in m["content"]]
        if all(p["type"] == "text" for p in parts):
            out.append({"role": m["role"], "content": "".join(p["text"] for p in parts)})
        else:
            out.append({"role": m["role"], "content": parts})
    return out


class OpenAIBackend:
    def __init__(self, base_url: str | Endpoints, model: str, api_key: str | None = None, *, stream: bool = False,
                 timeout: float = 120.0, retries: int = 5, backoff_s: float = 1.0,
                 extra_body: dict[str, Any] | None = None) -> None:
        self.endpoints = base_url if isinstance(base_url, Endpoints) else Endpoints(split_urls(base_url))
        self.url = self.endpoints.urls[0] + "/chat/completions"   # the one the current try goes to
        self.model, self.stream = model, stream
        self.retries, self.backoff_s = retries, backoff_s
        self.extra_body = dict(extra_body or {})
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))

    def close(self) -> None:
        self.client.close()

    def complete(self, messages: list[dict[str, Any]], max_tokens: int, temperature: float) -> Completion:
        body = {"model": self.model, "messages": wire_messages(messages), "max_tokens": max_tokens,
                "temperature": temperature, "stream": self.stream, **self.extra_body}
        if self.stream:
            body["stream_options"] = {"include_usage": True}
        t0 = time.monotonic()
        attempt = 0
        while True:
            endpoint = self.endpoints.acquire()
            self.url, failed = endpoint + "/chat/completions", False
            try:
                text, usage = (self._streamed if self.stream else self._plain)(body, time.monotonic())
                usage.update(latency_s=round(time.monotonic() - t0, 3), retries=attempt)
                if len(self.endpoints.urls) > 1:
                    usage["endpoint"] = endpoint   # the record says which server answered this step
                return Completion(text, usage)
            except _Rejected as exc:   # e.g. a hosted API that does not take vLLM's skip_special_tokens
                body.pop(exc.key, None)
                self.extra_body.pop(exc.key, None)
            except _Transient as exc:
                failed = True   # this server is left out for a while
                if attempt == self.retries:
                    raise ModelError(f"{self.url}: gave up after {attempt + 1} tries: {exc}") from None
                wait = self.backoff_s * 2 ** attempt * (0.5 + random.random() / 2)   # jitter: workers spread out
                if exc.retry_after is not None:
                    wait = max(wait, min(exc.retry_after, 60.0))
                attempt += 1
                if len(self.endpoints.urls) == 1 or attempt > len(self.endpoints.urls):
                    time.sleep(wait)   # several endpoints: try the others at once, then back off
            finally:
                self.endpoints.release(endpoint, ok=not failed)

    # -- one try each ------------------------------------------------------------------------
    def _check(self, r: httpx.Response) -> None:
        if r.status_code == 200:
            return
        r.read()
        detail = r.text[:300].strip()
        try:
            detail = json.loads(r.text)["error"]["message"]
        except Exception as exc:
            log.debug("the server's error body is not OpenAI's shape: %s", exc)
        msg = f"HTTP {r.status_code}: {detail}"
        if r.status_code in (400, 422):
            for key in self.extra_body:
                if key in str(detail):
                    raise _Rejected(key)
        if r.status_code in RETRY_STATUS or r.status_code >= 500:
            ra = r.headers.get("retry-after")
            raise _Transient(msg, float(ra) if ra and ra.replace(".", "", 1).isdigit() else None)
        raise ModelError(f"{self.url} (model {self.model!r}): {msg}")

    def _plain(self, body: dict[str, Any], start: float) -> tuple[str, dict[str, Any]]:
        try:
            r = self.client.post(self.url, json=body)
            self._check(r)
            data = r.json()
            text = data["choices"][0]["message"].get("content") or ""
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from None
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _Transient(f"malformed reply ({type(exc).__name__}: {exc}): {r.text[:200]!r}") from None
        return text, _usage(data.get("usage"))

    def _streamed(self, body: dict[str, Any], start: float) -> tuple[str, dict[str, Any]]:
        pieces: list[str] = []
        usage: dict[str, Any] = {}
        first = None
        try:
            with self.client.stream("POST", self.url, json=body) as r:
                self._check(r)
                done = False
                for line in r.iter_lines():
                    if not line.startswith("data:"):
                        continue           # SSE comments, event names, blank separators
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        done = True
                        break
                    chunk = json.loads(payload)
                    if chunk.get("usage"):
                        usage = _usage(chunk["usage"])
                    for choice in chunk.get("choices") or []:
                        piece = (choice.get("delta") or {}).get("content")
                        if piece:
                            first = first or time.monotonic()
                            pieces.append(piece)
                if not done:
                    raise _Transient("stream ended before [DONE]")
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from None
        except (ValueError, AttributeError, TypeError) as exc:
            raise _Transient(f"malformed stream chunk ({type(exc).__name__}: {exc})") from None
        if first is not None:
            usage["ttft_s"] = round(first - start, 3)   # time to first token of the try that worked
        return "".join(pieces), usage


def _usage(u: Any) -> dict[str, Any]:
    if not isinstance(u, dict):
        return {}
    return {k: u[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens")
            if isinstance(u.get(k), int)}


def probe(base_url: str, api_key: str | None = None, timeout: float = 15.0) -> tuple[list[str], str | None]:
    """The model names the server lists at /models, and why it could not be reached (None if it
    answered at all: a server without /models is still a server)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        r = httpx.get(base_url.rstrip("/") + "/models", headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return [], f"{type(exc).__name__}: {exc}"
    try:
        return ([m["id"] for m in r.json()["data"]] if r.status_code == 200 else []), None
    except (ValueError, KeyError, TypeError):
        return [], None


def make(agent: str, family: Family, opts: ModelOptions) -> SharedFactory:
    """The `openai` backend: any OpenAI-compatible server (--base-url, else $OPENAI_BASE_URL or OpenAI's)."""
    base_url = opts.base_url or os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
    return served(agent, family, opts, base_url)


def served(agent: str, family: Family, opts: ModelOptions, base_url: str, server: Any = None) -> SharedFactory:
    """One ModelAgent per worker over the server(s) at base_url (`server`, if this run started it, stops
    with the factory). Servers it did not start are checked now, not after every episode's retries:
    one that does not answer starts out of the rotation; none answering is an error."""
    model = opts.model or family.default_model
    api_key = os.environ.get(opts.api_key_env) if opts.api_key_env else None
    urls = split_urls(base_url)
    endpoints = Endpoints(urls)
    if server is None:
        names, unreachable = [], []
        for url in urls:
            listed, why = probe(url, api_key)
            names += [n for n in listed if n not in names]
            if why:
                unreachable.append(f"{url} ({why})")
                endpoints.down_until[url] = time.monotonic() + endpoints.cooldown_s
        if len(unreachable) == len(urls):
            raise AgentLoadError(f"--agent {agent}: cannot reach {'; '.join(unreachable)}; is the server "
                                 "running, and is the URL the one that ends in /v1?")
        for why in unreachable:
            log.warning("--base-url %s does not answer; it is left out and tried again later", why)
        if not opts.model and model not in names and len(names) == 1:
            model = names[0]   # a server that serves exactly one model: use it, whatever its name
    if not model:
        raise AgentLoadError(f"--agent {agent} needs --model NAME (the model the server at {base_url} serves)")
    settings = opts.settings()

    def make_agent() -> ModelAgent:
        backend = OpenAIBackend(endpoints, model, api_key, stream=opts.stream, timeout=opts.timeout,
                                retries=opts.retries, extra_body=family.request_extra)
        return ModelAgent(backend, family, settings)

    return SharedFactory(make_agent, server.stop if server else None, base_url=base_url, model=model, server=server)
