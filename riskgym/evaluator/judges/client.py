"""A small client for OpenAI-compatible chat endpoints, made for judging: retries, a content cache,
and a clear line between "the judge said something" and "the judge could not be asked".

Screenshots go as the exact PNG bytes on disk (base64), so an image is named by its file's
sha256 in the cache key and in the kept request, never by a re-encoding. Rate limits (429),
server errors (5xx) and timeouts are retried with exponential backoff (honouring Retry-After);
other client errors fail at once. After `unreachable_after` calls in a row that could not reach
the server, the rest fail fast: their steps stay pending for a later run instead of each one
waiting out its own retries.
"""
from __future__ import annotations

import base64
import hashlib
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from riskgym.core.records import write_json

RETRY_STATUS = {408, 409, 425, 429}


class CallFailed(Exception):
    """No answer: kind is 'unreachable' (network, timeouts, 5xx/429 after retries), 'http'
    (a client error the server will repeat) or 'skipped' (the server was unreachable earlier)."""

    def __init__(self, kind: str, message: str, attempts: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.kind, self.attempts = kind, attempts or []


def png_part(path: Path) -> tuple[dict[str, Any], str]:
    """An image content part from a PNG file, and the file's sha256."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    return {"type": "image_url", "image_url": {"url": url}}, digest


def redact_images(messages: list[dict[str, Any]], hashes: list[str]) -> list[dict[str, Any]]:
    """The messages with each inline image replaced by 'sha256:<hash>' (for keys and logs)."""
    it = iter(hashes)
    out = []
    for m in messages:
        if isinstance(m["content"], list):
            parts = [{"type": "image_url", "image_url": {"url": f"sha256:{next(it)}"}} if p["type"] == "image_url"
                     else p for p in m["content"]]
            out.append({**m, "content": parts})
        else:
            out.append(m)
    return out


def content_key(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class ResponseCache:
    """Answers that parsed, by content key, one small JSON file each (safe across processes)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(key).read_text())
        except (OSError, json.JSONDecodeError):
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        p = self._path(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        write_json(p, value)


class ChatClient:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout: float = 120.0,
                 retries: int = 4, backoff_s: float = 1.0, max_tokens: int = 1024,
                 unreachable_after: int = 2) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model, self.max_tokens = model, max_tokens
        self.retries, self.backoff_s, self.unreachable_after = retries, backoff_s, unreachable_after
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)))
        self._lock = threading.Lock()
        self._unreachable_in_a_row = 0
        self.down = False

    def close(self) -> None:
        self.http.close()

    def chat(self, messages: list[dict[str, Any]], temperature: float) -> tuple[str, dict[str, Any]]:
        """The reply's text and {attempts, latency_s, usage}; CallFailed when there is none."""
        if self.down:
            raise CallFailed("skipped", f"{self.url} was unreachable earlier in this run; left pending")
        body = {"model": self.model, "messages": messages, "max_tokens": self.max_tokens,
                "temperature": temperature}
        attempts: list[dict[str, Any]] = []
        t0 = time.monotonic()
        for attempt in range(self.retries + 1):
            a0 = time.monotonic()
            retry_after = None
            try:
                r = self.http.post(self.url, json=body)
                if r.status_code == 200:
                    data = r.json()
                    text = data["choices"][0]["message"]["content"]
                    if not isinstance(text, str):
                        raise TypeError("message.content is not text")
                    attempts.append({"status": 200, "s": round(time.monotonic() - a0, 3)})
                    with self._lock:
                        self._unreachable_in_a_row = 0
                    return text, {"attempts": attempts, "latency_s": round(time.monotonic() - t0, 3),
                                  "usage": data.get("usage") if isinstance(data.get("usage"), dict) else {}}
                detail = r.text[:300]
                attempts.append({"status": r.status_code, "error": detail, "s": round(time.monotonic() - a0, 3)})
                if r.status_code not in RETRY_STATUS and r.status_code < 500:
                    raise CallFailed("http", f"{self.url} (model {self.model!r}): HTTP {r.status_code}: {detail}",
                                     attempts)
                ra = r.headers.get("retry-after", "")
                retry_after = float(ra) if ra.replace(".", "", 1).isdigit() else None
            except CallFailed:
                raise
            except httpx.TimeoutException as exc:
                attempts.append({"error": f"timeout: {type(exc).__name__}", "s": round(time.monotonic() - a0, 3)})
            except httpx.TransportError as exc:
                attempts.append({"error": f"{type(exc).__name__}: {exc}", "s": round(time.monotonic() - a0, 3)})
            except (ValueError, KeyError, IndexError, TypeError) as exc:   # a 200 whose body is not a reply
                attempts.append({"status": 200, "error": f"malformed body: {exc}",
                                 "s": round(time.monotonic() - a0, 3)})
            if attempt < self.retries and not self.down:
                wait = self.backoff_s * 2 ** attempt * (0.5 + random.random() / 2)
                time.sleep(max(wait, min(retry_after, 60.0)) if retry_after is not None else wait)
        with self._lock:
            self._unreachable_in_a_row += 1
            if self._unreachable_in_a_row >= self.unreachable_after:
                self.down = True
        raise CallFailed("unreachable", f"{self.url}: no answer after {len(attempts)} tries: "
                                        f"{attempts[-1].get('error') if attempts else '?'}", attempts)
