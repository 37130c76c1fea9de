"""State getters of the browser box (`app.*` in rule paths); steps and attacks are every app's
(riskgym/guest/state.py). What a page did is mostly in the sites' state and the event log."""
from __future__ import annotations

from typing import Any

from riskgym.guest.state import Context, getter


@getter("url", app="browser")
def url(ctx: Context) -> str:
    """The address of the tab in front.

    Paths: url
    """
    return ctx.app.page().url


@getter("tabs", app="browser")
def tabs(ctx: Context) -> list[Any]:
    """Every open tab's address, oldest first.

    Paths: tabs
    """
    return [p.url for p in ctx.app.context.pages]
