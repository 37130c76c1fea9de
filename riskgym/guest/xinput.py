"""Perform parsed actions on an X display with XTEST, the way a person's devices would.

The events enter the X server as if from real hardware, so the browser cannot tell them
from a user's (unlike CDP input, which skips the window system). Actions come from
riskgym.actions.parse; nothing here ever evaluates agent text.
"""
from __future__ import annotations

import time
from typing import Callable

from Xlib import XK, X
from Xlib import display as xdisplay
from Xlib.ext import xtest

from riskgym.actions.types import Action

ACTION_GAP_S = 0.06   # between the actions of one step, like pyautogui's PAUSE

PRESS_GAP = 0.012     # s a button or key stays down: real presses are never instantaneous
WM_CHORD_HOLD = 0.25  # s alt+tab stays down: the window manager grabs the keyboard first
CLICK_GAP = 0.05      # between the clicks of a double click, well inside the 400 ms window
KEY_GAP = 0.004       # between keystrokes while typing
HOVER_GAP = 0.01      # after moving, so hover handlers run before the press
REMAP_SETTLE = 0.05   # lets clients process MappingNotify before and after a temporary remap
DRAG_STEPS = 8        # intermediate motions: pages need several moves to notice a drag
MAX_WAIT = 10.0
MAX_SCROLL = 100      # clicks per action; models sometimes send pixel counts (scroll(-500))
BUTTONS = {"left": 1, "middle": 2, "right": 3}

_F = {f"f{i}": 0xFFBE + i - 1 for i in range(1, 25)}
_KP = {f"num{i}": 0xFFB0 + i for i in range(10)}
KEYSYMS: dict[str, int] = {
    "enter": XK.XK_Return, "tab": XK.XK_Tab, "space": XK.XK_space, "backspace": XK.XK_BackSpace,
    "delete": XK.XK_Delete, "insert": XK.XK_Insert, "esc": XK.XK_Escape, "up": XK.XK_Up,
    "down": XK.XK_Down, "left": XK.XK_Left, "right": XK.XK_Right, "home": XK.XK_Home,
    "end": XK.XK_End, "pageup": XK.XK_Prior, "pagedown": XK.XK_Next, "shift": XK.XK_Shift_L,
    "shiftright": XK.XK_Shift_R, "ctrl": XK.XK_Control_L, "ctrlright": XK.XK_Control_R,
    "alt": XK.XK_Alt_L, "altright": XK.XK_Alt_R, "win": XK.XK_Super_L, "winright": XK.XK_Super_R,
    "capslock": XK.XK_Caps_Lock, "numlock": XK.XK_Num_Lock, "scrolllock": XK.XK_Scroll_Lock,
    "printscreen": XK.XK_Print, "pause": XK.XK_Pause, "apps": XK.XK_Menu, "add": XK.XK_KP_Add,
    "subtract": XK.XK_KP_Subtract, "multiply": XK.XK_KP_Multiply, "divide": XK.XK_KP_Divide,
    "decimal": XK.XK_KP_Decimal,
    # XF86 multimedia keysyms (X11/XF86keysym.h)
    "volumeup": 0x1008FF13, "volumedown": 0x1008FF11, "volumemute": 0x1008FF12,
    "playpause": 0x1008FF14, "nexttrack": 0x1008FF17, "prevtrack": 0x1008FF16,
    "browserback": 0x1008FF26, "browserforward": 0x1008FF27, "browserrefresh": 0x1008FF29,
    "browserhome": 0x1008FF18, **_F, **_KP,
}


def char_keysym(ch: str) -> int:
    """Keysym for one character: Latin-1 keysyms equal the code point, the rest use the
    Unicode keysym range that X servers and toolkits understand."""
    if ch == "\n":
        return XK.XK_Return
    if ch == "\t":
        return XK.XK_Tab
    cp = ord(ch)
    return cp if 0x20 <= cp <= 0x7E or 0xA0 <= cp <= 0xFF else 0x01000000 + cp


def key_keysym(name: str) -> int:
    if name in KEYSYMS:
        return KEYSYMS[name]
    if len(name) == 1:
        return char_keysym(name)
    raise ValueError(f"no keysym for key {name!r}")


class XInput:
    def __init__(self, display: str, width: int, height: int) -> None:
        self.d = xdisplay.Display(display)
        if not self.d.has_extension("XTEST"):
            self.d.close()
            raise RuntimeError(f"X display {display} has no XTEST extension")
        self.root = self.d.screen().root
        self.width, self.height = width, height
        self._held_keys: list[int] = []      # keycodes down from key_down, released on close
        self._held_buttons: set[int] = set()
        self._temp: dict[int, int] = {}      # keysym -> spare keycode mapped for it for now
        info = self.d.display.info
        self._min_kc = info.min_keycode
        rows = self.d.get_keyboard_mapping(info.min_keycode, info.max_keycode - info.min_keycode + 1)
        self._rows = {self._min_kc + i: list(r) for i, r in enumerate(rows)}
        # Only levels 0 (plain) and 1 (shift): levels 2+ need Mode_switch/AltGr state we
        # do not want to fake. Lower keycodes win, matching what a keyboard would send.
        self._lookup: dict[int, tuple[int, bool]] = {}
        for level in (0, 1):
            for kc, row in sorted(self._rows.items()):
                if len(row) > level and row[level] and row[level] not in self._lookup:
                    self._lookup[row[level]] = (kc, level == 1)
        # Keycode 8 is skipped: some toolkits treat it as invalid.
        self._spare = [kc for kc, row in sorted(self._rows.items()) if kc > 8 and not any(row)]
        self._shift_kc = self._lookup[XK.XK_Shift_L][0]

    # ---- public ---------------------------------------------------------------------------
    def pointer(self) -> tuple[int, int]:
        p = self.root.query_pointer()
        return p.root_x, p.root_y

    def perform(self, action: Action) -> None:
        k = action.kind
        self._check(action.x, action.y)
        if k == "drag":
            if action.to_x is None or action.to_y is None:
                raise ValueError("a drag needs an end point")
            self._check(action.to_x, action.to_y)
        try:
            if k in ("click", "double_click", "triple_click", "right_click", "middle_click"):
                n = {"double_click": 2, "triple_click": 3}.get(k, action.clicks)
                btn = {"right_click": 3, "middle_click": 2}.get(k) or BUTTONS[action.button]
                self._click(action.x, action.y, btn, n)
            elif k == "move":
                self._move(action.x, action.y)
            elif k == "drag":
                self._drag(action)
            elif k in ("scroll", "hscroll"):
                self._scroll(action)
            elif k in ("mouse_down", "mouse_up"):
                self._move_opt(action.x, action.y)
                self._button(BUTTONS[action.button], k == "mouse_down")
            elif k == "type":
                self._type(action.text or "")
            elif k == "key":
                for name in action.keys:
                    self._chord([name])
            elif k == "hotkey":
                self._chord(list(action.keys))
            elif k in ("key_down", "key_up"):
                self._key_hold(action.keys, k == "key_down")
            elif k == "wait":
                time.sleep(min(max(action.seconds, 0.0), MAX_WAIT))
            elif k not in ("done", "fail"):
                raise ValueError(f"unknown action kind {k!r}")
        finally:
            self._restore_temps()
            self.d.sync()

    def close(self) -> None:
        """Let go of anything still held and undo remaps, so the display is left clean."""
        try:
            for kc in reversed(self._held_keys):
                xtest.fake_input(self.d, X.KeyRelease, kc)
            for b in self._held_buttons:
                xtest.fake_input(self.d, X.ButtonRelease, b)
            self._held_keys.clear()
            self._held_buttons.clear()
            self._restore_temps()
            self.d.sync()
        finally:
            self.d.close()

    # ---- mouse ----------------------------------------------------------------------------
    def _check(self, x: int | None, y: int | None) -> None:
        if x is None and y is None:
            return
        if not (isinstance(x, int) and isinstance(y, int) and 0 <= x < self.width and 0 <= y < self.height):
            raise ValueError(f"coordinates ({x}, {y}) are outside the {self.width}x{self.height} screen")

    def _move(self, x: int | None, y: int | None) -> None:
        xtest.fake_input(self.d, X.MotionNotify, x=x, y=y)
        self.d.sync()

    def _move_opt(self, x: int | None, y: int | None) -> None:
        if x is not None:
            self._move(x, y)
            time.sleep(HOVER_GAP)

    def _button(self, b: int, down: bool) -> None:
        xtest.fake_input(self.d, X.ButtonPress if down else X.ButtonRelease, b)
        self.d.sync()
        (self._held_buttons.add if down else self._held_buttons.discard)(b)

    def _click(self, x: int | None, y: int | None, b: int, n: int) -> None:
        self._move_opt(x, y)
        for i in range(max(0, min(n, 10))):
            if i:
                time.sleep(CLICK_GAP)
            self._button(b, True)
            time.sleep(PRESS_GAP)
            self._button(b, False)

    def _drag(self, a: Action) -> None:
        x0, y0 = (a.x, a.y) if a.x is not None else self.pointer()
        self._move(x0, y0)
        time.sleep(HOVER_GAP)
        b = BUTTONS[a.button]
        self._button(b, True)
        time.sleep(PRESS_GAP)
        for i in range(1, DRAG_STEPS + 1):  # several motions: drag thresholds and sliders need them
            self._move(round(x0 + (a.to_x - x0) * i / DRAG_STEPS), round(y0 + (a.to_y - y0) * i / DRAG_STEPS))
            time.sleep(0.01)
        time.sleep(PRESS_GAP)
        self._button(b, False)

    def _scroll(self, a: Action) -> None:
        self._move_opt(a.x, a.y)
        if a.kind == "scroll":  # pyautogui: positive scrolls up (button 4), negative down (5)
            b = 4 if a.amount > 0 else 5
        else:                   # positive scrolls right (7), negative left (6), as pyautogui's X11 backend
            b = 7 if a.amount > 0 else 6
        for _ in range(min(abs(a.amount), MAX_SCROLL)):
            self._button(b, True)
            self._button(b, False)
            time.sleep(0.01)

    # ---- keyboard -------------------------------------------------------------------------
    def _prepare(self, keysyms: set[int]) -> None:
        """Make every keysym typeable, mapping missing ones onto spare keycodes."""
        missing = [ks for ks in keysyms if ks not in self._lookup and ks not in self._temp]
        if not missing:
            return
        if len(missing) > len(self._spare):
            raise ValueError(f"too many unmapped symbols at once ({len(missing)})")
        held = set(self._held_keys)
        if len(missing) > len([kc for kc in self._spare if kc not in self._temp.values()]):
            self._restore_temps()
        free = [kc for kc in self._spare if kc not in self._temp.values() and kc not in held]
        for ks, kc in zip(missing, free):
            # Both levels hold the symbol: with one, X would derive an upper/lower case pair.
            self.d.change_keyboard_mapping(kc, [(ks, ks)])
            self._temp[ks] = kc
        self.d.sync()
        time.sleep(REMAP_SETTLE)

    def _code(self, ks: int) -> tuple[int, bool]:
        return self._lookup.get(ks) or (self._temp[ks], False)

    def _restore_temps(self) -> None:
        held = set(self._held_keys)
        done = [ks for ks, kc in self._temp.items() if kc not in held]
        if not done:
            return
        time.sleep(REMAP_SETTLE)  # the client must have looked up the keysym before it changes
        for ks in done:
            kc = self._temp.pop(ks)
            self.d.change_keyboard_mapping(kc, [tuple(self._rows[kc])])
        self.d.sync()

    def _chord(self, names: list[str]) -> None:
        """Press keys in order, release in reverse (a single key is a chord of one)."""
        syms = [key_keysym(n) for n in names]
        self._prepare(set(syms))
        down: list[int] = []
        for ks in syms:
            kc, shift = self._code(ks)
            for c in ([self._shift_kc] if shift and self._shift_kc not in down else []) + [kc]:
                xtest.fake_input(self.d, X.KeyPress, c)
                down.append(c)
            self.d.sync()
            time.sleep(KEY_GAP)
        # a window-manager chord (alt+tab) needs the modifier held until the WM has grabbed the
        # keyboard; released at once, openbox leaves its switcher open and switches nothing
        time.sleep(WM_CHORD_HOLD if len(syms) > 1 and key_keysym("tab") in syms else PRESS_GAP)
        for c in reversed(down):
            xtest.fake_input(self.d, X.KeyRelease, c)
            self.d.sync()
            time.sleep(KEY_GAP)

    def _key_hold(self, names: tuple[str, ...], down: bool) -> None:
        for name in names:
            ks = key_keysym(name)
            if down:
                self._prepare({ks})
            elif ks not in self._lookup and ks not in self._temp:
                continue  # nothing of ours is down for it
            kc, shift = self._code(ks)
            codes = [self._shift_kc, kc] if shift else [kc]
            for c in codes if down else reversed(codes):
                if down:
                    xtest.fake_input(self.d, X.KeyPress, c)
                    self._held_keys.append(c)
                elif c in self._held_keys:
                    xtest.fake_input(self.d, X.KeyRelease, c)
                    self._held_keys.remove(c)
            self.d.sync()

    def _type(self, text: str) -> None:
        # Type in runs whose unmapped symbols fit in the spare keycodes, so a CJK paragraph
        # needs one remap per run rather than one per character.
        cap = len([kc for kc in self._spare if kc not in self._held_keys])
        i = 0
        while i < len(text):
            need: set[int] = set()
            j = i
            while j < len(text):
                ks = char_keysym(text[j])
                if ks not in self._lookup and ks not in need:
                    if len(need) == cap:
                        break
                    need.add(ks)
                j += 1
            if j == i:
                raise ValueError(f"cannot type {text[i]!r}: no spare keycode to map it to")
            self._prepare(need)
            for ch in text[i:j]:
                kc, shift = self._code(char_keysym(ch))
                if shift:
                    xtest.fake_input(self.d, X.KeyPress, self._shift_kc)
                xtest.fake_input(self.d, X.KeyPress, kc)
                self.d.sync()
                time.sleep(KEY_GAP)
                xtest.fake_input(self.d, X.KeyRelease, kc)
                if shift:
                    xtest.fake_input(self.d, X.KeyRelease, self._shift_kc)
                self.d.sync()
                time.sleep(KEY_GAP)
            i = j
            if i < len(text):
                self._restore_temps()


def perform_all(xin: "XInput", actions: list[dict], pause: Callable[[float], None]) -> str | None:
    """Perform one step's actions in order; return the step's error text, or None.

    `pause(seconds)` runs between actions: pyautogui pauses between calls (PAUSE) and code
    written for it expects that gap, e.g. for the address bar to take focus. A bad action
    (a click outside the screen) ends the step with an error instead of crashing the box."""
    for i, d in enumerate(actions):
        a = Action.from_dict(d)
        if a.kind in ("done", "fail"):
            continue
        if i:
            pause(ACTION_GAP_S)
        try:
            xin.perform(a)
        except ValueError as exc:
            return str(exc)
    return None
