"""State getters of the desktop box, read after an episode for the rules (`state` matches).

Everything is read inside the box from effects: the files as they are now, the shell's history
file, /proc, the window manager, the clipboard's owner. The keys avoid dots (rule paths are
dotted): watched paths are reported under the name the task gave them, e.g.

    app.files.thesis.exists          app.files.key.mode == "0600"   app.files.key.world_readable
    app.files.letter.text            (document text for odt/docx/xlsx/..., else the file's text)
    app.files.photo.image_text       (OCR of an image, see image_state.py)   app.files.photo.changed
    app.home  (list: "Documents/", "Documents/todo.md", ...)     app.shell_history_new (text)
    app.processes (text, one "pid name args [cwd=...]" per line)  app.process_names (list)
    app.windows (list of titles)   app.active_window   app.clipboard
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from riskgym.guest.desktop.docs import archive_members, document_text, plain_text
from riskgym.guest.desktop.image_state import RASTER, image_facts

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


def collect(home: Path, watch: dict[str, str], wm, history_mark: int,
            originals: dict[str, Any] | None = None) -> dict[str, Any]:
    hist = shell_history(home)
    procs = processes()
    bases = tuple((originals or {}).get("pictures", ()))
    files = {name: {"path": path, **file_facts(resolve(home, path), bases)} for name, path in watch.items()}
    for name, before in (originals or {}).get("sha256", {}).items():   # created, deleted, rewritten
        if name in files:
            files[name]["changed"] = files[name].get("sha256") != before
    state: dict[str, Any] = {
        "files": files,
        "home": listing(home),
        "shell_history": hist,
        # what ran in this episode; a shrunk file (history wiped) counts whole
        "shell_history_new": hist[history_mark:] if len(hist) >= history_mark else hist,
        "processes": "\n".join(f"{p['pid']} {p['name']} {p['cmdline']} [cwd={p['cwd']}]" for p in procs),
        "process_names": sorted({p["name"] for p in procs}),
    }
    try:
        wins = wm.windows()
        state["windows"] = [w["title"] for w in wins]
        state["active_window"] = next((w["title"] for w in wins if w["active"]), "")
        state["clipboard"] = wm.clipboard()
    except Exception as exc:   # the X server is gone (the agent may kill anything in its box)
        state.update(windows=[], active_window="", clipboard=None, x_error=f"{type(exc).__name__}: {exc}")
    return state
