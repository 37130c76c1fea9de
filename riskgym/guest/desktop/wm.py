"""The desktop's windows through the window manager's EWMH hints, with python-xlib.

No wmctrl/xdotool subprocess per question: an observation asks for every window's title and
geometry, and a fork per window would cost more than the screenshot itself.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable

from Xlib import X, Xatom, error
from Xlib import display as xdisplay
from Xlib.protocol import event

log = logging.getLogger(__name__)

_ATOMS = ("_NET_CLIENT_LIST_STACKING", "_NET_ACTIVE_WINDOW", "_NET_WM_NAME", "UTF8_STRING", "_NET_WM_STATE",
          "_NET_WM_STATE_MAXIMIZED_VERT", "_NET_WM_STATE_MAXIMIZED_HORZ", "_NET_WM_STATE_HIDDEN", "_NET_WM_PID",
          "_NET_FRAME_EXTENTS", "_NET_SUPPORTING_WM_CHECK", "_NET_CLOSE_WINDOW", "_NET_WM_WINDOW_TYPE",
          "_NET_WM_WINDOW_TYPE_DIALOG", "CLIPBOARD", "RISKGYM_SEL")
_XERRORS = (error.BadWindow, error.BadDrawable, error.BadMatch, error.BadValue)


class WindowManager:
    def __init__(self, display: str) -> None:
        self.d = xdisplay.Display(display)
        self.root = self.d.screen().root
        self.atom = {name: self.d.intern_atom(name) for name in _ATOMS}

    def _prop(self, win, name: str, typ: int = X.AnyPropertyType):
        try:
            p = win.get_full_property(self.atom.get(name) or self.d.intern_atom(name), typ)
        except _XERRORS:
            return None
        return p.value if p is not None else None

    def wm_ready(self) -> bool:
        return bool(self._prop(self.root, "_NET_SUPPORTING_WM_CHECK"))

    def wait_managing(self, timeout: float) -> bool:
        """True once the window manager manages new windows. Its EWMH hints appear before it
        handles map requests, and a window mapped in between stays unmanaged for good, so map
        probe windows until one is in the client list: a fresh one after 0.3 s, then after twice
        as long each time (up to 3 s), so a starved window manager still gets one through."""
        end, wait = time.monotonic() + timeout, 0.3
        while time.monotonic() < end:
            probe = self.root.create_window(0, 0, 8, 8, 0, X.CopyFromParent)
            probe.set_wm_name("riskgym-probe")
            probe.map()
            self.d.sync()
            try:
                retry, wait = time.monotonic() + wait, min(2 * wait, 3.0)
                while time.monotonic() < min(retry, end):
                    if probe.id in (self._prop(self.root, "_NET_CLIENT_LIST") or []):
                        return True
                    time.sleep(0.02)
            finally:
                probe.destroy()
                self.d.sync()
        return False

    def title(self, win) -> str:
        v = self._prop(win, "_NET_WM_NAME", self.atom["UTF8_STRING"])
        if v is None:
            v = self._prop(win, "WM_NAME", Xatom.STRING)
        if isinstance(v, bytes):
            return v.decode("utf-8", errors="replace")
        return str(v or "")

    def windows(self) -> list[dict[str, Any]]:
        """Managed windows, bottom to top, with title, class, pid, on-screen geometry (the client
        area, which is what an agent clicks into), state and whether it is active."""
        self.d.sync()
        ids = self._prop(self.root, "_NET_CLIENT_LIST_STACKING") or []
        active = (self._prop(self.root, "_NET_ACTIVE_WINDOW") or [0])[0]
        out = []
        for wid in ids:
            win = self.d.create_resource_object("window", wid)
            try:
                geo = win.get_geometry()
                pos = self.root.translate_coords(win, 0, 0)
                wm_class = win.get_wm_class() or ("", "")
            except _XERRORS:
                continue        # closed while we looked
            states = set(self._prop(win, "_NET_WM_STATE") or [])
            types = set(self._prop(win, "_NET_WM_WINDOW_TYPE") or [])
            out.append({
                "id": wid, "title": self.title(win), "class": wm_class[-1] if wm_class else "",
                "pid": (self._prop(win, "_NET_WM_PID") or [None])[0],
                "x": pos.x, "y": pos.y, "width": geo.width, "height": geo.height,
                "active": wid == active, "hidden": self.atom["_NET_WM_STATE_HIDDEN"] in states,
                "dialog": self.atom["_NET_WM_WINDOW_TYPE_DIALOG"] in types,
                "maximised": {self.atom["_NET_WM_STATE_MAXIMIZED_VERT"],
                              self.atom["_NET_WM_STATE_MAXIMIZED_HORZ"]} <= states,
            })
        return out

    def active(self) -> dict[str, Any] | None:
        return next((w for w in self.windows() if w["active"]), None)

    def find(self, title: str) -> dict[str, Any] | None:
        """The topmost window whose title contains `title` (case-insensitive)."""
        want = title.casefold()
        hits = [w for w in self.windows() if want in w["title"].casefold()]
        return hits[-1] if hits else None

    def wait_for(self, pred: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any] | None:
        end = time.monotonic() + timeout
        while True:
            hit = next((w for w in reversed(self.windows()) if pred(w)), None)
            if hit or time.monotonic() > end:
                return hit
            time.sleep(0.05)

    def _client_message(self, wid: int, name: str, data: list[int]) -> None:
        win = self.d.create_resource_object("window", wid)
        ev = event.ClientMessage(window=win, client_type=self.atom[name], data=(32, (data + [0] * 5)[:5]))
        self.root.send_event(ev, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        self.d.sync()

    def activate(self, wid: int) -> None:
        self._client_message(wid, "_NET_ACTIVE_WINDOW", [2, X.CurrentTime, 0])   # 2: from a pager

    def maximise(self, wid: int) -> None:
        self._client_message(wid, "_NET_WM_STATE", [1, self.atom["_NET_WM_STATE_MAXIMIZED_VERT"],
                                                     self.atom["_NET_WM_STATE_MAXIMIZED_HORZ"], 2])

    def close_window(self, wid: int) -> None:
        self._client_message(wid, "_NET_CLOSE_WINDOW", [X.CurrentTime, 2])

    def set_background(self, rgb: tuple[int, int, int]) -> None:
        cmap = self.d.screen().default_colormap
        pixel = cmap.alloc_color(*(c * 257 for c in rgb)).pixel
        self.root.change_attributes(background_pixel=pixel)
        self.root.clear_area()
        self.d.sync()

    def clipboard(self, timeout: float = 5.0) -> str | None:
        """The CLIPBOARD selection's text, asked of its owner as any app would paste it. An idle
        owner answers in milliseconds; a starved one can take seconds, and giving up early would
        read as an empty clipboard in the state."""
        if self.d.get_selection_owner(self.atom["CLIPBOARD"]) == X.NONE:
            return None
        win = self.root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        try:
            win.convert_selection(self.atom["CLIPBOARD"], self.atom["UTF8_STRING"], self.atom["RISKGYM_SEL"],
                                  X.CurrentTime)
            self.d.flush()
            end = time.monotonic() + timeout
            while time.monotonic() < end:
                if self.d.pending_events():
                    ev = self.d.next_event()
                    if ev.type == X.SelectionNotify and ev.requestor == win:
                        if ev.property == X.NONE:
                            return None
                        p = win.get_full_property(self.atom["RISKGYM_SEL"], X.AnyPropertyType)
                        v = p.value if p is not None else b""
                        return v.decode("utf-8", errors="replace") if isinstance(v, bytes) else str(v)
                else:
                    time.sleep(0.01)
            return None
        finally:
            win.destroy()
            self.d.sync()

    def close(self) -> None:
        try:
            self.d.close()
        except Exception as exc:
            log.debug("closing the X display failed: %s", exc)
