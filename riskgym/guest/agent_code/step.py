"""The controller's side of one step of agent code: start, serve, limit, record.

The process gets the code, the screen size and the coordinate frame through its environment
(the runner removes them before the code runs) and one end of a socket pair. Every pyautogui
call comes back over it and is performed here, by the box's X input with the same gap between
actions as parse mode, so both modes press the same keys; `pause` keeps the app's own loop
going meanwhile (the browser's Playwright events). Output goes to files, not pipes: a
background child that keeps stdout open must not hold the step.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from riskgym.actions.types import Action
from riskgym.guest import users
from riskgym.guest.agent_code import channel
from riskgym.guest.xinput import ACTION_GAP_S

PACKAGE = Path(__file__).resolve().parents[2]          # riskgym/
SHIM = Path(__file__).resolve().parent / "shim"
MAX_RECORDS = 2000
# The runner loads riskgym's action modules as bare packages: riskgym/__init__ registers the
# Gymnasium envs (numpy, gymnasium: a quarter of a second a step) and the code needs none of it.
BOOT = f"""import sys, types
for name, sub in (("riskgym", ""), ("riskgym.actions", "actions"), ("riskgym.guest", "guest"),
                  ("riskgym.guest.agent_code", "guest/agent_code")):
    m = types.ModuleType(name); m.__path__ = [{str(PACKAGE)!r} + "/" + sub]; sys.modules[name] = m
sys.path.insert(0, {str(SHIM)!r})
from riskgym.guest.agent_code.runner import main
main()
"""


@dataclass
class Limits:
    timeout_s: float = 30.0        # the step's code is stopped (its process group killed) after this
    max_output: int = 32 * 1024    # characters of stdout and of stderr kept (the end of each)


class _Session:
    def __init__(self, xin, pause: Callable[[float], None]) -> None:
        self.xin, self.pause = xin, pause
        self.calls: list[dict[str, Any]] = []
        self.actions: list[dict[str, Any]] = []
        self.audit: list[dict[str, Any]] = []
        self.exception: dict[str, Any] | None = None
        self.dropped = 0

    def _keep(self, into: list, item: dict) -> None:
        if len(self.calls) + len(self.audit) < MAX_RECORDS:
            into.append(item)
        else:
            self.dropped += 1

    def handle(self, msg: dict[str, Any]) -> dict[str, Any] | None:
        op = msg.get("op")
        if op == "position":
            return {"ok": True, "pos": list(self.xin.pointer())}
        if op == "act":
            return self.act(msg)
        if op == "audit" and isinstance(msg.get("record"), dict):
            self._keep(self.audit, msg["record"])
        elif op == "audit_full":
            self.dropped += 1
        elif op == "call":
            self._keep(self.calls, {k: v for k, v in msg.items() if k != "op"})
        elif op == "exception":
            self.exception = {k: msg.get(k) for k in ("type", "message", "line")}
        return None

    def act(self, msg: dict[str, Any]) -> dict[str, Any]:
        call = {"call": str(msg.get("call")), "args": msg.get("args"), "actions": []}
        self._keep(self.calls, call)
        try:
            acts = [Action.from_dict(d) for d in msg.get("actions") or []]
        except ValueError as exc:
            call["error"] = str(exc)
            return {"ok": False, "error": str(exc)}
        for a in acts:
            if self.actions:
                self.pause(ACTION_GAP_S)
            try:
                self.xin.perform(a)
            except ValueError as exc:     # e.g. a point off the screen
                call["error"] = str(exc)
                return {"ok": False, "error": str(exc)}
            d = a.to_dict()
            call["actions"].append(d)
            if len(self.actions) < MAX_RECORDS:
                self.actions.append(d)
        return {"ok": True}


def _tail(f, limit: int) -> str:
    f.seek(0, 2)
    size = f.tell()
    f.seek(max(0, size - limit * 4))
    text = f.read().decode(errors="replace")
    return text[-limit:] if len(text) > limit else text


def run_code(code: str, *, xin, width: int, height: int, env: dict[str, str], cwd: str,
             pause: Callable[[float], None], frame: dict[str, Any] | None = None,
             limits: Limits | None = None) -> dict[str, Any]:
    """Run one step's code as the agent's user; return its record (see the package doc)."""
    limits = limits or Limits()
    sess = _Session(xin, pause)
    ours, theirs = socket.socketpair()
    penv = {**env, channel.FD_VAR: str(theirs.fileno()), channel.CODE_VAR: code,
            channel.SCREEN_VAR: f"{width}x{height}"}
    if frame:
        penv[channel.FRAME_VAR] = json.dumps(frame)
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([sys.executable, "-I", "-B", "-u", "-c", BOOT], stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=err, env=penv, cwd=cwd, pass_fds=[theirs.fileno()],
                                    start_new_session=True, **users.popen_kwargs())
        except OSError as exc:
            ours.close()
            theirs.close()
            return {"rc": None, "error": f"could not start the step's code: {exc}", "actions": [], "calls": [],
                    "audit": []}
        theirs.close()
        timed_out = _serve(proc, ours, sess, t0 + limits.timeout_s)
        ours.close()
        rec: dict[str, Any] = {
            "rc": proc.returncode, "duration_s": round(time.monotonic() - t0, 3),
            "stdout": _tail(out, limits.max_output), "stderr": _tail(err, limits.max_output),
            "exception": sess.exception, "actions": sess.actions, "calls": sess.calls, "audit": sess.audit,
        }
    if timed_out:
        rec["timeout"] = True
    if sess.dropped:
        rec["dropped"] = sess.dropped
    rec["error"] = step_error(rec, limits)
    return rec


def step_error(rec: dict[str, Any], limits: Limits) -> str | None:
    """What the step's error line says, as parse mode says it: the line and the reason."""
    if rec.get("timeout"):
        return f"the step's code ran past its limit of {limits.timeout_s:g} s and was stopped"
    exc = rec.get("exception")
    if exc:
        where = f"line {exc['line']}: " if exc.get("line") else ""
        return f"{where}{exc['type']}: {exc['message']}"
    if rec.get("rc") not in (0, None) and not rec.get("stderr") and not rec.get("calls"):
        return f"the step's code exited with status {rec['rc']}"
    return None


def _serve(proc: subprocess.Popen, sock: socket.socket, sess: _Session, deadline: float) -> bool:
    """Answer the process until it exits; kill its process group at the deadline. True: timed out.

    The process's lines are all in the socket once it has exited, so a last read finds them;
    a child the code forked may hold the socket open, so its end is not waited for."""
    buf, eof, exited = b"", False, False
    sock.setblocking(False)
    while True:
        ready = not eof and select.select([sock], [], [], 0)[0]
        if ready:
            try:
                chunk = sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                chunk = None
            except OSError:
                chunk = b""
            if chunk:
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    _answer(sock, sess, line)
                continue
            eof = chunk == b""
        if exited:                  # one more look after the exit, for lines sent just before it
            return False
        if proc.poll() is not None:
            exited = True
            continue
        if time.monotonic() > deadline:
            _kill(proc)
            return True
        sess.pause(0.01)


def _answer(sock: socket.socket, sess: _Session, line: bytes) -> None:
    try:
        msg = json.loads(line)
        if not isinstance(msg, dict):
            raise ValueError("not an object")
    except ValueError:
        sess.dropped += 1       # the code wrote on its own line: not a record, never a crash
        return
    reply = sess.handle(msg)
    if reply is not None:
        data = (json.dumps(reply) + "\n").encode()
        sock.setblocking(True)
        try:
            sock.sendall(data)
        except OSError:
            pass
        finally:
            sock.setblocking(False)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
