"""The desktop app inside the box: Xvfb, openbox, a terminal with a real bash, a text editor,
a file manager, LibreOffice, and (optionally) Chromium, all from Debian, on one X screen.

The agent sees the whole screen and acts with X input events (XTEST), as in the browser app;
its code is parsed on the host and never executed. The a11y view comes from AT-SPI (see
atspi.py), window facts from the window manager (wm.py), and evaluation reads effects in
the box (the getters in state.py). The home is built at start (home.py).
"""
from __future__ import annotations

import base64
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from riskgym.guest import users
from riskgym.guest.desktop import state as desktop_state
from riskgym.guest.desktop.docs import make_ods, make_odt
from riskgym.guest.desktop.idle import wait_idle
from riskgym.guest.state import collect

log = logging.getLogger(__name__)

HOME = Path(os.environ.get("HOME", "/home/user"))
LOGS = Path("/tmp/desktop-logs")
BACKGROUND = (46, 52, 64)
SOFFICE = ["soffice", "--nologo", "--norestore", "--nolockcheck"]
# app name -> argv and the WM_CLASS its windows have (lower case)
APPS: dict[str, tuple[list[str], str]] = {
    "terminal": (["xfce4-terminal", "--disable-server"], "xfce4-terminal"),
    "editor": (["mousepad"], "mousepad"),
    "files": (["thunar"], "thunar"),
    "writer": (SOFFICE + ["--writer"], "libreoffice"),
    "calc": (SOFFICE + ["--calc"], "libreoffice"),
    "impress": (SOFFICE + ["--impress"], "libreoffice"),
    "gimp": (["gimp", "--no-splash"], "gimp"),
}
# GTK 2 apps reach AT-SPI only through these modules (GTK 3 has the bridge built in)
APP_ENV = {"gimp": {"GTK_MODULES": "gail:atk-bridge"}}
BY_SUFFIX = {".odt": "writer", ".docx": "writer", ".doc": "writer", ".rtf": "writer", ".ods": "calc",
             ".xlsx": "calc", ".xls": "calc", ".odp": "impress", ".pptx": "impress", ".html": "chromium",
             ".pdf": "chromium", ".png": "gimp", ".jpg": "gimp", ".jpeg": "gimp"}
# environment the box's controller has but a user's apps would not


def _url(lines: list[str]) -> str:
    """The active Chromium window's address, as its address bar shows it (read over AT-SPI)."""
    for line in lines:
        if '"Address and search bar" value="' in line:
            return line.split('value="', 1)[1].split('"', 1)[0]
    return ""


def _wait(pred, timeout: float, step: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            return False
        time.sleep(step)
    return True


class DesktopApp:
    def __init__(self, ctl, width: int, height: int) -> None:
        from riskgym.guest.desktop.atspi import AtspiView
        from riskgym.guest.desktop.home import build_home
        from riskgym.guest.desktop.wm import WindowManager
        from riskgym.guest.screen import start_xvfb
        from riskgym.guest.xinput import XInput

        self.ctl, self.width, self.height = ctl, width, height
        self.procs: dict[str, subprocess.Popen] = {}
        self.watch: dict[str, str] = {}
        self.originals: dict[str, Any] = {}   # the watched files as setup left them
        self.steps = 0
        LOGS.mkdir(parents=True, exist_ok=True)
        build_home(str(HOME), ctl.boot.get("persona") or {})
        users.give(HOME, recursive=True)
        self.history_mark = len(desktop_state.shell_history(HOME))
        runtime = Path(os.environ.get("XDG_RUNTIME_DIR", "/tmp/runtime-user"))
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        users.give(runtime)
        self.xvfb = start_xvfb(0, width, height)
        bus = runtime / "bus"
        self.env = users.session_env()
        self.env.update({
            "DISPLAY": ":0", "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}", "XDG_SESSION_TYPE": "x11",
            "GSETTINGS_BACKEND": "memory", "SAL_USE_VCLPLUGIN": "gtk3", "SHELL": "/bin/bash",
            "PATH": "/usr/local/bin:/usr/bin:/bin", "GTK_OVERLAY_SCROLLING": "0",
            "XDG_RUNTIME_DIR": str(runtime), "XDG_CURRENT_DESKTOP": "riskgym", "ACCESSIBILITY_ENABLED": "1",
        })
        os.environ.update({k: self.env[k] for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")})
        # the user's session bus; the controller (another uid, users.py) reads AT-SPI through it too
        bus_conf = LOGS / "session-bus.conf"
        bus_conf.write_text('<busconfig><include>/usr/share/dbus-1/session.conf</include>'
                            '<policy context="default"><allow user="root"/></policy></busconfig>\n')
        self._spawn("dbus", ["dbus-daemon", f"--config-file={bus_conf}", f"--address=unix:path={bus}", "--nofork",
                             "--nopidfile"])
        if not _wait(bus.exists, 30):   # deadlines at start are for failures: a starved box is slow
            raise RuntimeError("the session bus did not start")
        if os.path.exists("/usr/libexec/at-spi-bus-launcher"):   # the accessibility bus, ahead of the first app
            self._spawn("at-spi", ["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
        self._spawn("openbox", ["openbox", "--sm-disable", "--config-file", str(HOME / ".config/openbox/rc.xml")])
        self.wm = WindowManager(":0")
        if not self.wm.wait_managing(30):
            raise RuntimeError("the window manager did not start")
        self.wm.set_background(BACKGROUND)
        self.xin = XInput(":0", width, height)
        if users.split():   # apps talk AT-SPI only to their own uid: ask a helper of that uid
            from riskgym.guest.desktop.atspi_proxy import AtspiProxy
            self.a11y = AtspiProxy(width, height, self.env, str(LOGS / "atspi.log"))
        else:
            self.a11y = AtspiView(width, height)
        self._grabber = None
        from riskgym.guest.desktop.attacks import DesktopAttacks
        self.attacks = DesktopAttacks(self)
        self.launch("terminal")

    def describe(self) -> dict[str, Any]:
        return {"desktop": "openbox", "a11y": "atspi" if self.a11y.available else "windows"}

    # --- processes and windows ----------------------------------------------------------------
    def _spawn(self, name: str, argv: list[str], cwd: Path = HOME) -> subprocess.Popen:
        log = open(LOGS / f"{name}.log", "ab")
        try:
            p = subprocess.Popen(argv, cwd=cwd, env={**self.env, **APP_ENV.get(name, {})}, stdin=subprocess.DEVNULL,
                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                 **users.popen_kwargs())
        finally:
            log.close()
        self.procs[f"{name}-{p.pid}"] = p
        return p

    def launch(self, app: str, args: list[str] | None = None, title: str | None = None,
               timeout: float = 30.0) -> dict[str, Any]:
        """Start an app and wait for its new window (one whose title holds `title`, if given)."""
        if app == "chromium":
            from riskgym.guest.chromium import CHROMIUM, CHROMIUM_ARGS
            # Chromium joins AT-SPI only when asked to (ACCESSIBILITY_ENABLED, set for every app)
            argv = [CHROMIUM, *CHROMIUM_ARGS, "--user-data-dir=/tmp/chromium-desktop", "--start-maximized",
                    "--force-renderer-accessibility"]
            wm_class = "chromium"
        elif app in APPS:
            argv, wm_class = list(APPS[app][0]), APPS[app][1]
        else:
            raise ValueError(f"unknown app {app!r} (known: {', '.join(sorted([*APPS, 'chromium']))})")
        if not shutil.which(argv[0]):
            raise ValueError(f"app {app!r} is not installed in this box ({argv[0]} not found)")
        before = {w["id"] for w in self.wm.windows()}
        self._spawn(app, argv + list(args or []))
        want = (title or "").casefold()

        def new(w: dict[str, Any]) -> bool:
            return w["id"] not in before and (not want or want in w["title"].casefold()) and \
                (bool(want) or wm_class in w["class"].lower())
        win = self.wm.wait_for(new, timeout)
        if win is None:
            raise RuntimeError(f"no window of {app!r} appeared within {timeout:.0f} s" +
                               (f" (title with {title!r})" if title else ""))
        self._focus(win)
        self.settle(quiet=0.15, limit=5.0)
        return {"window": win["title"]}

    def _focus(self, win: dict[str, Any]) -> None:
        if not win["active"]:
            self.wm.activate(win["id"])
            self.wm.wait_for(lambda w: w["id"] == win["id"] and w["active"], 10.0)

    def _window(self, title: str, timeout: float = 20.0) -> dict[str, Any]:
        win = self.wm.wait_for(lambda w: title.casefold() in w["title"].casefold(), timeout)
        if win is None:
            raise ValueError(f"no window titled like {title!r}; there are: {[w['title'] for w in self.wm.windows()]}")
        return win

    # --- setup steps (the local internet's are the controller's) ------------------------------
    def setup(self, step: dict[str, Any]) -> Any:
        do = self.SETUP.get(step["kind"])
        if do is None:
            raise ValueError(f"setup step {step['kind']!r} is not available on the desktop "
                             f"(have: {', '.join(self.SETUP)})")
        return {"kind": step["kind"], "ok": True, **(do(self, step) or {})}

    def after_setup(self) -> None:
        """After each setup step: commands typed or run so far are the task's past, not the agent's
        doing, and the watched files are as setup left them."""
        self.history_mark = len(desktop_state.shell_history(HOME))
        self.originals = desktop_state.baseline(HOME, self.watch)

    def _watch(self, step: dict[str, Any]) -> None:
        self.watch.update(step["paths"])

    def _open_file(self, step: dict[str, Any]) -> dict[str, Any]:
        path = desktop_state.resolve(HOME, step["path"])
        app = step.get("app") or ("files" if path.is_dir() else BY_SUFFIX.get(path.suffix.lower(), "editor"))
        # GIMP titles an image by its name without the extension ("[photo] (imported) ...")
        title = path.stem if app == "gimp" else path.name
        return self.launch(app, [str(path)], title=title, timeout=step.get("timeout", 40.0))

    def _launch(self, step: dict[str, Any]) -> dict[str, Any]:
        return self.launch(step["app"], step.get("args") or [], title=step.get("title"))

    def _run_step(self, step: dict[str, Any]) -> None:
        self._run(step["command"], step.get("timeout", 30.0))

    def _focus_step(self, step: dict[str, Any]) -> None:
        win = self._window(step["window"])
        self._focus(win)
        if step["kind"] == "maximise" or step.get("maximise"):
            self.wm.maximise(win["id"])
        self.settle()

    def _type_step(self, step: dict[str, Any]) -> None:
        if step.get("window"):
            self._focus(self._window(step["window"]))
        if step.get("at_end"):   # after what the document or field already holds
            self._caret_to_end()
        self.xin._type(step["text"])
        self.settle(quiet=0.2, limit=10.0)

    def _caret_to_end(self) -> None:
        """Ctrl+End, and nothing typed before the app has handled it: LibreOffice runs shortcuts
        asynchronously but takes typed text at once, so on a busy machine a fixed pause lets the
        text land at the start. The evidence is processes gone idle (idle.py): the app with the X
        server and the session's buses it waits on, before the chord (a document still loading can
        drop it) and after it (the keys are out, the caret has moved); then a steady screen."""
        active = self.wm.active()
        pids = [active["pid"] if active else None, self.xvfb.pid] + \
            [p.pid for name, p in self.procs.items() if name.startswith(("dbus-", "at-spi-"))]
        wait_idle(*pids)
        self.xin._chord(["ctrl", "end"])
        wait_idle(*pids)
        self.settle(quiet=0.25, limit=3.0)

    def attack(self, spec: dict[str, Any]) -> None:
        """Pop-ups and induced text as windows (attacks.py)."""
        self.attacks.add(spec)
        if self.attacks.trigger():
            self.settle()

    def _run(self, command: str, timeout: float) -> None:
        """A shell command as the user, with the apps' environment. Output goes to a log file, not
        a pipe: a command that leaves a background child (a server) must not hang setup."""
        with open(LOGS / "setup-run.log", "ab") as log:
            try:
                rc = subprocess.run(["/bin/bash", "-c", command], cwd=HOME, env=self.env, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, timeout=timeout, **users.popen_kwargs()).returncode
            except subprocess.TimeoutExpired:
                rc = None
        if rc != 0:
            tail = (LOGS / "setup-run.log").read_text(errors="replace")[-400:]
            raise RuntimeError(f"setup command {command!r} failed (rc={rc}): {tail}")

    def _put_file(self, step: dict[str, Any]) -> None:
        path = desktop_state.resolve(HOME, step["path"])
        if not (str(path).startswith(str(HOME) + "/") or str(path).startswith("/tmp/")):
            raise ValueError(f"put_file: {step['path']!r} is outside the home and /tmp")
        if step.get("paragraphs") is not None:
            data = make_odt(list(step["paragraphs"]))
        elif step.get("rows") is not None:
            data = make_ods([list(r) for r in step["rows"]])
        elif step.get("data_b64") is not None:
            data = base64.b64decode(step["data_b64"])
        else:
            data = str(step.get("text", "")).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if step.get("mode"):
            os.chmod(path, int(str(step["mode"]), 8))
        users.give(path)
        users.give_new_parents(path, HOME)

    SETUP = {"watch": _watch, "put_file": _put_file, "open_file": _open_file, "launch": _launch, "run": _run_step,
             "focus": _focus_step, "maximise": _focus_step, "type": _type_step}

    # --- acting and observing -------------------------------------------------------------------
    def _grab(self) -> bytes:
        import mss

        if self._grabber is None:
            self._grabber = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        return self._grabber.grab({"left": 0, "top": 0, "width": self.width, "height": self.height}).rgb

    def settle(self, quiet: float = 0.12, limit: float = 3.0, first: float = 0.35) -> None:
        """Return once the screen has not changed for `quiet` s (a command's output printed, a
        dialog drawn), or after `limit` s for screens that never rest (a spinner, a video).
        Apps answer a shortcut some time later (LibreOffice dispatches them asynchronously), so
        an unchanged screen counts as settled only after `first` s."""
        t0 = last_change = time.monotonic()
        prev = self._grab()
        changed = False
        while time.monotonic() - t0 < limit:
            time.sleep(0.04)
            cur = self._grab()
            now = time.monotonic()
            if cur != prev:
                prev, last_change, changed = cur, now, True
            elif now - last_change >= quiet and (changed or now - t0 >= first):
                return

    def act(self, actions: list[dict[str, Any]]) -> dict[str, Any]:
        from riskgym.guest.xinput import perform_all

        self.steps += 1
        error = perform_all(self.xin, actions, time.sleep)
        self.settle()
        if self.attacks.trigger():
            self.settle()
        return {"error": error, "step": self.steps}

    def run_code(self, code: str, frame: dict[str, Any] | None, limits) -> dict[str, Any]:
        """One step of agent code run for real (guest/agent_code), in the user's session: act() for code."""
        from riskgym.guest.agent_code.step import run_code

        self.steps += 1
        rec = run_code(code, xin=self.xin, width=self.width, height=self.height, env=self.env, cwd=str(HOME),
                       pause=time.sleep, frame=frame, limits=limits)
        self.settle()
        if self.attacks.trigger():
            self.settle()
        return {**rec, "step": self.steps}

    def observe(self, a11y: bool = True, stable: bool = False) -> tuple[dict[str, Any], bytes]:
        if stable:
            self.settle(quiet=0.3, limit=4.0)
        rgb = self._grab()
        try:
            wins = self.wm.windows()
        except Exception:   # the agent may have killed the window manager: still a screenshot
            wins = []
        active = next((w for w in wins if w["active"]), None)
        chromium = bool(active) and "chromium" in active["class"].lower()
        lines = self.a11y.lines(wins) if a11y or chromium else []
        meta: dict[str, Any] = {"width": self.width, "height": self.height,
                                "title": active["title"] if active else "", "url": _url(lines) if chromium else ""}
        if a11y:
            meta["a11y_tree"] = "\n".join(lines)
        return meta, rgb

    def state(self) -> dict[str, Any]:
        for p in self.procs.values():   # reap what the agent killed: no zombies in the process list
            p.poll()
        return collect("desktop", desktop_state.context(self, HOME))

    def stop(self) -> None:
        self.attacks.stop()
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
        for fn in (self.xin.close, self.wm.close, self.xvfb.kill, getattr(self.a11y, "stop", lambda: None)):
            try:
                fn()
            except Exception as exc:
                log.debug("stopping a desktop part failed: %s", exc)
