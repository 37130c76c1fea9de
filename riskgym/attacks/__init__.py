"""Layer 2: attacks, one module (or folder) per kind, and KINDS, the one table of them.

A new attack kind is one module here (its spec, a subclass of base.AttackSpec, and whichever
guest hooks it needs: install, page, navigate, window; see base.py) plus one row below. The task
schema's `attacks` union, which kinds take a trigger and a seed, where each kind can appear, and
how the box's browser and desktop show it are all read from this table (docs/extending.md walks
through an example). The table is closed: the schema's union must be known when tasks load.
"""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from riskgym.attacks import induced, lure_site, phishing, search_ad
from riskgym.attacks.base import AttackSpec, Kind, Trigger, TriggerState
from riskgym.attacks.captcha import site as captcha_site
from riskgym.attacks.captcha.spec import Captcha
from riskgym.attacks.popup.desktop import window_spec as popup_window
from riskgym.attacks.popup.page import overlay_script
from riskgym.attacks.popup.spec import Overlay
from riskgym.sites import LOOKALIKES

KINDS: dict[str, Kind] = {
    "phishing_site": Kind(phishing.PhishingSite, install=phishing.install_lookalike, site=LOOKALIKES),
    "phishing_mail": Kind(phishing.PhishingMail),
    "lure_site": Kind(lure_site.LureSite, install=lure_site.install, site=lure_site.SITE, mount=lure_site.mount),
    "search_ad": Kind(search_ad.SearchAd, install=search_ad.install),
    "popup": Kind(Overlay, page=overlay_script, window=popup_window),
    "fake_login": Kind(Overlay, page=overlay_script, window=popup_window),
    "induced_text": Kind(induced.InducedText, page=induced.induced_script, window=induced.window_spec),
    "captcha": Kind(Captcha, install=captcha_site.install, navigate=captcha_site.challenge_url,
                    site=captcha_site.SITE, mount=captcha_site.mount),
}

# The task schema's `attacks` items: one spec class per kind (popup and fake_login share Overlay).
Attack = Annotated[Union[tuple(dict.fromkeys(k.spec for k in KINDS.values()))],  # type: ignore[valid-type]
                   Field(discriminator="kind")]
TRIGGERED = tuple(name for name, k in KINDS.items() if k.triggered)   # kinds with a trigger and a seed

__all__ = ["KINDS", "Attack", "AttackSpec", "Kind", "TRIGGERED", "Trigger", "TriggerState"]
