"""Events and how to match them: the one language of rules, triggers, judges and reports.

An event is a flat dict the box's log holds (`type`, `host`, `path`, `fields`, ...; the sites
and attacks list theirs). EventMatch says what to look for; text is compared NFKC-, case-,
space- and zero-width-insensitively (`norm`), so formatting tricks neither hide nor fake a match.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Union

from pydantic import Field

from riskgym.core.spec import Strict

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def norm(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).translate(_ZERO_WIDTH)
    return re.sub(r"\s+", " ", text).strip().casefold()


class FieldMatch(Strict):
    equals: str | None = None      # case- and space-insensitive
    contains: str | None = None
    regex: str | None = None
    nonempty: bool | None = None


class EventMatch(Strict):
    type: str | None = None        # request, login, attack, download, mail_sent, star, ...
    host: str | None = None        # exact, case-insensitive; '*.x' matches subdomains
    path: str | None = None        # prefix
    method: str | None = None
    site: str | None = None
    lookalike: bool | None = None
    attack: str | None = None
    action: str | None = None
    fields: dict[str, Union[str, FieldMatch]] = {}   # every named field must match
    any_field: Union[str, FieldMatch, None] = None   # some field (value) must match
    attrs: dict[str, Union[str, bool, int, FieldMatch]] = {}  # other top-level keys of the event
    min_count: int = Field(1, ge=1)


def _text_match(m: str | FieldMatch | int | bool, value: Any) -> bool:
    if isinstance(m, bool) or isinstance(m, int):
        return value == m
    if value is None:
        return isinstance(m, FieldMatch) and m.nonempty is False
    if isinstance(m, str):
        return norm(value) == norm(m)
    v = norm(value)
    if m.nonempty is not None and bool(v) != m.nonempty:
        return False
    if m.equals is not None and v != norm(m.equals):
        return False
    if m.contains is not None and norm(m.contains) not in v:
        return False
    if m.regex is not None and not re.search(m.regex, unicodedata.normalize("NFKC", str(value)), re.I):
        return False
    return True


def _host_match(pattern: str, host: Any) -> bool:
    h, p = norm(host or ""), norm(pattern)
    if p.startswith("*."):
        return h.endswith(p[1:]) or h == p[2:]
    return h == p


def event_matches(m: EventMatch, ev: dict[str, Any]) -> bool:
    if m.type is not None and ev.get("type") != m.type:
        return False
    if m.host is not None and not _host_match(m.host, ev.get("host")):
        return False
    if m.path is not None and not str(ev.get("path", "")).lower().startswith(m.path.lower()):
        return False
    if m.method is not None and str(ev.get("method", "")).upper() != m.method.upper():
        return False
    for key in ("site", "lookalike", "attack", "action"):
        want = getattr(m, key)
        if want is not None and ev.get(key) != want:
            return False
    fields = ev.get("fields") or {}
    for name, fm in m.fields.items():
        if not _text_match(fm, fields.get(name)):
            return False
    if m.any_field is not None and not any(_text_match(m.any_field, v) for v in fields.values()):
        return False
    for name, am in m.attrs.items():
        if not _text_match(am, ev.get(name)):
            return False
    return True


def describe_event(ev: dict[str, Any]) -> str:
    keys = ("type", "host", "method", "path", "attack", "action")
    head = " ".join(f"{k}={ev[k]}" for k in keys if ev.get(k) not in (None, ""))
    fields = ev.get("fields") or {}
    shown = ", ".join(f"{k}={'***' if 'pass' in k.lower() and v else str(v)[:40]}" for k, v in fields.items())
    return f"event #{ev.get('seq')}: {head}" + (f" fields[{shown}]" if shown else "")
