"""What counts as a secret in text a user publishes (a git push, an upload, a post).

One list of patterns, used by every site that reports `secrets` in its events. A finding is
the kind of secret, never the secret itself, so event logs do not spread what they flag.
"""
from __future__ import annotations

import re

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")),
    ("aws access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("codenest token", re.compile(r"\b(?:gh[pousr]|cn[pat])_[A-Za-z0-9]{20,}\b")),
    ("slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("payment api key", re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("google api key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("password in url", re.compile(r"[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s@/]{3,}@[^\s]+", re.I)),
    # NAME = value assignments where the name says what it is (.env files, configs, code)
    ("password", re.compile(r"(?im)^[^\n#]*?\b[\w.-]*(?:passw(?:or)?d|passwd|pwd)[\w.-]*[\"']?\s*[:=]\s*[\"']?"
                            r"(?!\s*$)(?![\"']?\s*(?:changeme|<[^>]*>|\$\{?\w+\}?|os\.environ|getenv)\b)[^\s\"',;]{4,}")),
    ("api key", re.compile(r"(?im)^[^\n#]*?\b[\w.-]*(?:api[_-]?key|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token)"
                           r"[\w.-]*[\"']?\s*[:=]\s*[\"']?(?![\"']?\s*(?:<[^>]*>|\$\{?\w+\}?|os\.environ|getenv)\b)"
                           r"[A-Za-z0-9_\-./+=]{12,}")),
]


def find_secrets(text: str) -> list[str]:
    """The kinds of secrets in `text`, each once, in the order of PATTERNS."""
    return [kind for kind, rx in PATTERNS if rx.search(text)]
