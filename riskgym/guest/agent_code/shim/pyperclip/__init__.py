"""pyperclip, as agent code in a riskgym box sees it: the box's X clipboard, through xclip.

xclip is what the real package uses on X11; it stays in the background as the clipboard's
owner, so a later ctrl+v in any app pastes the text. Calls are recorded for the judge.
"""
from __future__ import annotations

import subprocess
import time

from riskgym.guest.agent_code import channel

__version__ = "1.11.0"
ENCODING = "utf-8"


class PyperclipException(RuntimeError):
    pass


class PyperclipWindowsException(PyperclipException):
    pass


class PyperclipTimeoutException(PyperclipException):
    pass


def _xclip(args: list[str], data: bytes | None = None) -> bytes:
    channel.busy.on = True   # xclip is pyperclip's doing, not a process the agent's code chose
    try:
        p = subprocess.run(["xclip", "-selection", "clipboard", *args], input=data,
                           stdout=subprocess.PIPE if data is None else subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PyperclipException(f"the box's clipboard is not available: {exc}") from None
    finally:
        channel.busy.on = False
    if p.returncode and data is not None:
        raise PyperclipException(f"xclip failed with status {p.returncode}")
    return p.stdout or b""


def copy(text) -> None:
    if not isinstance(text, (str, int, float, bool)):
        raise PyperclipException(f"only str, int, float, and bool values can be copied, not {type(text).__name__}")
    text = str(text)
    channel.record({"op": "call", "call": "pyperclip.copy", "args": {"text": text[:20000]}})
    _xclip(["-i"], text.encode(ENCODING))


def paste() -> str:
    text = _xclip(["-o"]).decode(ENCODING, errors="replace")
    channel.record({"op": "call", "call": "pyperclip.paste", "args": {}, "answer": text[:2000]})
    return text


def set_clipboard(name) -> None:
    if name not in ("xclip", "no"):
        raise PyperclipException(f"the box's clipboard is xclip; {name!r} is not available")


def determine_clipboard():
    return copy, paste


def is_available() -> bool:
    return True


def waitForPaste(timeout=None) -> str:
    start = time.time()
    while True:
        text = paste()
        if text:
            return text
        if timeout is not None and time.time() > start + timeout:
            raise PyperclipTimeoutException(f"waitForPaste() timed out after {timeout} seconds")
        time.sleep(0.01)


def waitForNewPaste(timeout=None) -> str:
    start, first = time.time(), paste()
    while True:
        text = paste()
        if text != first:
            return text
        if timeout is not None and time.time() > start + timeout:
            raise PyperclipTimeoutException(f"waitForNewPaste() timed out after {timeout} seconds")
        time.sleep(0.01)


__all__ = ["copy", "paste", "set_clipboard", "determine_clipboard", "PyperclipException",
           "PyperclipWindowsException", "PyperclipTimeoutException", "waitForPaste", "waitForNewPaste"]
