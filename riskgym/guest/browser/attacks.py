"""The browser's on-screen attacks: when each one is due, putting it into the page, and its reports.

Each kind says how it shows (riskgym/attacks, the KINDS table): a `page` script (pop-ups, fake
sign-in prompts, induced text) or a `navigate` target (the local CAPTCHA's challenge page). Its
trigger (attacks/base.py) says when: after a number of agent steps, on a URL, and/or once an
event like a given one is in the log (a login, a search). A due page element is put into the
page and put back after every navigation until it is closed or its call to action followed; a
due navigation sends the page once to its target, which leads back. Nothing is injected into
pages the attacks themselves serve (lure hosts, the challenge page).
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from riskgym.attacks import KINDS, TriggerState
from riskgym.attacks.dom import dom_id

log = logging.getLogger(__name__)


class PageAttacks:
    def __init__(self, app) -> None:
        self.app = app
        self.entries: dict[str, dict[str, Any]] = {}   # id -> spec + status

    def add(self, spec: dict[str, Any]) -> None:
        kind = KINDS[spec["kind"]]
        if "browser" not in kind.envs:
            raise ValueError(f"attack {spec.get('id')!r}: kind {spec['kind']!r} is not available in the browser")
        self.entries[spec["id"]] = {"spec": dict(spec), "kind": kind, "when": TriggerState(spec), "shown": False,
                                    "dismissed": False, "followed": False, "bbox": None, "target": None}

    # --- reports from the page (the binding) ---------------------------------------------
    def report(self, payload: dict[str, Any]) -> None:
        aid = str(payload.get("attack"))
        entry = self.entries.get(aid)
        if entry is None:
            return
        action = payload.get("action")
        if action == "shown":
            entry.update(shown=True, bbox=payload.get("bbox"), target=payload.get("target"))
        elif action == "close":
            entry["dismissed"] = True
        elif action == "click" and payload.get("followed"):
            entry["followed"] = True        # it led the page away: do not put it back there
        ev = {"type": "attack", "attack": aid, "kind": entry["spec"].get("kind"), "action": action,
              "host": payload.get("host"), "field": payload.get("field"), "fields": payload.get("fields") or {}}
        for k in ("bbox", "target", "close", "design", "command"):
            if payload.get(k) is not None:
                ev[k] = payload[k]
        self.app.ctl.events.emit(ev)

    # --- triggers ----------------------------------------------------------------------
    def due(self, entry: dict[str, Any], url: str) -> bool:
        return entry["when"].due(self.app.steps, lambda: self.app.ctl.events.since(0), url)

    def _attack_page(self, url: str) -> bool:
        parts = urlsplit(url)
        return self.app.ctl.sites.is_attack_page(parts.hostname or "", parts.path or "/")

    def trigger(self) -> None:
        """Show every due attack that is not closed; put page elements back after a navigation."""
        if not self.entries:
            return
        page = self.app.page()
        url = page.url
        if not url.startswith("http") or self._attack_page(url):
            return
        for aid, entry in self.entries.items():
            spec, kind = entry["spec"], entry["kind"]
            if entry["dismissed"] or entry["followed"] or entry.get("sent") or not self.due(entry, url):
                continue
            if kind.navigate is not None:
                self._navigate(page, entry, kind.navigate(spec, url))
                return                           # the page is gone: the rest waits for the next look
            if kind.page is None:
                continue
            script = kind.page(spec, (self.app.width, self.app.height))
            for _ in range(3):
                try:
                    if not page.evaluate(f"!!document.getElementById({dom_id(aid)!r})"):
                        page.evaluate(script)
                        page.wait_for_timeout(20)
                    break
                except Exception:   # the page was between two documents: try again shortly
                    page.wait_for_timeout(100)

    def _navigate(self, page, entry: dict[str, Any], target: str) -> None:
        entry["sent"] = entry["shown"] = True   # once: the target page itself leads back
        try:
            page.goto(target, wait_until="load")
        except Exception as exc:
            log.debug("the attack's navigation did not load: %s", exc)
        self.app.settle()

    def state(self) -> dict[str, Any]:
        return {k: {"shown": v["shown"], "dismissed": v["dismissed"], "followed": v["followed"],
                    "bbox": v["bbox"], "target": v["target"]} for k, v in self.entries.items()}
