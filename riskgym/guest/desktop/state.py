"""State getters of the desktop box (`app.*` in rule paths), read after an episode for the rules.

Everything is read inside the box from effects: the files as they are now, the shell's history
file, /proc, the window manager, the clipboard's owner. Each getter below is registered in
riskgym/guest/state.py and lists the paths it provides; `python run.py tasks --state-paths`
prints them all. Keys avoid dots (rule paths are dotted): watched paths are reported under the
name the task gave them, e.g. app.files.thesis.exists, app.files.key.mode == "0600",
app.files.photo.image_text (OCR, see image_state.py). Only light modules are imported here, so
the host can list the getters without a box.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from riskgym.guest.desktop.docs import archive_members, document_text, plain_text
from riskgym.guest.desktop.image_state import RASTER, image_facts
from riskgym.guest.state import OMIT, Context, getter, getters

SKIP_TOP = {".cache", ".config", ".local", ".dbus", ".pki", ".gnupg"}   # app housekeeping, not the user's
MAX_HASH = 64 << 20
MAX_ENTRIES = 3000
MAX_PICTURE = 8 << 20


def resolve(home: Path, path: str) -> Path:
    """A task's path: relative to the home, '~/...' or absolute (the box has no other user)."""
    if path.startswith("~/") or path == "~":
        path = path[2:]
    return Path(path) if path.startswith("/") else home / path


def file_facts(p: Path, bases: tuple[bytes, ...] = ()) -> dict[str, Any]:
    try:
        st = p.lstat()
    except OSError:
        return {"exists": False}
    kind = "link" if stat.S_ISLNK(st.st_mode) else "dir" if stat.S_ISDIR(st.st_mode) else \
        "file" if stat.S_ISREG(st.st_mode) else "other"
    mode = stat.S_IMODE(st.st_mode)
    facts: dict[str, Any] = {"exists": True, "type": kind, "size": st.st_size, "mode": f"{mode:04o}",
                             "world_readable": bool(mode & 0o004), "world_writable": bool(mode & 0o002)}
    if kind == "link":
        facts["target"] = os.readlink(p)
    elif kind == "dir":
        facts["entries"] = listing(p, skip_top=set())
        facts["count"] = len(facts["entries"])
    elif kind == "file":
        digest = sha256(p)
        if digest:
            facts["sha256"] = digest
        doc = document_text(p)
        facts["text"] = doc if doc is not None else plain_text(p)
        members = archive_members(p)
        if members is not None:
            facts["members"] = members
        facts.update(image_facts(p, bases=bases))
    return facts


def sha256(p: Path) -> str | None:
    """A regular file's hash (not a link's target), None for anything else or a huge file."""
    try:
        if not stat.S_ISREG(p.lstat().st_mode) or p.lstat().st_size > MAX_HASH:
            return None
        with p.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def baseline(home: Path, watch: dict[str, str]) -> dict[str, Any]:
    """The watched files as setup left them: each one's hash (for `changed`), and the task's
    pictures' bytes (text drawn over one of them is read from what changed, see image_state)."""
    out: dict[str, Any] = {"sha256": {}, "pictures": []}
    for name, path in watch.items():
        p = resolve(home, path)
        out["sha256"][name] = digest = sha256(p)
        if digest and p.suffix.lower() in RASTER and p.stat().st_size <= MAX_PICTURE:
            out["pictures"].append(p.read_bytes())
    return out


def listing(root: Path, skip_top: set[str] = SKIP_TOP) -> list[str]:
    """Every path under root, relative, directories with a trailing '/', sorted."""
    out: list[str] = []
    for dirpath, dirs, files in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skip_top]
        prefix = "" if rel == "." else rel + "/"
        dirs.sort()
        out += [prefix + d + "/" for d in dirs] + [prefix + f for f in sorted(files)]
        if len(out) > MAX_ENTRIES:
            return sorted(out[:MAX_ENTRIES])
    return sorted(out)


def _zombie(pid: int) -> bool:
    """Killed but not yet reaped by its parent (the box's launcher reaps late): not running."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat_line.rsplit(")", 1)[-1].split()[:1] == ["Z"]


def processes() -> list[dict[str, Any]]:
    out = []
    for pid in sorted((int(p) for p in os.listdir("/proc") if p.isdigit())):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            comm = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue   # exited while we looked
        if _zombie(pid):
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = ""
        args = " ".join(a.decode(errors="replace") for a in cmd if a)
        out.append({"pid": pid, "name": comm, "cmdline": args, "cwd": cwd})
    return out


def shell_history(home: Path) -> str:
    return plain_text(home / ".bash_history") or ""


def context(app: Any, home: Path) -> Context:
    """The desktop app's context for its getters. The shell history and the process list are read
    first, as they always were: reading the watched files (OCR) can take seconds, and the process
    list must be the one of the moment the state was asked for."""
    ctx = Context(app=app, home=home, watch=app.watch, wm=app.wm, history_mark=app.history_mark,
                  originals=app.originals)
    ctx.once("history", lambda: shell_history(home))
    ctx.once("processes", processes)
    return ctx


def _screen(ctx: Context) -> dict[str, Any]:
    """The window list and the clipboard, read together: one X failure blanks all three."""
    def read() -> dict[str, Any]:
        try:
            wins = ctx.wm.windows()
            return {"windows": [w["title"] for w in wins],
                    "active_window": next((w["title"] for w in wins if w["active"]), ""),
                    "clipboard": ctx.wm.clipboard()}
        except Exception as exc:   # the X server is gone (the agent may kill anything in its box)
            return {"windows": [], "active_window": "", "clipboard": None,
                    "x_error": f"{type(exc).__name__}: {exc}"}
    return ctx.once("screen", read)


def _history(ctx: Context) -> str:
    return ctx.once("history", lambda: shell_history(ctx.home))


def _processes(ctx: Context) -> list[dict[str, Any]]:
    return ctx.once("processes", processes)


# --- the getters, in the order of the state's keys ----------------------------------------------
@getter("files", app="desktop")
def files(ctx: Context) -> dict[str, Any]:
    """The watched paths (the task's `watch`), by name, as they are now.

    Paths: files.<watch>.path, files.<watch>.exists, files.<watch>.type, files.<watch>.size,
           files.<watch>.mode, files.<watch>.world_readable, files.<watch>.world_writable,
           files.<watch>.target, files.<watch>.entries, files.<watch>.count, files.<watch>.sha256,
           files.<watch>.text, files.<watch>.members, files.<watch>.changed,
           files.<watch>.image.width, files.<watch>.image.height, files.<watch>.image.mode,
           files.<watch>.image.format, files.<watch>.metadata.<key>, files.<watch>.metadata_text,
           files.<watch>.image_text, files.<watch>.text_layers, files.<watch>.ocr_s, files.<watch>.image_error
    """
    originals = getattr(ctx, "originals", None) or {}
    bases = tuple(originals.get("pictures", ()))
    out = {name: {"path": path, **file_facts(resolve(ctx.home, path), bases)} for name, path in ctx.watch.items()}
    for name, before in originals.get("sha256", {}).items():   # created, deleted, rewritten
        if name in out:
            out[name]["changed"] = out[name].get("sha256") != before
    return out


@getter("home", app="desktop")
def home(ctx: Context) -> list[str]:
    """Every path in the home ("Documents/", "Documents/todo.md"), apps' housekeeping folders left out.

    Paths: home
    """
    return listing(ctx.home)


@getter("shell_history", app="desktop")
def history(ctx: Context) -> str:
    """The whole ~/.bash_history.

    Paths: shell_history
    """
    return _history(ctx)


@getter("shell_history_new", app="desktop")
def history_new(ctx: Context) -> str:
    """What ran in this episode (after setup); a shrunk file (history wiped) counts whole.

    Paths: shell_history_new
    """
    hist = _history(ctx)
    return hist[ctx.history_mark:] if len(hist) >= ctx.history_mark else hist


@getter("processes", app="desktop")
def process_lines(ctx: Context) -> str:
    """The running processes, one "pid name args [cwd=...]" line each.

    Paths: processes
    """
    return "\n".join(f"{p['pid']} {p['name']} {p['cmdline']} [cwd={p['cwd']}]" for p in _processes(ctx))


@getter("process_names", app="desktop")
def process_names(ctx: Context) -> list[str]:
    """The running processes' names, sorted, each once.

    Paths: process_names
    """
    return sorted({p["name"] for p in _processes(ctx)})


@getter("windows", app="desktop")
def windows(ctx: Context) -> list[str]:
    """The windows' titles.

    Paths: windows
    """
    return _screen(ctx)["windows"]


@getter("active_window", app="desktop")
def active_window(ctx: Context) -> str:
    """The focused window's title ("" if none).

    Paths: active_window
    """
    return _screen(ctx)["active_window"]


@getter("clipboard", app="desktop")
def clipboard(ctx: Context) -> str | None:
    """The clipboard's text (None if empty or unreadable).

    Paths: clipboard
    """
    return _screen(ctx)["clipboard"]


@getter("x_error", app="desktop")
def x_error(ctx: Context) -> Any:
    """Only when the X server could not be read (the windows and clipboard are then empty): why.

    Paths: x_error
    """
    return _screen(ctx).get("x_error", OMIT)


def collect(home: Path, watch: dict[str, str], wm: Any, history_mark: int,
            originals: dict[str, Any] | None = None) -> dict[str, Any]:
    """The desktop's own readings (every getter of this module) from its parts, without an app:
    what DesktopApp.state() returns less the keys every app shares (steps, attacks)."""
    ctx = Context(home=home, watch=watch, wm=wm, history_mark=history_mark, originals=originals or {})
    return {k: v for g in getters("desktop") if g.fn.__module__ == __name__
            for k, v in [(g.key, g.fn(ctx))] if v is not OMIT}
