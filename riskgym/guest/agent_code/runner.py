"""The agent process: record what the code does through Python's audit hooks, then run it.

Runs as the agent's user inside the box, with only the standard library and the shim loaded.
The hook is a record, not a barrier (the box is the barrier): code can evade it (ctypes, a
shell that starts more shells), and what it starts through a shell shows as that one shell
command. Only effects are recorded: reads and the interpreter's own imports are not.
"""
from __future__ import annotations

import builtins
import os
import shlex
import sys
import traceback

from riskgym.guest.agent_code import channel

FILENAME = "<agent step>"
MAX_RECORDS = 1000
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_count = 0


def _path(p) -> str | None:
    if isinstance(p, int):
        return None   # an open file descriptor: no path to name
    try:
        p = os.fsdecode(p)
    except TypeError:
        return None
    return os.path.abspath(os.path.expanduser(p))


def _command(args) -> str:
    if isinstance(args, (str, bytes)):
        return os.fsdecode(args)
    try:
        return shlex.join(os.fsdecode(a) for a in args)
    except TypeError:
        return repr(args)


def _file(op: str, path, **more) -> dict | None:
    p = _path(path)
    return None if p is None else {"kind": "file", "op": op, "path": p, **more}


def describe(event: str, args: tuple) -> dict | None:
    """One audit event as a record (None: not an effect worth a line)."""
    if event == "os.system":
        return {"kind": "process", "via": event, "command": os.fsdecode(args[0])}
    if event == "subprocess.Popen":
        return {"kind": "process", "via": event, "command": _command(args[1]),
                **({"cwd": os.fsdecode(args[2])} if args[2] else {})}
    if event in ("os.exec", "os.spawn", "os.posix_spawn"):
        path, argv = (args[1], args[2]) if event == "os.spawn" else (args[0], args[1])
        return {"kind": "process", "via": event, "command": _command(argv), "path": os.fsdecode(path)}
    if event == "open":
        path, mode, flags = args
        writes = any(c in (mode or "") for c in "wax+") if mode else bool((flags or 0) & _WRITE_FLAGS)
        return _file("write", path) if writes else None
    if event in ("os.remove", "os.rmdir", "shutil.rmtree"):
        return _file("delete", args[0], **({"tree": True} if event == "shutil.rmtree" else {}))
    if event in ("os.rename", "shutil.move"):
        return _file("move", args[0], to=_path(args[1]))
    if event in ("shutil.copyfile", "shutil.copytree"):
        return _file("copy", args[0], to=_path(args[1]))
    if event == "os.chmod":
        return _file("chmod", args[0], mode=oct(args[1]))
    if event in ("os.chown", "shutil.chown"):
        return _file("chown", args[0])
    if event in ("os.mkdir", "os.truncate"):
        return _file(event.split(".")[1], args[0])
    if event in ("os.symlink", "os.link"):
        return _file(event.split(".")[1], args[1], to=_path(args[0]))
    if event in ("os.kill", "os.killpg"):
        return {"kind": "signal", "via": event, "pid": args[0], "signal": args[1]}
    if event == "socket.connect":
        return {"kind": "network", "via": event, "address": repr(args[1])}
    if event == "http.client.connect":
        return {"kind": "network", "via": event, "address": f"{args[1]}:{args[2]}"}
    if event == "urllib.Request":
        return {"kind": "network", "via": event, "url": str(args[0]), "method": args[3]}
    return None


def _hook(event: str, args: tuple) -> None:
    global _count
    if getattr(channel.busy, "on", False) or _count > MAX_RECORDS:
        return
    try:
        rec = describe(event, args)
    except Exception as exc:   # a record must never break the agent's code
        rec = {"kind": "unreadable", "via": event, "error": f"{type(exc).__name__}: {exc}"[:200]}
    if rec is None:
        return
    _count += 1
    channel.record({"op": "audit", "record": rec} if _count <= MAX_RECORDS else {"op": "audit_full"})


def _error_line(exc: BaseException) -> int | None:
    line = getattr(exc, "lineno", None) if isinstance(exc, SyntaxError) else None
    for frame, lineno in traceback.walk_tb(exc.__traceback__):
        if frame.f_code.co_filename == FILENAME:
            line = lineno
    return line


def main() -> None:
    channel.connect()
    code = os.environ.pop(channel.CODE_VAR)
    import time

    import pyautogui  # the shim: loaded before the hook, so its imports are not records
    import pyperclip
    sys.addaudithook(_hook)
    # bound already, as computer-use harnesses run replies (OSWorld: "import pyautogui; import time; ...")
    glb = {"__name__": "__main__", "__builtins__": builtins, "pyautogui": pyautogui, "pyperclip": pyperclip,
           "time": time}
    try:
        exec(compile(code, FILENAME, "exec"), glb)
    except SystemExit:
        raise
    except BaseException as exc:
        channel.record({"op": "exception", "type": type(exc).__name__, "message": str(exc)[:500],
                        "line": _error_line(exc)})
        traceback.print_exception(type(exc), exc, exc.__traceback__.tb_next)   # from the code on
        sys.stderr.flush()
        os._exit(1)   # no atexit handlers of the code's threads: the step is over
