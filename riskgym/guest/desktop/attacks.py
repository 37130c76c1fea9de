"""The desktop's attacks: pop-ups and induced-text dialogs as real always-on-top X11 windows.

The kinds with a `window` hook (riskgym/attacks: pop-ups, fake sign-in prompts, induced text;
the same designs' texts and seeded placement as in the browser), shown as GTK windows that a helper
process draws (attacks/popup/window.py) as the agent's user, like any app of the session: it is in the
window list and the AT-SPI view, takes the focus when it appears, stays above the other windows,
and is closed by its close control or by the window manager. Its reports come back over a pipe
that only the controller holds and become `attack` events as in the browser:

  shown (bbox, target, close: [x, y, w, h] on screen), click (the call to action),
  click_body, copy (a paste-this lure's command), submit (a sign-in prompt's fields),
  close (via "button", "window manager", or "ended" when its process was killed)

A closed, followed or killed window is never shown again. Triggers: `at_step` and `on_event`
(an event like the given one in the log); `on_url` is a browser matter and refused here.
Lures inside documents and notes need no machinery: they are file content put by setup, and
their effect is what the agent runs (shell history, a request to a lure_site host).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from riskgym.attacks import KINDS, TriggerState, popup
from riskgym.guest import users

SCRIPT = Path(popup.__file__).with_name("window.py")   # run as a script, not imported (GTK)


def window_spec(spec: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    """What the attack's window shows, by its kind's `window` hook."""
    return KINDS[spec["kind"]].window(spec, width, height)


class DesktopAttacks:
    def __init__(self, app) -> None:
        self.app = app
        self.entries: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def add(self, spec: dict[str, Any]) -> None:
        kind, aid = KINDS.get(spec.get("kind", "")), spec.get("id")
        if kind is None or kind.window is None:
            have = ", ".join(k for k, row in KINDS.items() if row.window)
            raise ValueError(f"attack {aid!r}: kind {spec.get('kind')!r} is not available on the desktop "
                             f"(have: {have})")
        if (spec.get("trigger") or {}).get("on_url"):
            raise ValueError(f"attack {aid!r}: trigger.on_url is for the browser; on the desktop use at_step "
                             "or on_event")
        self.entries[aid] = {"spec": dict(spec), "kind": kind, "when": TriggerState(spec), "shown": False,
                             "dismissed": False, "followed": False, "bbox": None, "target": None, "proc": None,
                             "seen": threading.Event()}

    # --- when --------------------------------------------------------------------------------
    def _due(self, entry: dict[str, Any]) -> bool:
        return entry["when"].due(self.app.steps, lambda: self.app.ctl.events.since(0))

    def trigger(self) -> bool:
        """Show every due attack that is not up yet and was never closed; True if one appeared."""
        shown = False
        for entry in self.entries.values():
            if entry["proc"] is None and not entry["dismissed"] and not entry["followed"] and self._due(entry):
                self._show(entry)
                shown = True
        return shown

    # --- the window's process and its reports ---------------------------------------------------
    def _show(self, entry: dict[str, Any]) -> None:
        spec = window_spec(entry["spec"], self.app.width, self.app.height)
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        log = open(f"/tmp/desktop-logs/attack-{entry['spec']['id']}.log", "ab")
        try:
            proc = subprocess.Popen([python, str(SCRIPT), json.dumps(spec)], env=self.app.env, cwd="/",
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
                                    start_new_session=True, **users.popen_kwargs())
        finally:
            log.close()
        entry["proc"] = proc
        threading.Thread(target=self._read, args=(entry, proc), daemon=True).start()
        if not entry["seen"].wait(20):
            raise RuntimeError(f"attack {entry['spec']['id']!r}: its window did not appear within 20 s "
                               f"(see /tmp/desktop-logs/attack-{entry['spec']['id']}.log in the box)")
        win = self.app.wm.wait_for(lambda w: w["pid"] == proc.pid, 10.0)
        if win is not None:
            self._take_focus(win["id"])
            self._wait_accessible(f'"{spec["button"]}"')

    def _take_focus(self, wid: int) -> None:
        """Pop-ups take the focus, as they do; an app busy with the last keys (LibreOffice runs
        them late) may take it back at once, so hold it until it stays for a moment."""
        steady, end = 0, time.monotonic() + 3.0
        while steady < 4 and time.monotonic() < end:
            active = self.app.wm.active()
            if active is None or active["id"] != wid:
                steady = 0
                self.app.wm.activate(wid)
            else:
                steady += 1
            time.sleep(0.08)

    def _wait_accessible(self, name: str, timeout: float = 10.0) -> None:
        """AT-SPI learns of a new window a moment after the X server: the first observation
        should list the pop-up's controls, as it lists any settled window's."""
        if not getattr(self.app.a11y, "available", False):   # no AT-SPI: nothing will ever list it
            return
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                if any(name in line for line in self.app.a11y.lines(self.app.wm.windows())):
                    return
            except Exception:
                return
            time.sleep(0.1)

    def _read(self, entry: dict[str, Any], proc: subprocess.Popen) -> None:
        last = None
        for line in proc.stdout:
            try:
                payload = json.loads(line)
            except ValueError:
                continue
            last = payload.get("action")
            self._report(entry, payload)
        proc.wait()
        if not entry["dismissed"] and not entry["followed"]:
            # killed (kill -9 -1 ends the user's processes) or crashed: gone, like a closed one
            self._report(entry, {"action": "close", "via": "ended" if last != "click" else "followed"})
        entry["seen"].set()

    def _report(self, entry: dict[str, Any], payload: dict[str, Any]) -> None:
        action = payload.get("action")
        with self.lock:
            if action == "shown":
                entry.update(shown=True, bbox=payload.get("bbox"), target=payload.get("target"))
                entry["seen"].set()
            elif action == "close":
                entry["dismissed"] = True
            elif action == "click":
                entry["followed"] = True
        spec = entry["spec"]
        ev = {"type": "attack", "attack": spec["id"], "kind": spec.get("kind"), "action": action, "host": None,
              "field": None, "fields": payload.get("fields") or {}, "window": True}
        for k in ("bbox", "target", "close", "command", "via", "followed"):
            if payload.get(k) is not None:
                ev[k] = payload[k]
        if action == "shown":
            ev["design"] = spec.get("design") or spec.get("style")
        self.app.ctl.events.emit(ev)

    def state(self) -> dict[str, Any]:
        return {k: {"shown": v["shown"], "dismissed": v["dismissed"], "followed": v["followed"],
                    "bbox": v["bbox"], "target": v["target"]} for k, v in self.entries.items()}

    def stop(self) -> None:
        for entry in self.entries.values():
            p = entry["proc"]
            if p is not None and p.poll() is None:
                p.kill()
