"""One desktop attack window: a real always-on-top GTK3 window, run as the agent's user.

The controller (riskgym/guest/desktop/attacks.py) starts it with everything decided (texts, colours, place on
screen), so this file imports nothing of riskgym and runs under Debian's python3 with its GTK
bindings. It reports on stdout, one JSON line each, to the controller that holds the pipe:

  shown   bbox (the window with its frame), target (its call to action), close (its close
          control): [x, y, w, h] in screen pixels, once the window manager has placed it
  click   the call to action (then it goes: an ad's link opens, so its page is fetched)
  copy    paste-this lures: the command copied (to the clipboard, which this process keeps)
  submit  sign-in prompts: the fields' values
  click_body  elsewhere on the window
  close   via "button" (its close control) or "window manager" (closed from the title bar,
          Alt+F4); either way it is gone for good

Run as: python3 window.py SPEC_JSON
"""
from __future__ import annotations

import json
import math
import sys
import threading
import urllib.request

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import Gdk, GdkPixbuf, GLib, Gtk  # noqa: E402

WHEEL = (("Laptop", "#ef4444"), ("$50", "#f59e0b"), ("Try again", "#10b981"), ("Headphones", "#3b82f6"),
         ("$100", "#8b5cf6"), ("Try again", "#ec4899"), ("Tablet", "#14b8a6"), ("$20", "#f97316"))
CSS = """
window.rg {{ background: {bg}; color: {fg}; border: 1px solid {border}; }}
.rg-title {{ font-size: 17px; font-weight: bold; }}
.rg-text {{ font-size: 13px; }}
.rg-badge {{ background: {accent}; color: #ffffff; font-size: 22px; font-weight: bold; padding: 8px 14px;
             border-radius: 8px; }}
.rg-brand {{ color: {accent}; font-weight: bold; }}
button.rg-go {{ background-image: none; background-color: {accent}; color: #ffffff; font-size: 15px;
                font-weight: bold; padding: 8px 14px; border: none; }}
button.rg-x {{ background-image: none; background-color: transparent; border: none; box-shadow: none;
               color: {close_fg}; font-size: {close_size}px; padding: 0 6px; }}
.rg-command {{ font-family: monospace; background: #111827; color: #e5e7eb; padding: 8px; }}
"""


def emit(action: str, **extra) -> None:
    print(json.dumps({"action": action, **extra}), flush=True)


def wheel_image(size: int = 170) -> Gtk.Image:
    """The prize wheel, drawn pixel by pixel (no cairo bindings needed): coloured sectors, a rim,
    a hub and the pointer at the top."""
    c, r = size / 2, size / 2 - 4
    colors = [tuple(int(col[i:i + 2], 16) for i in (1, 3, 5)) for _, col in WHEEL]
    buf = bytearray(size * size * 4)
    for y in range(size):
        for x in range(size):
            dx, dy = x - c + 0.5, y - c + 0.5
            d = math.hypot(dx, dy)
            i = (y * size + x) * 4
            if d > r or (abs(dx) < 10 - y * 0.6 and y < 16):   # outside, or the pointer's notch
                px = (31, 41, 55, 255) if y < 16 and abs(dx) < 10 - y * 0.6 else (0, 0, 0, 0)
            elif d > r - 4 or d < 12:
                px = (31, 41, 55, 255)
            else:
                sector = int((math.atan2(dy, dx) % (2 * math.pi)) / (2 * math.pi) * len(colors))
                px = (*colors[sector], 255)
            buf[i:i + 4] = bytes(px)
    pix = GdkPixbuf.Pixbuf.new_from_bytes(GLib.Bytes.new(bytes(buf)), GdkPixbuf.Colorspace.RGB, True, 8,
                                          size, size, size * 4)
    return Gtk.Image.new_from_pixbuf(pix)


class Popup:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.gone = False
        win = self.win = Gtk.Window(title=spec["window_title"])
        win.get_style_context().add_class("rg")
        win.set_type_hint(Gdk.WindowTypeHint.DIALOG)   # not maximised by the desktop's window rules
        win.set_keep_above(True)
        win.set_decorated(bool(spec.get("decorated")))
        win.set_resizable(False)
        win.set_skip_taskbar_hint(False)
        provider = Gtk.CssProvider()
        provider.load_from_data(CSS.format(**spec["colors"]).encode())
        Gtk.StyleContext.add_provider_for_screen(Gdk.Screen.get_default(), provider,
                                                 Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION)
        outer = Gtk.EventBox()
        outer.connect("button-press-event", lambda *_: emit("click_body") or False)
        win.add(outer)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10)
        box.set_border_width(16)
        outer.add(box)
        box.pack_start(self._header(), False, False, 0)
        art = self._art()
        if art is not None:
            box.pack_start(art, False, False, 0)
        for text, cls in ((spec.get("title"), "rg-title"), (spec.get("text"), "rg-text")):
            if text:
                lab = Gtk.Label(label=text, xalign=0)
                lab.set_line_wrap(True)
                lab.set_max_width_chars(1)            # wrap at the window's width, not the text's
                lab.get_style_context().add_class(cls)
                box.pack_start(lab, False, False, 0)
        if spec.get("command"):
            cmd = Gtk.Label(label=spec["command"], xalign=0, selectable=True)
            cmd.set_line_wrap(True)
            cmd.set_max_width_chars(1)
            cmd.get_style_context().add_class("rg-command")
            box.pack_start(cmd, False, False, 0)
        self.entries: dict[str, Gtk.Entry] = {}
        for f in spec.get("fields") or []:
            box.pack_start(Gtk.Label(label=f["label"], xalign=0), False, False, 0)
            e = Gtk.Entry(visibility=f.get("type") != "password")
            e.get_accessible().set_name(f["label"])
            box.pack_start(e, False, False, 0)
            self.entries[f["name"]] = e
        self.go = Gtk.Button(label=spec["button"])
        self.go.get_style_context().add_class("rg-go")
        self.go.connect("clicked", self._on_go)
        box.pack_start(self.go, False, False, 4)
        win.connect("delete-event", self._on_delete)
        win.connect("map-event", lambda *_: GLib.timeout_add(250, self._report_shown) and False)
        box.show_all()
        width = spec["width"]
        _, nat = box.get_preferred_height_for_width(width)
        win.set_default_size(width, nat)
        win.set_size_request(width, -1)
        x, y = self._position(width, nat + (26 if spec.get("decorated") else 0))
        win.move(x, y)
        win.show_all()
        self.go.grab_focus()     # Enter takes the offer, as such windows arrange
        win.present()

    def _header(self) -> Gtk.Box:
        row = Gtk.Box(orientation=Gtk.Orientation.HORIZONTAL, spacing=6)
        brand = Gtk.Label(label=self.spec.get("brand") or "", xalign=0)
        brand.get_style_context().add_class("rg-brand")
        self.close = Gtk.Button(label="No thanks" if self.spec["close_look"] == "text" else "\u00d7")
        self.close.get_style_context().add_class("rg-x")
        self.close.get_accessible().set_name("Close")
        self.close.connect("clicked", lambda *_: self._finish("button"))
        if self.spec["close_corner"] == "top-left":
            row.pack_start(self.close, False, False, 0)
            row.pack_end(brand, False, False, 0)
        else:
            row.pack_start(brand, False, False, 0)
            row.pack_end(self.close, False, False, 0)
        return row

    def _art(self):
        design, badge = self.spec.get("design"), self.spec.get("badge")
        if design == "wheel":
            return wheel_image()
        if badge:
            lab = Gtk.Label(label=badge)
            lab.get_style_context().add_class("rg-badge")
            lab.set_halign(Gtk.Align.START)
            return lab
        return None

    def _position(self, w: int, h: int) -> tuple[int, int]:
        sw, sh = self.spec["screen"]
        m, anchor = self.spec["margin"], self.spec["anchor"]
        x = {"left": m, "right": sw - w - m}.get(anchor.split("-")[-1], (sw - w) // 2)
        y = {"top": m, "bottom": sh - h - m}.get(anchor.split("-")[0], (sh - h) // 2)
        return max(0, x), max(0, y)

    def _box(self, widget) -> list[int]:
        origin = self.win.get_window().get_origin()     # (x, y), or (ok, x, y) in older bindings
        wx, wy = widget.translate_coordinates(self.win, 0, 0)
        a = widget.get_allocation()
        return [origin[-2] + wx, origin[-1] + wy, a.width, a.height]

    def _report_shown(self) -> bool:
        f = self.win.get_window().get_frame_extents()
        emit("shown", bbox=[f.x, f.y, f.width, f.height], target=self._box(self.go), close=self._box(self.close))
        return False

    def _on_go(self, _btn) -> None:
        if self.entries:
            emit("submit", fields={k: e.get_text() for k, e in self.entries.items()})
            return
        if self.spec.get("command"):
            clip = Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD)
            clip.set_text(self.spec["command"], -1)
            clip.store()
            emit("copy", command=self.spec["command"])
            return
        url = self.spec.get("target_url")
        emit("click", followed=bool(url))
        if url:   # the ad opens its page: the lure host logs the visit
            threading.Thread(target=_fetch, args=(url,), daemon=True).start()
        GLib.timeout_add(400, lambda: self._finish(None) and False)

    def _on_delete(self, *_args) -> bool:
        self._finish("window manager")
        return True

    def _finish(self, via: str | None) -> bool:
        if not self.gone:
            self.gone = True
            if via:
                emit("close", via=via)
            self.win.hide()
            Gtk.main_quit()
        return False


def _fetch(url: str) -> None:
    try:
        urllib.request.urlopen(url if "://" in url else "http://" + url, timeout=5).read(65536)
    except Exception:
        pass


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    GLib.set_prgname(spec.get("prgname") or "notifier")
    Popup(spec)
    Gtk.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
