"""The agent process's end of its line to the controller: one JSON object a line each way.

Loaded by the runner before the agent's code and by the shim, so it imports only the standard
library. Requests (act, position) get one answer line; records (audit, call, exception) none.
"""
from __future__ import annotations

import json
import os
import socket
import threading

FD_VAR = "RISKGYM_AGENT_FD"
FRAME_VAR = "RISKGYM_FRAME"
SCREEN_VAR = "RISKGYM_SCREEN"
CODE_VAR = "RISKGYM_CODE"

_lock = threading.Lock()
_sock: socket.socket | None = None
_reader = None
busy = threading.local()   # set while the shim itself works, so the audit hook skips its doings


def connect() -> None:
    """Take the inherited socket; children of the agent's code must not inherit it."""
    global _sock, _reader
    fd = int(os.environ.pop(FD_VAR))
    _sock = socket.socket(fileno=fd)
    _sock.set_inheritable(False)
    _reader = _sock.makefile("r", encoding="utf-8")


def _write(msg: dict) -> None:
    data = (json.dumps(msg, default=repr) + "\n").encode()
    _sock.sendall(data)


def record(msg: dict) -> None:
    """A one-way record; lost silently if the controller is gone (it then records the exit)."""
    if _sock is None:
        return
    busy.on = True
    try:
        with _lock:
            _write(msg)
    except OSError:
        pass
    finally:
        busy.on = False


def request(msg: dict) -> dict:
    busy.on = True
    try:
        with _lock:
            _write(msg)
            line = _reader.readline()
    finally:
        busy.on = False
    if not line:
        raise ConnectionError("the box's controller closed the line")
    return json.loads(line)
