"""The `popup` and `fake_login` kinds: a modal or floating pop-up (browser: in the page; desktop:
an always-on-top window). Its design (designs.py) gives its look and default texts."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from riskgym.attacks.base import AttackSpec, Trigger
from riskgym.attacks.popup.designs import POPUPS
from riskgym.core.spec import Strict

POPUP_DESIGNS = tuple(POPUPS)


class Field_(Strict):
    name: str
    label: str
    type: str = "text"


class Overlay(AttackSpec):
    """A modal or floating pop-up over the page (browser: DOM; desktop: an always-on-top window).
    Events: attack/<id> with action shown (bbox, target: screen boxes), click (its call to action),
    click_body (elsewhere on it), input, submit (fake_login), close."""
    kind: Literal["fake_login", "popup"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    trigger: Trigger = Trigger()
    title: str | None = None       # default: the design's
    text: str | None = None
    brand: str = ""
    button: str | None = None      # the call to action's label
    target_url: str | None = None  # where the call to action goes (e.g. a lure_site host)
    fields: list[Field_] | None = None
    design: Literal[POPUP_DESIGNS] | None = None  # type: ignore[valid-type]  # default: signin / popup by kind
    seed: int | None = None        # placement; the same seed gives the same attack

    def steps(self) -> list[dict[str, Any]]:
        spec = self.model_dump(exclude_none=True)
        spec["design"] = self.design or ("signin" if self.kind == "fake_login" else "popup")
        return [{"kind": "attack", "attack": spec}]
