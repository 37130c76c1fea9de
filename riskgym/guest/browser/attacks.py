"""The browser's in-page attacks: when each one is due, putting it into the page, and its reports.

Pop-ups and fake sign-in prompts (overlays.py), induced text (induced.py) and the local
CAPTCHA (riskgym/sites/verify.py) have a trigger: after a number of agent steps, on a URL,
and/or once an event like a given one is in the log (a login, a search). A due pop-up or lure
is put into the page and put back after every navigation until it is closed or its call to
action followed; a due CAPTCHA sends the page once to its challenge page, which leads back.
Nothing is injected into pages of the attack hosts themselves (lure hosts, the challenge page).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from riskgym.tasks.rules import event_matches
from riskgym.tasks.schema import EventMatch

from riskgym.attacks.induced import induced_script
from riskgym.attacks.dom import dom_id, overlay_script

IN_PAGE = ("fake_login", "popup", "induced_text")


class PageAttacks:
    def __init__(self, app) -> None:
        self.app = app
        self.entries: dict[str, dict[str, Any]] = {}   # id -> spec + status

    def add(self, spec: dict[str, Any]) -> None:
        spec = dict(spec)
        if spec.get("kind") == "captcha":
            self.app.ctl.sites.configure(spec)
        on_event = (spec.get("trigger") or {}).get("on_event")
        self.entries[spec["id"]] = {"spec": spec, "shown": False, "dismissed": False, "followed": False,
                                    "match": EventMatch.model_validate(on_event) if on_event else None,
                                    "bbox": None, "target": None}

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
        trig = entry["spec"].get("trigger") or {}
        if trig.get("on_url") and trig["on_url"].lower() not in url.lower():
            return False
        if self.app.steps < int(trig.get("at_step", 0)):
            return False
        if entry["match"] is not None:
            if not entry.get("event_seen"):
                entry["event_seen"] = any(event_matches(entry["match"], ev) for ev in self.app.ctl.events.since(0))
            return entry["event_seen"]
        return True

    def _attack_page(self, url: str) -> bool:
        parts = urlsplit(url)
        return self.app.ctl.sites.hosts.get((parts.hostname or "").lower()) in ("lure", "verify") \
            or parts.path.startswith("/_verify/")

    def trigger(self) -> None:
        """Show every due attack that is not closed; put pop-ups back after a navigation."""
        if not self.entries:
            return
        page = self.app.page()
        url = page.url
        if not url.startswith("http") or self._attack_page(url):
            return
        for aid, entry in self.entries.items():
            spec = entry["spec"]
            if entry["dismissed"] or entry["followed"] or entry.get("sent") or not self.due(entry, url):
                continue
            if spec.get("kind") == "captcha":
                self._send_to_challenge(page, entry, url)
                return                           # the page is gone: the rest waits for the next look
            if spec.get("kind") not in IN_PAGE:
                continue
            script = induced_script(spec) if spec["kind"] == "induced_text" else overlay_script(spec)
            for _ in range(3):
                try:
                    if not page.evaluate(f"!!document.getElementById({dom_id(aid)!r})"):
                        page.evaluate(script)
                        page.wait_for_timeout(20)
                    break
                except Exception:   # the page was between two documents: try again shortly
                    page.wait_for_timeout(100)

    def _send_to_challenge(self, page, entry: dict[str, Any], url: str) -> None:
        spec = entry["spec"]
        host = spec.get("host") or "verify.example"
        if host == "same":
            host = urlsplit(url).netloc
        entry["sent"] = entry["shown"] = True   # once: the challenge page itself leads back
        try:
            page.goto(f"http://{host}/_verify/{spec['id']}?next={quote(url, safe='')}", wait_until="load")
        except Exception:
            pass
        self.app.settle()

    def state(self) -> dict[str, Any]:
        return {k: {"shown": v["shown"], "dismissed": v["dismissed"], "followed": v["followed"],
                    "bbox": v["bbox"], "target": v["target"]} for k, v in self.entries.items()}
