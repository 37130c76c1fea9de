"""The controller: the one process the host talks to, running inside the box.

It owns the box's event log, the site server ("the internet"), the mail server and the app
(browser or desktop), and answers framed requests: setup, act, observe, inject an attack,
read events, query state. Everything it does happens inside the box.

Started by riskgym/guest/launch.py, on the line the provider gave the box.
"""
from __future__ import annotations

import importlib
import logging
import os
import socket
import subprocess
import tempfile
import time
import traceback
from typing import Any

from riskgym.attacks import KINDS
from riskgym.core.protocol import ProtocolError, recv_frame, send_frame
from riskgym.guest import users
from riskgym.guest.eventlog import EventLog
from riskgym.guest.internet import LocalInternet

log = logging.getLogger(__name__)

# the app a box starts with (boot "app"): "module:Class", each with describe, setup(step),
# attack(spec), after_setup, act(actions), run_code(code, frame, limits), observe(a11y, stable), state, stop
APPS = {"browser": "riskgym.guest.browser.app:BrowserApp", "desktop": "riskgym.guest.desktop.app:DesktopApp"}


class NoApp:
    """A box with only the local internet and a shell: no screen (tests, command-line tasks)."""

    def describe(self) -> dict[str, Any]:
        return {}

    def _no_screen(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("this box has no app with a screen (started with app 'none')")

    setup = attack = act = run_code = observe = _no_screen

    def after_setup(self) -> None:
        pass

    def state(self) -> dict[str, Any]:
        return {}

    def stop(self) -> None:
        pass


class Controller:
    def __init__(self, boot: dict[str, Any]) -> None:
        self.boot = boot
        self.events = EventLog()
        if os.environ.get("HOME") and os.path.isdir(os.environ["HOME"]):
            users.give(os.environ["HOME"])   # the home is the user's, not the controller's
        self.sites = LocalInternet(self.events.emit, port=80, smtp_port=25,
                                   persona=boot.get("persona") or None, state_dir="/tmp/sites")
        self.sites.start()
        self.app = self._make_app(boot.get("app", "browser"))

    def _make_app(self, kind: str):
        if kind == "none":
            return NoApp()
        if kind not in APPS:
            raise ValueError(f"unknown app {kind!r} (have: none, {', '.join(APPS)})")
        module, _, name = APPS[kind].partition(":")   # imported on demand: a box runs one app
        return getattr(importlib.import_module(module), name)(self, self.boot["width"], self.boot["height"])

    def hello(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "uid": os.getuid(), "agent_uid": users.AGENT_UID if users.split()
                else os.getuid(), "app": self.boot.get("app"),
                "screen": [self.boot["width"], self.boot["height"]], **self.app.describe()}

    # --- ops -------------------------------------------------------------------------
    def op_setup(self, steps: list[dict[str, Any]]) -> list[Any]:
        return [self.setup(step) for step in steps]

    def setup(self, step: dict[str, Any]) -> Any:
        """One setup step: the local internet's (mail, an attack's hosts) here, the rest by the app;
        then the app takes note of what setup left (e.g. the desktop's shell history and files)."""
        kind = step["kind"]
        if kind == "deliver_mail":
            self.sites.deliver(step)
        elif kind in KINDS:             # an attack that lives in the local internet (look-alike, lure, ad)
            self.sites.configure(step)
        elif kind == "attack":
            self.attack(step["attack"])
        else:
            out = self.app.setup(step)
            self.app.after_setup()
            return out
        self.app.after_setup()
        return {"kind": kind, "ok": True}

    def attack(self, spec: dict[str, Any]) -> None:
        """An attack with a trigger: its part in the local internet, if any, then the app shows it."""
        kind = KINDS.get(spec.get("kind", ""))
        if kind is None:
            raise ValueError(f"attack {spec.get('id')!r}: unknown kind {spec.get('kind')!r} (have: {', '.join(KINDS)})")
        if kind.install is not None:
            kind.install(self.sites, spec)
        if kind.page or kind.navigate or kind.window:
            self.app.attack(spec)

    def op_act(self, actions: list[dict[str, Any]]) -> dict[str, Any]:
        return self.app.act(actions)

    def op_exec(self, code: str, frame: dict[str, Any] | None = None, timeout_s: float = 30.0,
                max_output: int = 32 * 1024) -> dict[str, Any]:
        """One step of the agent's code, run for real as the agent's user (guest/agent_code)."""
        from riskgym.guest.agent_code.step import Limits

        return self.app.run_code(code, frame, Limits(float(timeout_s), int(max_output)))

    def op_observe(self, a11y: bool = True, stable: bool = False) -> tuple[dict[str, Any], bytes]:
        return self.app.observe(a11y=a11y, stable=stable)

    def op_inject(self, attack: dict[str, Any]) -> dict[str, Any]:
        self.setup({"kind": "attack", "attack": attack})
        return {"ok": True}

    def op_events(self, since: int = 0) -> list[dict[str, Any]]:
        return self.events.since(since)

    def op_state(self) -> dict[str, Any]:
        return {"sites": self.sites.state(), "app": self.app.state()}

    def op_run(self, argv: list[str], timeout: float = 30.0, input: str | None = None) -> dict[str, Any]:
        """Run a command inside the box as its user, the agent's uid (setup steps, isolation tests).

        Output goes to files, not pipes: a command that leaves a background child holding its
        stdout must not hang the controller."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                p = subprocess.run(argv, input=input.encode() if input else None, stdout=out, stderr=err,
                                   timeout=timeout, cwd=os.environ.get("HOME", "/"), **users.popen_kwargs())
                rc: int | None = p.returncode
            except subprocess.TimeoutExpired:
                rc = None
            except OSError as exc:
                return {"rc": None, "stdout": "", "stderr": f"{type(exc).__name__}: {exc}"}
            res = {}
            for name, f in (("stdout", out), ("stderr", err)):
                f.seek(0, 2)
                f.seek(max(0, f.tell() - 65536))
                res[name] = f.read().decode(errors="replace")
        return {"rc": rc, **res, **({"timeout": True} if rc is None else {})}

    def op_ping(self) -> str:
        return "pong"

    def serve(self, sock: socket.socket) -> None:
        while True:
            try:
                header, blob = recv_frame(sock)
            except ProtocolError:
                return
            op = header.get("op")
            if op == "shutdown":
                send_frame(sock, {"ok": True, "result": None})
                return
            fn = getattr(self, f"op_{op}", None)
            try:
                if fn is None:
                    raise ValueError(f"unknown op {op!r}")
                out = fn(**(header.get("args") or {}))
                result, rblob = out if isinstance(out, tuple) else (out, b"")
                send_frame(sock, {"ok": True, "result": result}, rblob)
            except Exception as exc:  # an op's failure is the host's to record, not a crash
                send_frame(sock, {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                                  "trace": traceback.format_exc(limit=6)})

    def stop(self) -> None:
        for part in (self.app, self.sites):
            try:
                part.stop()
            except Exception as exc:
                log.debug("stopping a box part failed: %s", exc)


def serve_on(sock: socket.socket, boot: dict[str, Any]) -> int:
    """Boot the controller, say hello (or why it could not start), then answer until shutdown."""
    t0 = time.monotonic()
    try:
        ctl = Controller(boot)
    except Exception as exc:
        send_frame(sock, {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                          "trace": traceback.format_exc(limit=8)})
        return 1
    info = ctl.hello()
    info["boot_s"] = round(time.monotonic() - t0, 3)
    send_frame(sock, {"ok": True, "result": info})
    try:
        ctl.serve(sock)
    finally:
        ctl.stop()
    return 0
