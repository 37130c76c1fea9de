"""The browser app inside the box: Xvfb, a real headful Chromium, and real X input.

The agent sees the whole screen, Chromium's own tab strip and address bar included, so a
look-alike host is as visible (or not) as on a real desktop; its actions arrive as X input
events (XTEST), exactly like a user's. Playwright is connected to the same Chromium only to
read what the agent cannot fake: the URL, the accessibility view, and the attack overlays'
reports.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from riskgym.attacks.dom import BINDING
from riskgym.guest import users
from riskgym.guest.browser.attacks import PageAttacks
from riskgym.guest.chromium import CHROMIUM, CHROMIUM_ARGS, PROFILE_PREFS
from riskgym.guest.screen import start_xvfb
from riskgym.guest.state import Context, collect

log = logging.getLogger(__name__)

A11Y_JS = (Path(__file__).with_name("a11y.js")).read_text()
class BrowserApp:
    def __init__(self, ctl, width: int, height: int) -> None:
        from playwright.sync_api import sync_playwright

        from riskgym.guest.xinput import XInput

        self.ctl, self.width, self.height = ctl, width, height
        self.xvfb = start_xvfb(0, width, height)
        os.environ["DISPLAY"] = ":0"
        profile = Path("/tmp/chromium-profile")
        (profile / "Default").mkdir(parents=True, exist_ok=True)
        (profile / "Default" / "Preferences").write_text(json.dumps(PROFILE_PREFS))
        self.pw = sync_playwright().start()
        self.context = self.pw.chromium.launch_persistent_context(
            str(profile), headless=False, executable_path=CHROMIUM, no_viewport=True,
            args=CHROMIUM_ARGS + [f"--window-size={width},{height}", "--window-position=0,0"],
            ignore_default_args=["--enable-automation"], env={**os.environ, "DISPLAY": ":0"})
        self.inflight = 0
        self.last_net = time.monotonic()
        self.context.on("request", self._net_start)
        self.context.on("requestfinished", self._net_end)
        self.context.on("requestfailed", self._net_end)
        self.context.expose_binding(BINDING, lambda _source, payload: self.attacks.report(payload))
        self.attacks = PageAttacks(self)
        self.steps = 0
        self.xin = XInput(":0", width, height)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        page.goto("about:blank")

    def describe(self) -> dict[str, Any]:
        return {"browser": self.context.browser.version if self.context.browser else "chromium"}

    # --- network settling: act() returns once the page has stopped loading ------------------
    def _net_start(self, _req) -> None:
        self.inflight += 1
        self.last_net = time.monotonic()

    def _net_end(self, _req) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.last_net = time.monotonic()

    def settle(self, quiet: float = 0.06, limit: float = 4.0) -> None:
        """Return once the page is quiet: no request in flight for `quiet` s since the input
        ended or the last request, and the document loaded; a click's navigation can take a
        while to start on a busy machine, so the quiet window counts from the input too."""
        t0 = time.monotonic()
        page = self.page()
        page.wait_for_timeout(25)          # let the input's effects (navigation, handlers) begin
        while time.monotonic() - t0 < limit:
            if self.inflight == 0 and time.monotonic() - max(self.last_net, t0) >= quiet:
                try:
                    if self.page().evaluate("document.readyState") == "complete":
                        break
                except Exception:
                    pass                   # between two documents: keep waiting
            page.wait_for_timeout(15)
        try:  # two animation frames: what was loaded is also painted before the screen is read
            self.page().evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        except Exception as exc:
            log.debug("no animation frame (between two documents): %s", exc)

    # --- pages --------------------------------------------------------------------------------
    def page(self):
        pages = [p for p in self.context.pages if not p.is_closed()]
        if not pages:
            return self.context.new_page()
        if len(pages) > 1:  # the foreground tab is the visible one
            for p in reversed(pages):
                try:
                    if p.evaluate("document.visibilityState") == "visible":
                        return p
                except Exception:
                    continue
        return pages[-1]

    # --- setup steps (the local internet's are the controller's) ------------------------------
    def setup(self, step: dict[str, Any]) -> Any:
        do = self.SETUP.get(step["kind"])
        if do is None:
            raise ValueError(f"setup step {step['kind']!r} is not available in the browser "
                             f"(have: {', '.join(self.SETUP)})")
        do(self, step)
        return {"kind": step["kind"], "ok": True}

    def _open_url(self, step: dict[str, Any]) -> None:
        page = self.page()
        page.goto(step["url"], wait_until="load")
        page.bring_to_front()   # keyboard focus in the page, not in the address bar
        self.settle()

    def _login(self, step: dict[str, Any]) -> None:
        cookies = self.ctl.sites.login(step["site"])
        host = self.ctl.sites.real_host(step["site"])
        self.context.add_cookies([{"name": k, "value": v, "domain": host, "path": "/"} for k, v in cookies.items()])

    SETUP = {"open_url": _open_url, "login": _login}

    def attack(self, spec: dict[str, Any]) -> None:
        self.attacks.add(spec)
        self.attacks.trigger()

    def after_setup(self) -> None:
        pass

    # --- acting and observing -------------------------------------------------------------------
    def act(self, actions: list[dict[str, Any]]) -> dict[str, Any]:
        from riskgym.guest.xinput import perform_all

        self.steps += 1
        # the pause pumps Playwright's events, so overlay reports are not held back
        error = perform_all(self.xin, actions, lambda s: self.page().wait_for_timeout(s * 1000))
        self.settle()
        self.attacks.trigger()
        return {"error": error, "step": self.steps}

    def run_code(self, code: str, frame: dict[str, Any] | None, limits) -> dict[str, Any]:
        """One step of agent code run for real (guest/agent_code): the browser's act() for code."""
        from riskgym.guest.agent_code.step import run_code

        self.steps += 1
        rec = run_code(code, xin=self.xin, width=self.width, height=self.height, env=users.session_env(DISPLAY=":0"),
                       cwd=os.environ.get("HOME", "/"), pause=lambda s: self.page().wait_for_timeout(s * 1000),
                       frame=frame, limits=limits)
        self.settle()
        self.attacks.trigger()
        return {**rec, "step": self.steps}

    def _grab(self) -> bytes:
        import mss

        with mss.MSS() if hasattr(mss, "MSS") else mss.mss() as grabber:
            return grabber.grab({"left": 0, "top": 0, "width": self.width, "height": self.height}).rgb

    def observe(self, a11y: bool = True, stable: bool = False) -> tuple[dict[str, Any], bytes]:
        rgb = self._grab()
        if stable:  # wait out the browser's own animations (security chip, tab loading) so every
            t0 = time.monotonic()   # agent starts from the same first screen: 3 equal frames in a row
            same = 0
            while same < 2 and time.monotonic() - t0 < 3.0:
                self.page().wait_for_timeout(100)
                again = self._grab()
                same = same + 1 if again == rgb else 0
                rgb = again
        page = self.page()
        meta: dict[str, Any] = {"width": self.width, "height": self.height, "url": page.url}
        try:
            meta["title"] = page.title()
        except Exception:
            meta["title"] = ""
        if a11y:
            meta["a11y_tree"] = self.a11y_tree(page)
        return meta, rgb

    def a11y_tree(self, page) -> str:
        lines = [f'browser-tab "{t}"' for t in self._tab_titles()]
        try:
            geo = page.evaluate("[screenX, screenY, outerHeight - innerHeight, outerWidth - innerWidth]")
            ox, oy = geo[0] + geo[3], geo[1] + geo[2]
            lines.append(f'textbox "Address and search bar" value="{page.url}" @({self.width // 2},{oy - 25} '
                         f'{self.width - 240}x34)')
            lines += page.evaluate(A11Y_JS, [ox, oy, 400])
        except Exception as exc:
            lines.append(f"(page not readable: {type(exc).__name__})")
        return "\n".join(lines)

    def _tab_titles(self) -> list[str]:
        out = []
        for p in self.context.pages:
            try:
                out.append((p.title() or p.url).replace('"', "'")[:60])
            except Exception:
                continue
        return out

    def state(self) -> dict[str, Any]:
        return collect("browser", Context(app=self))

    def stop(self) -> None:
        for fn in (self.xin.close, self.context.close, self.pw.stop, self.xvfb.kill):
            try:
                fn()
            except Exception as exc:
                log.debug("stopping a browser part failed: %s", exc)
