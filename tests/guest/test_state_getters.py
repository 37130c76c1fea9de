"""The state getters' registry without a box: each app's keys in the order its state always had,
what a fake desktop reads (an X failure included), every key the files getter returns documented,
and a getter that documents nothing refused."""
from __future__ import annotations

import os
import zipfile

import pytest

from riskgym.guest import state as registry
from riskgym.guest.desktop import state as desktop_state
from riskgym.guest.desktop.home import _picture

DESKTOP_KEYS = ["files", "home", "shell_history", "shell_history_new", "processes", "process_names", "windows",
                "active_window", "clipboard", "x_error", "steps", "attacks"]


class FakeWM:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def windows(self):
        if self.fail:
            raise ConnectionError("X gone")
        return [{"title": "Terminal", "active": False}, {"title": "notes.txt - Mousepad", "active": True}]

    def clipboard(self):
        return "copied"


class FakeAttacks:
    def state(self):
        return {"p1": {"shown": True, "dismissed": False, "followed": False, "bbox": None, "target": None}}


class FakeDesktop:
    def __init__(self, home, wm) -> None:
        self.watch = {"notes": "notes.txt", "gone": "gone.txt"}
        self.wm, self.steps, self.attacks = wm, 4, FakeAttacks()
        (home / ".bash_history").write_text("ls\n")
        self.history_mark = len("ls\n")   # what setup typed is not the episode's
        (home / "notes.txt").write_text("hello\n")
        self.originals = desktop_state.baseline(home, self.watch)
        (home / ".bash_history").write_text("ls\nrm gone.txt\n")


def test_each_apps_state_keys_come_in_the_order_they_always_had():
    assert [g.key for g in registry.getters("desktop")] == DESKTOP_KEYS
    assert [g.key for g in registry.getters("browser")] == ["url", "tabs", "steps", "attacks"]
    assert registry.getters("none") == []
    for app in ("browser", "desktop"):
        for g in registry.getters(app):
            assert g.summary and g.paths and all(p.split(".")[0] == g.key for p in g.paths), g


@pytest.mark.parametrize("fail", [False, True])
def test_the_desktop_state_from_a_fake_app(tmp_path, fail):
    app = FakeDesktop(tmp_path, FakeWM(fail))
    st = registry.collect("desktop", desktop_state.context(app, tmp_path))
    assert list(st) == [k for k in DESKTOP_KEYS if fail or k != "x_error"]
    assert st["files"]["notes"] == {"path": "notes.txt", **desktop_state.file_facts(tmp_path / "notes.txt"),
                                    "changed": False}
    assert st["files"]["gone"] == {"path": "gone.txt", "exists": False, "changed": False}
    assert st["home"] == [".bash_history", "notes.txt"]
    assert st["shell_history_new"] == "rm gone.txt\n" and st["shell_history"] == "ls\nrm gone.txt\n"
    me = f"{os.getpid()} "
    assert any(line.startswith(me) for line in st["processes"].splitlines())
    assert st["process_names"] == sorted(set(st["process_names"]))
    assert st["steps"] == 4 and st["attacks"]["p1"]["shown"] is True
    if fail:   # one X failure blanks the windows and the clipboard, and says why, after them
        assert (st["windows"], st["active_window"], st["clipboard"]) == ([], "", None)
        assert st["x_error"] == "ConnectionError: X gone"
    else:
        assert st["windows"] == ["Terminal", "notes.txt - Mousepad"] and st["active_window"] == "notes.txt - Mousepad"
        assert st["clipboard"] == "copied"


def test_a_wiped_history_counts_whole(tmp_path):
    app = FakeDesktop(tmp_path, FakeWM())
    (tmp_path / ".bash_history").write_text("x")
    assert desktop_state.history_new(desktop_state.context(app, tmp_path)) == "x"


def _undocumented(facts: dict, templates: list[list[str]], prefix: list[str]) -> list[str]:
    """Keys of `facts` (nested) that no documented path names, as dotted paths."""
    out = []
    for key, value in facts.items():
        path = prefix + [key]
        below = [t for t in templates if len(t) > len(path) and all(
            s == p or registry.placeholder(s) for s, p in zip(t, path))]
        if isinstance(value, dict) and below:
            out += _undocumented(value, below, path)
        elif not any(len(t) == len(path) and all(s == p or registry.placeholder(s) for s, p in zip(t, path))
                     for t in templates) and not below:
            out.append(".".join(path))
    return out


def test_every_key_the_files_getter_returns_is_documented(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "a.txt").write_text("a")
    os.symlink("dir/a.txt", tmp_path / "link")
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as z:
        z.writestr("x.txt", "x")
    (tmp_path / "p.png").write_bytes(_picture(3, 64, 48))
    (tmp_path / "cut.png").write_bytes(_picture(1)[:300])
    watch = {n: n for n in ("dir", "link", "b.zip", "p.png", "cut.png", "missing")}
    watch = {n.replace(".", "_"): p for n, p in watch.items()}
    got = desktop_state.files(registry.Context(home=tmp_path, watch=watch,
                                               originals=desktop_state.baseline(tmp_path, watch)))
    files_getter = next(g for g in registry.getters("desktop") if g.key == "files")
    templates = [p.split(".") for p in files_getter.paths]
    assert _undocumented({"files": got}, templates, []) == []
    assert {"metadata", "image_text", "image", "image_error", "target", "entries", "members"} <= \
        {k for f in got.values() for k in f}    # the cases above reached every kind of fact


def test_a_getter_must_document_its_paths_under_its_key():
    def nothing(ctx):
        """No paths here."""

    def elsewhere(ctx):
        """Paths: other.thing"""

    for fn in (nothing, elsewhere):
        with pytest.raises(ValueError, match="Paths:"):
            registry.getter("mine", app="none")(fn)
    assert registry.getters("none") == []


def test_doc_paths_reads_a_wrapped_list():
    doc = """Summary.

    Paths: a.<x>.b, a.c,
           a.d

    Not a path.
    """
    assert registry.doc_paths(doc) == ("a.<x>.b", "a.c", "a.d")
