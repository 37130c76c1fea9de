"""What rules can read of the box state: the app's part (`app.*`) from one registry of state
getters, and the keys of the sites' part (`sites.*`).

A getter computes one top-level key of an app's state from a Context, and its docstring says
which paths under that key rules can read, after a line that starts with "Paths:":

    @getter("clipboard", app="desktop")
    def clipboard(ctx):
        '''The X clipboard's text.

        Paths: clipboard
        '''

Placeholders in angle brackets stand for one key each; two name a task's own fields, so a task
can be checked against them (riskgym/tasks/paths.py): <watch> (a `watch` name) and <attack> (an
attack's id). The modules holding each app's getters are named below as strings and imported on
demand, so the host can list every app's getters without a box, and the registry imports none
of them (no import cycle). The controller's whole state is {"sites": ..., "app": collect(...)}.
"""
from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any, Callable

# app kind -> the modules that register its getters; the state's keys come in this order
# (module by module, each in definition order), so the dict an app returns has a fixed order
MODULES: dict[str, tuple[str, ...]] = {
    "browser": ("riskgym.guest.browser.state", __name__),
    "desktop": ("riskgym.guest.desktop.state", __name__),
    "none": (),
}
OMIT = object()   # a getter's value when its key is absent this time (desktop: x_error without an X failure)
_PLACEHOLDER = re.compile(r"^<[a-z_]+>$")


@dataclass(frozen=True)
class Getter:
    key: str
    apps: tuple[str, ...]
    fn: Callable[[Context], Any]
    summary: str              # the docstring's first line
    paths: tuple[str, ...]    # from the docstring's "Paths:", relative to app.


_REGISTRY: dict[str, list[Getter]] = {}   # defining module -> its getters, in definition order


class Context:
    """What getters read, as attributes (every app: `app`; the desktop's also home, watch, wm,
    history_mark, originals), and readings several getters share, taken once per collect (one
    process list for both `processes` and `process_names`)."""

    def __init__(self, **facts: Any) -> None:
        self.__dict__.update(facts)
        self._readings: dict[str, Any] = {}

    def once(self, name: str, read: Callable[[], Any]) -> Any:
        if name not in self._readings:
            self._readings[name] = read()
        return self._readings[name]


def doc_paths(doc: str | None) -> tuple[str, ...]:
    """The paths a docstring lists: the words after "Paths:" up to a blank line, comma separated."""
    lines = (doc or "").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().startswith("Paths:")), None)
    if start is None:
        return ()
    text = [lines[start].strip()[len("Paths:"):]]
    for line in lines[start + 1:]:
        if not line.strip():
            break
        text.append(line)
    return tuple(p for p in re.split(r"[,\s]+", " ".join(text)) if p)


def getter(key: str, app: str | tuple[str, ...]) -> Callable[[Callable[[Context], Any]], Callable[[Context], Any]]:
    """Register fn as the getter of `key` for these apps; fn is returned as it is (tests call it)."""
    apps = (app,) if isinstance(app, str) else tuple(app)

    def register(fn: Callable[[Context], Any]) -> Callable[[Context], Any]:
        paths = doc_paths(fn.__doc__)
        # caught when the module is imported, so a getter can never be registered undocumented
        wrong = [p for p in paths if p.split(".")[0] != key or any(not s for s in p.split("."))]
        if not paths or wrong:
            raise ValueError(f"getter {fn.__qualname__}: its docstring's 'Paths:' must list paths under {key!r}"
                             + (f" (not {wrong})" if wrong else ""))
        mine = _REGISTRY.setdefault(fn.__module__, [])
        taken = [g for g in mine if g.key == key and set(g.apps) & set(apps)]
        if taken:
            raise ValueError(f"getter {fn.__qualname__}: {key!r} already has a getter for {list(taken[0].apps)}")
        summary = (fn.__doc__ or "").strip().splitlines()[0]
        mine.append(Getter(key, apps, fn, summary, paths))
        return fn
    return register


def getters(app: str) -> list[Getter]:
    """The getters of an app kind, in the order of its state's keys."""
    if app not in MODULES:
        raise ValueError(f"unknown app {app!r} (have: {', '.join(MODULES)})")
    out = []
    for module in MODULES[app]:
        importlib.import_module(module)
        out += [g for g in _REGISTRY.get(module, []) if app in g.apps]
    return out


def collect(app: str, ctx: Context) -> dict[str, Any]:
    """The app's state: each getter's value under its key."""
    state: dict[str, Any] = {}
    for g in getters(app):
        value = g.fn(ctx)
        if value is not OMIT:
            state[g.key] = value
    return state


def placeholder(segment: str) -> bool:
    return bool(_PLACEHOLDER.match(segment))


def roots(app: str) -> dict[str, Any]:
    """What a rule's state path can start with in this app: {"app": {key: documented paths},
    "sites": {name: where it comes from}} (riskgym/tasks/paths.py checks tasks against it)."""
    return {"app": {g.key: g.paths for g in getters(app)}, "sites": sites()}


def sites() -> dict[str, str]:
    """The keys of the state's other part, `sites` (the site server's state, see
    riskgym/sites/web/server.py), each with where it comes from: every row of SITES, and what
    the attacks that install a part of the local internet add (look-alikes, lure hosts, the CAPTCHA)."""
    from riskgym.attacks import KINDS
    from riskgym.sites import SITES

    out = {name: f"site {row.host}" for name, row in SITES.items()}
    for kind, row in KINDS.items():
        if row.site:
            out[row.site] = f"{out[row.site]}, " if row.site in out else ""
            out[row.site] += f"from {kind} attacks"
    return out


# --- getters every app with a screen has (after the app's own) --------------------------------
@getter("steps", app=("browser", "desktop"))
def steps(ctx: Context) -> int:
    """How many agent steps ran.

    Paths: steps
    """
    return ctx.app.steps


@getter("attacks", app=("browser", "desktop"))
def attacks(ctx: Context) -> dict[str, Any]:
    """The on-screen attacks (pop-ups, fake log-ins, induced text) by id: shown, closed, followed.

    Paths: attacks.<attack>.shown, attacks.<attack>.dismissed, attacks.<attack>.followed,
           attacks.<attack>.bbox, attacks.<attack>.target
    """
    return ctx.app.attacks.state()
