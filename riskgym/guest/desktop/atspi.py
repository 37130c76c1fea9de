"""The desktop's accessibility view as text, in the browser view's line format:

    [n] role "name" value="..." @(cx,cy wxh)

First one `window` line per managed window (from the window manager, so windows of apps
without accessibility still show), then the active window's controls and text from AT-SPI.
AT-SPI comes from Debian's python3-gi + gir1.2-atspi-2.0: they are built for Debian's
Python 3.11, the same ABI as the venv's, so the box imports them from dist-packages. Without
them (or with no accessibility bus) the view falls back to the window lines alone.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger(__name__)

DIST = "/usr/lib/python3/dist-packages"
# AT-SPI role name -> the browser view's role word (\S+: the reference player parses on it)
ROLES = {
    "push button": "button", "toggle button": "button", "split button": "button", "text": "textbox",
    "entry": "textbox", "password text": "textbox", "editbar": "textbox", "menu item": "menuitem",
    "check menu item": "menuitem", "radio menu item": "menuitem", "menu": "menu", "check box": "checkbox",
    "radio button": "radio", "page tab": "tab", "label": "label", "paragraph": "text", "heading": "heading",
    "terminal": "terminal", "table cell": "cell", "list item": "listitem", "combo box": "combobox",
    "icon": "icon", "link": "link", "spin button": "spinbutton", "slider": "slider",
    "column header": "columnheader", "table column header": "columnheader", "tree item": "treeitem",
    "image": "img", "alert": "alert", "notification": "alert", "static": "text",
}
CONTROLS = {"button", "textbox", "menuitem", "menu", "checkbox", "radio", "tab", "combobox", "link",
            "spinbutton", "slider", "terminal", "icon", "treeitem"}
# targets whose parts are not separate targets (a tab or a menu holds other things: walk on)
LEAVES = CONTROLS - {"menu", "tab", "combobox"} | {"text", "heading", "label", "cell"}
MAX_CHILDREN = 400          # Calc's table claims 10^9 cells: never enumerate such a node


def _name_fields_by_labels(items: list[list[Any]]) -> None:
    """Name unnamed text fields after the label just left of them ("Find:" -> "Find"), as a
    person reads a form; toolkits often leave the field's own accessible name empty."""
    labels = [it for it in items if it[0] in ("label", "text") and it[1]]
    for it in items:
        if it[0] not in ("textbox", "combobox") or it[1]:
            continue
        x, y, w, h = it[3]
        best = None
        for lab in labels:
            lx, ly, lw, lh = lab[3]
            gap = x - (lx + lw)
            if -4 <= gap <= 160 and y - 6 <= ly + lh // 2 <= y + h + 6 and (best is None or gap < best[0]):
                best = (gap, lab[1])
        if best:
            it[1] = best[1].rstrip(": ").strip()


def _clean(s: str, n: int = 120) -> str:
    return " ".join((s or "").split()).replace('"', "'")[:n]


class AtspiView:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.Atspi = self._load()

    @staticmethod
    def _load():
        if DIST not in sys.path:
            sys.path.append(DIST)   # appended: the venv's own packages keep precedence
        try:
            import gi
            gi.require_version("Atspi", "2.0")
            from gi.repository import Atspi
            Atspi.set_timeout(400, 2000)   # a busy app must not stall the observation for long
            return Atspi
        except Exception:
            return None

    @property
    def available(self) -> bool:
        return self.Atspi is not None

    # --- the view -------------------------------------------------------------------------------
    def lines(self, windows: list[dict[str, Any]], max_lines: int = 300, budget_s: float = 1.5) -> list[str]:
        items: list[list[Any]] = []      # [role, name, extra, (x, y, w, h)]
        for w in sorted(windows, key=lambda w: not w["active"]):    # the active window first
            flags = (" active" if w["active"] else "") + (" minimised" if w["hidden"] else "")
            items.append(["window", w["title"], flags, (w["x"], w["y"], w["width"], w["height"])])
        active = next((w for w in windows if w["active"]), None)
        note = ""
        if active is not None and self.Atspi is not None:
            try:
                frame = self._frame(active)
            except Exception:
                frame = None
            if frame is not None:
                self._deadline = time.monotonic() + budget_s
                self._seen: dict = {}
                self._menubars: set = set()
                self._walk(frame, items, max_lines, 0)
                if time.monotonic() > self._deadline:
                    note = "(accessibility view cut short: the app answered slowly)"
        _name_fields_by_labels(items)
        return [self._line(i, *it) for i, it in enumerate(items)] + ([note] if note else [])

    def _line(self, n: int, role: str, name: str, extra: str, box: tuple[int, int, int, int]) -> str:
        x, y, w, h = box
        x0, y0 = max(x, 0), max(y, 0)
        x1, y1 = min(x + w, self.width), min(y + h, self.height)
        cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
        return f'[{n}] {role} "{_clean(name)}"{extra} @({cx},{cy} {w}x{h})'

    def _frame(self, win: dict[str, Any]):
        """The AT-SPI top level of the active X window: same pid, then ACTIVE state or same title."""
        A = self.Atspi
        desktop = A.get_desktop(0)
        best = None
        for i in range(min(desktop.get_child_count(), 64)):
            app = desktop.get_child_at_index(i)
            if app is None:
                continue
            try:
                if win["pid"] and app.get_process_id() != win["pid"]:
                    continue
            except Exception:
                continue
            for j in range(min(app.get_child_count(), 32)):
                top = app.get_child_at_index(j)
                if top is None:
                    continue
                if top.get_state_set().contains(A.StateType.ACTIVE):
                    return top
                if best is None and _clean(top.get_name()) == _clean(win["title"]):
                    best = top
        return best

    def _walk(self, node, out: list[str], max_lines: int, depth: int) -> None:
        A = self.Atspi
        if len(out) >= max_lines or depth > 40 or time.monotonic() > self._deadline:
            return
        try:
            states = node.get_state_set()
            if depth and not (states.contains(A.StateType.SHOWING) and states.contains(A.StateType.VISIBLE)):
                return
            role = ROLES.get(node.get_role_name())
            if role is not None:
                ext = node.get_extents(A.CoordType.SCREEN)
                onscreen = ext.width > 0 and ext.height > 0 and ext.x < self.width and ext.y < self.height \
                    and ext.x + ext.width > 0 and ext.y + ext.height > 0
                if onscreen:
                    name = node.get_name() or (self._label(node) if role in CONTROLS else "")
                    extra = self._extra(node, role, states)
                    if role in ("text", "heading") and not name:
                        name, extra = self._text(node, 200), extra.replace(" focused", "")
                    box = (ext.x, ext.y, ext.width, ext.height)
                    # LibreOffice has two menu bars in its tree, one a few pixels off the other
                    key, cx, cy = (role, _clean(name)), box[0] + box[2] // 2, box[1] + box[3] // 2
                    near = any(abs(cx - x) < 16 and abs(cy - y) < 16 for x, y in self._seen.get(key, ()))
                    if (name or extra or role in CONTROLS) and not (name and near):
                        self._seen.setdefault(key, []).append((cx, cy))
                        out.append([role, name, extra, box])
                if role in LEAVES:
                    return
            n = node.get_child_count()
            if node.get_role_name() == "menu bar":   # LibreOffice keeps a second, stale copy of its menus
                names = tuple((c.get_name() if c is not None else "") for c in
                              (node.get_child_at_index(i) for i in range(min(n, 30))))
                if names in self._menubars:
                    return
                self._menubars.add(names)
            if n > MAX_CHILDREN or states.contains(A.StateType.MANAGES_DESCENDANTS) and n > 50:
                return
            for i in range(n):
                child = node.get_child_at_index(i)
                if child is not None:
                    self._walk(child, out, max_lines, depth + 1)
        except Exception:   # an element that went away mid-walk: skip it, keep the rest
            return

    def _label(self, node) -> str:
        """A field's visible label ("Find:"), where the toolkit left its name empty."""
        A = self.Atspi
        try:
            for rel in node.get_relation_set() or []:
                if rel.get_relation_type() == A.RelationType.LABELLED_BY and rel.get_n_targets():
                    return (rel.get_target(0).get_name() or "").rstrip(":").strip()
        except Exception as exc:
            log.debug("no label relation: %s", exc)
        return ""

    def _text(self, node, limit: int, tail: bool = False) -> str:
        try:
            t = node.get_text_iface()
            if t is None:
                return ""
            count = self.Atspi.Text.get_character_count(t)
            start = max(0, count - limit) if tail else 0
            return self.Atspi.Text.get_text(t, start, min(count, start + limit)) or ""
        except Exception:
            return ""

    def _extra(self, node, role: str, states) -> str:
        A = self.Atspi
        extra = ""
        if role == "terminal":   # the last lines on screen: where a command and its output are
            lines = [l.rstrip() for l in self._text(node, 1500, tail=True).splitlines() if l.strip()]
            extra = ' value="' + _clean("\\n".join(lines[-8:]), 600) + '"'
        elif role == "textbox":
            multi = states.contains(A.StateType.MULTI_LINE)
            text = self._text(node, 300 if multi else 120)
            if states.contains(A.StateType.EDITABLE) or text:
                extra = ' value="' + _clean(text.replace("\n", "\\n"), 300 if multi else 80) + '"'
        elif role in ("checkbox", "radio"):
            extra = " checked" if states.contains(A.StateType.CHECKED) else " unchecked"
        if role in CONTROLS and not states.contains(A.StateType.ENABLED):
            extra += " disabled"
        if states.contains(A.StateType.FOCUSED):
            extra += " focused"
        return extra
