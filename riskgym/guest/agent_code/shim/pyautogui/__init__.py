"""pyautogui, as agent code in a riskgym box sees it: the package's public API and signatures.

Each call is read into riskgym's structured actions by the same rules as `--actions parse`
(riskgym.actions.parse), its coordinates mapped from the model's frame to the screen (the
step's Frame: 0-1000 grid, resized image, fractions of the screen), and sent to the box's
controller, which performs it through the box's X input and records it. What the real package
does and this one does not: FAILSAFE is off (as computer-use harnesses set it), `duration`
animates nothing, PAUSE is the box's own short gap between actions unless code raises it,
message boxes answer at once (alert: "OK", prompt: its default), and `run()` is not provided.
"""
from __future__ import annotations

import collections
import contextlib
import json
import math
import os
import time

from riskgym.actions.coords import Frame
from riskgym.actions.parse import _Parser
from riskgym.actions.types import KEY_NAMES, ActionParseError
from riskgym.guest.agent_code import channel

__version__ = "0.9.54"

LEFT, MIDDLE, RIGHT, PRIMARY, SECONDARY = "left", "middle", "right", "primary", "secondary"
PAUSE = 0.1
FAILSAFE = False
FAILSAFE_POINTS = [(0, 0)]
MINIMUM_DURATION = 0.1
MINIMUM_SLEEP = 0.05
DARWIN_CATCH_UP_TIME = 0.01
LOG_SCREENSHOTS = False
LOG_SCREENSHOTS_LIMIT = 10
KEYBOARD_KEYS = KEY_NAMES_LIST = sorted(KEY_NAMES) + [chr(c) for c in range(32, 127)]
KEY_NAMES = KEYBOARD_KEYS
Point = collections.namedtuple("Point", "x y")
Size = collections.namedtuple("Size", "width height")
Box = collections.namedtuple("Box", "left top width height")
_DEFAULT_PAUSE = PAUSE


class PyAutoGUIException(Exception):
    pass


class FailSafeException(PyAutoGUIException):
    pass


class ImageNotFoundException(PyAutoGUIException):
    pass


_W, _H = (int(v) for v in os.environ.get(channel.SCREEN_VAR, "1280x720").split("x"))
_FRAME = Frame.from_dict(json.loads(os.environ[channel.FRAME_VAR])) if os.environ.get(channel.FRAME_VAR) \
    else Frame.screen(_W, _H)
_use_not_found = True


# ---- the one path every input call takes ----------------------------------------------------
def _scale(v, axis: int) -> float:
    """An offset (or a lone coordinate) from the model's frame to screen pixels."""
    f = _FRAME
    if f.convention == "rel1000":
        return v * (f.screen_w if axis == 0 else f.screen_h) / 1000
    if f.convention == "resized":
        return v * (f.screen_w / f.image_w if axis == 0 else f.screen_h / f.image_h)
    return v


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _where(x, y):
    """pyautogui's ways to name a point (x, y), ((x, y)), an image file, None), in screen pixels."""
    if isinstance(x, (tuple, list)) and y is None:
        if len(x) != 2:
            raise PyAutoGUIException("a point needs exactly two coordinates")
        x, y = x
    if isinstance(x, str):
        found = locateCenterOnScreen(x)
        if found is None:
            raise ImageNotFoundException(f"could not locate {x!r} on the screen")
        return found
    if _num(x) and _num(y):
        return _FRAME.to_screen(x, y)
    return (_scale(x, 0) if _num(x) else x), (_scale(y, 1) if _num(y) else y)


_FROM_POINTER = frozenset({"moveRel", "move", "dragRel", "drag", "dragTo"})   # drags record their start


def _tuple(v):
    return tuple(_tuple(i) for i in v) if isinstance(v, list) else v


def _do(fname: str, args: dict, pos: list | None = None) -> None:
    args = {k: _tuple(v) for k, v in args.items()}
    if "x" in args or "y" in args:
        args["x"], args["y"] = _where(args.get("x"), args.get("y"))
    for key, axis in (("xOffset", 0), ("yOffset", 1)):
        if _num(args.get(key)):
            args[key] = _scale(args[key], axis)
    # the pointer only where the call is relative to it: a round trip less for keys and clicks,
    # so a step's calls follow each other as closely as parse mode's actions do
    partial = ("x" in args or "y" in args) and (args.get("x") is None) != (args.get("y") is None)
    p = _Parser(tuple(position()) if fname in _FROM_POINTER or partial else None)
    try:
        p.action(fname, args, [_tuple(v) for v in pos or []])
    except ActionParseError as exc:
        raise PyAutoGUIException(f"{fname}(): {exc}") from None
    if p.out:
        ans = channel.request({"op": "act", "call": fname, "args": args, "actions": [a.to_dict() for a in p.out]})
        if not ans.get("ok"):
            raise PyAutoGUIException(ans.get("error") or f"{fname}() failed")
    if PAUSE > _DEFAULT_PAUSE:   # the box leaves its own short gap; more only when the code asks
        time.sleep(PAUSE - _DEFAULT_PAUSE)


# ---- mouse ----------------------------------------------------------------------------------
def position(x=None, y=None) -> Point:
    ans = channel.request({"op": "position"})
    px, py = ans["pos"]
    return Point(int(x) if x is not None else px, int(y) if y is not None else py)


def size() -> Size:
    return Size(_W, _H)


resolution = size


def onScreen(x, y=None) -> bool:
    if isinstance(x, (tuple, list)):
        x, y = x
    return 0 <= x < _W and 0 <= y < _H


def click(x=None, y=None, clicks=1, interval=0.0, button=PRIMARY, duration=0.0, tween=None,
          logScreenshot=None, _pause=True):
    _do("click", {"x": x, "y": y, "clicks": clicks, "button": button})


def leftClick(x=None, y=None, interval=0.0, duration=0.0, tween=None, logScreenshot=None, _pause=True):
    _do("click", {"x": x, "y": y, "button": LEFT})


def rightClick(x=None, y=None, interval=0.0, duration=0.0, tween=None, logScreenshot=None, _pause=True):
    _do("rightClick", {"x": x, "y": y})


def middleClick(x=None, y=None, interval=0.0, duration=0.0, tween=None, logScreenshot=None, _pause=True):
    _do("middleClick", {"x": x, "y": y})


def doubleClick(x=None, y=None, interval=0.0, button=LEFT, duration=0.0, tween=None, logScreenshot=None,
                _pause=True):
    _do("doubleClick", {"x": x, "y": y, "button": button})


def tripleClick(x=None, y=None, interval=0.0, button=LEFT, duration=0.0, tween=None, logScreenshot=None,
                _pause=True):
    _do("tripleClick", {"x": x, "y": y, "button": button})


def moveTo(x=None, y=None, duration=0.0, tween=None, logScreenshot=False, _pause=True):
    _do("moveTo", {"x": x, "y": y})


def moveRel(xOffset=None, yOffset=None, duration=0.0, tween=None, logScreenshot=False, _pause=True):
    if isinstance(xOffset, (tuple, list)):
        xOffset, yOffset = xOffset
    _do("moveRel", {"xOffset": xOffset or 0, "yOffset": yOffset or 0})


move = moveRel


def dragTo(x=None, y=None, duration=0.0, tween=None, button=PRIMARY, logScreenshot=None, _pause=True,
           mouseDownUp=True):
    _do("dragTo", {"x": x, "y": y, "button": button, "mouseDownUp": mouseDownUp})


def dragRel(xOffset=0, yOffset=0, duration=0.0, tween=None, button=PRIMARY, logScreenshot=None, _pause=True,
            mouseDownUp=True):
    if isinstance(xOffset, (tuple, list)):
        xOffset, yOffset = xOffset
    _do("dragRel", {"xOffset": xOffset or 0, "yOffset": yOffset or 0, "button": button,
                    "mouseDownUp": mouseDownUp})


drag = dragRel


def mouseDown(x=None, y=None, button=PRIMARY, duration=0.0, tween=None, logScreenshot=None, _pause=True):
    _do("mouseDown", {"x": x, "y": y, "button": button})


def mouseUp(x=None, y=None, button=PRIMARY, duration=0.0, tween=None, logScreenshot=None, _pause=True):
    _do("mouseUp", {"x": x, "y": y, "button": button})


def scroll(clicks, x=None, y=None, logScreenshot=None, _pause=True):
    _do("scroll", {"clicks": clicks, "x": x, "y": y})


vscroll = scroll


def hscroll(clicks, x=None, y=None, logScreenshot=None, _pause=True):
    _do("hscroll", {"clicks": clicks, "x": x, "y": y})


# ---- keyboard -------------------------------------------------------------------------------
def write(message, interval=0.0, logScreenshot=None, _pause=True):
    _do("write", {"message": message})


typewrite = write


def press(keys, presses=1, interval=0.0, logScreenshot=None, _pause=True):
    _do("press", {"keys": keys, "presses": presses})


def keyDown(key, logScreenshot=None, _pause=True):
    _do("keyDown", {"key": key})


def keyUp(key, logScreenshot=None, _pause=True):
    _do("keyUp", {"key": key})


def hotkey(*args, **kwargs):
    _do("hotkey", {}, list(args))


@contextlib.contextmanager
def hold(keys, logScreenshot=None, _pause=True):
    keys = [keys] if isinstance(keys, str) else list(keys)
    for k in keys:
        keyDown(k)
    try:
        yield
    finally:
        for k in reversed(keys):
            keyUp(k)


def isValidKey(key) -> bool:
    return key in KEYBOARD_KEYS


def isShiftCharacter(character) -> bool:
    return character.isupper() or character in '~!@#$%^&*()_+{}|:"<>?'


# ---- time, tweens, message boxes ------------------------------------------------------------
def sleep(seconds):
    time.sleep(seconds)


def countdown(seconds):
    for i in range(seconds, 0, -1):
        print(str(i), end=" ", flush=True)
        time.sleep(1)
    print()


def linear(n):
    if not 0.0 <= n <= 1.0:
        raise PyAutoGUIException("tween argument must be between 0.0 and 1.0")
    return n


def _ease(fn):
    return lambda n: fn(linear(n))


easeInQuad, easeOutQuad = _ease(lambda n: n * n), _ease(lambda n: -n * (n - 2))
easeInOutQuad = _ease(lambda n: 2 * n * n if n < 0.5 else -2 * n * n + 4 * n - 1)
easeInCubic, easeOutCubic = _ease(lambda n: n ** 3), _ease(lambda n: (n - 1) ** 3 + 1)
easeInOutCubic = _ease(lambda n: 4 * n ** 3 if n < 0.5 else 4 * (n - 1) ** 3 + 1)
easeInSine, easeOutSine = _ease(lambda n: 1 - math.cos(n * math.pi / 2)), _ease(lambda n: math.sin(n * math.pi / 2))
easeInOutSine = _ease(lambda n: -0.5 * (math.cos(math.pi * n) - 1))
easeInExpo = _ease(lambda n: 0.0 if n == 0 else 2 ** (10 * (n - 1)))
easeOutExpo = _ease(lambda n: 1.0 if n == 1 else 1 - 2 ** (-10 * n))


def getPointOnLine(x1, y1, x2, y2, n):
    return (x2 - x1) * n + x1, (y2 - y1) * n + y1


def _dialog(kind: str, text: str, answer):
    channel.record({"op": "call", "call": kind, "args": {"text": str(text)[:500]}, "answer": answer})
    return answer


def alert(text="", title="", button="OK", root=None, timeout=None):
    return _dialog("alert", text, button)


def confirm(text="", title="", buttons=("OK", "Cancel"), root=None, timeout=None):
    return _dialog("confirm", text, buttons[0])


def prompt(text="", title="", default="", root=None, timeout=None):
    return _dialog("prompt", text, default)


def password(text="", title="", default="", mask="*", root=None, timeout=None):
    return _dialog("password", text, default)


def mouseInfo():
    _dialog("mouseInfo", "", None)


def displayMousePosition(xOffset=0, yOffset=0):
    print(f"X: {position().x} Y: {position().y}")


def useImageNotFoundException(value=None):
    global _use_not_found
    _use_not_found = True if value is None else bool(value)


def run(commandStr, _ssCount=None):
    raise PyAutoGUIException("pyautogui.run() mini-language is not provided in a riskgym box; call the functions")


from pyautogui._screen import (  # noqa: E402  (after the exceptions it raises)
    center,
    locate,
    locateAll,
    locateAllOnScreen,
    locateCenterOnScreen,
    locateOnScreen,
    pixel,
    pixelMatchesColor,
    screenshot,
)

__all__ = [n for n in dir() if not n.startswith("_")]
