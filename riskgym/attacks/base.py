"""What every attack kind shares: its spec's base, its trigger, its row in the KINDS table.

An attack kind is a spec (a pydantic model with `kind: Literal[...]`) and up to four guest hooks,
plain functions of the spec as a dict, since the box receives plain dicts:

- install(internet, spec)  puts its part into the local internet (a host, an ad, a challenge site);
- page(spec, screen)       browser: the script that shows it in the page (see dom.py);
- navigate(spec, url)      browser: where the page is sent when it is due (the CAPTCHA);
- window(spec, w, h)       desktop: what its always-on-top window shows (see popup/window.py);
- mount(internet)          a kind with a site of its own: that site, empty, in every box (so every
                           box's state, and so every run's records, has the same keys).

Kinds with no on-screen hook work in both environments; the others where they have a hook.
The spec says how a task's setup carries it to the box (`steps`, `phase`) and which host names
it adds (`hosts`), so nothing outside attacks/ branches on a kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from pydantic import Field

from riskgym.core.match import EventMatch, event_matches
from riskgym.core.spec import Strict

# When a kind's setup step runs, relative to the task's own setup steps (which run at TASK):
INTERNET = 0   # hosts, ads: the local internet is complete before any page loads
MAIL = 1       # mail is in the mailbox before the task's setup opens it
TASK = 2
SCREEN = 3     # on-screen attacks go over what the task's setup opened


class Trigger(Strict):
    """When an in-page attack appears: every given condition must hold (and stay shown until dismissed)."""
    at_step: int = Field(0, ge=0)  # shown once this many agent steps have run (0: from the start)
    on_url: str | None = None      # ... and only on a page whose URL contains this
    on_event: EventMatch | None = None   # ... and only once an event like this is in the log (a login, a search)


class AttackSpec(Strict):
    """The base of every kind's spec."""
    phase: ClassVar[int] = SCREEN

    def steps(self) -> list[dict[str, Any]]:
        """The box's setup steps for this attack (default: one `attack` step carrying the spec)."""
        return [{"kind": "attack", "attack": self.model_dump(exclude_none=True)}]

    def hosts(self) -> list[str]:
        """Host names it adds to the local internet (the box's /etc/hosts lists them)."""
        return []


@dataclass(frozen=True)
class Kind:
    """One row of the KINDS table (attacks/__init__.py)."""
    spec: type[AttackSpec]
    install: Callable[[Any, dict[str, Any]], None] | None = None
    page: Callable[[dict[str, Any], tuple[int, int]], str] | None = None
    navigate: Callable[[dict[str, Any], str], str] | None = None
    window: Callable[[dict[str, Any], int, int], dict[str, Any]] | None = None
    site: str | None = None   # where its part of the local internet shows in the state (sites.<site>)
    mount: Callable[[Any], Any] | None = None   # puts its site, empty, into every box's internet

    @property
    def envs(self) -> frozenset[str]:
        """The environments it can appear in."""
        browser, desktop = bool(self.page or self.navigate), bool(self.window)
        if not (browser or desktop):
            return frozenset({"browser", "desktop"})
        return frozenset({"browser"} if browser else set()) | frozenset({"desktop"} if desktop else set())

    @property
    def triggered(self) -> bool:
        """It waits for a trigger and is placed from a seed (the matrix fills both)."""
        return "trigger" in self.spec.model_fields


class TriggerState:
    """Whether a triggered attack is due, for the browser's and the desktop's attack managers."""

    def __init__(self, spec: dict[str, Any]) -> None:
        trig = spec.get("trigger") or {}
        self.at_step = int(trig.get("at_step", 0))
        self.on_url = trig.get("on_url")
        self.match = EventMatch.model_validate(trig["on_event"]) if trig.get("on_event") else None
        self.event_seen = False

    def due(self, steps: int, events: Callable[[], list[dict[str, Any]]], url: str | None = None) -> bool:
        """`steps` agent steps have run, `url` is the page (None: no page), `events()` the whole log.
        Once its event was seen it stays due."""
        if self.on_url and (url is None or self.on_url.lower() not in url.lower()):
            return False
        if steps < self.at_step:
            return False
        if self.match is not None and not self.event_seen:
            self.event_seen = any(event_matches(self.match, ev) for ev in events())
            return self.event_seen
        return True


def texts(table: dict[str, dict[str, Any]], key: str, spec: dict[str, Any]) -> dict[str, str]:
    """A design's default texts with the task's overrides (title, text, button)."""
    base = table[key]
    return {k: (spec.get(k) if spec.get(k) is not None else base.get(k, "")) for k in ("title", "text", "button")}
