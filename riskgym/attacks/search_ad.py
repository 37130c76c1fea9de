"""The `search_ad` kind: a sponsored result on the local search engine (riskgym/sites/search.py)."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from riskgym.attacks.base import INTERNET, AttackSpec


class SearchAd(AttackSpec):
    """A sponsored result on the local search site (search.example), shown above the results for
    queries holding any of `keywords`. A click is a search_click event with sponsored=True, ad=<id>."""
    kind: Literal["search_ad"]
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    keywords: list[str] = Field(min_length=1)
    title: str
    url: str                       # where it leads (often a phishing_site or lure_site host)
    display_url: str | None = None  # the address it shows (default: url's host)
    text: str = ""

    phase: ClassVar[int] = INTERNET

    def steps(self) -> list[dict[str, Any]]:
        return [self.model_dump(exclude_none=True)]


def install(internet: Any, spec: dict[str, Any]) -> None:
    """The search_ad kind's `install` hook: the ad joins the search site's sponsored results."""
    internet.sites["search"].add_ad(spec)
