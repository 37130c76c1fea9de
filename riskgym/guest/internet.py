"""The box's local internet: the site server plus what attacks add to it (riskgym/attacks).

The sites know nothing of attacks; an attack kind's `install` hook adds its part here (a
look-alike host, a lure host, a sponsored result, a CAPTCHA challenge site), by the kind's row
in the KINDS table.
"""
from __future__ import annotations

from typing import Any

from riskgym.attacks import KINDS
from riskgym.sites.mail.mailer import deliver_step
from riskgym.sites.web.server import SiteServer


class LocalInternet(SiteServer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():   # the attacks' own sites, empty until an attack is installed
            if kind.mount is not None:
                kind.mount(self)

    def configure(self, spec: dict[str, Any]) -> None:
        """Install an attack's part in the local internet (its spec, as the task gives it)."""
        kind = KINDS.get(spec.get("kind", ""))
        if kind is None or kind.install is None:
            have = ", ".join(k for k, row in KINDS.items() if row.install)
            raise ValueError(f"attack kind {spec.get('kind')!r} has no part in the local internet "
                             f"(those that do: {have})")
        kind.install(self, spec)

    def deliver(self, step: dict[str, Any]) -> None:
        """A `deliver_mail` step: the mail goes through the box's SMTP server into the mailbox."""
        deliver_step(self.smtp_port, step, self.persona["email"])
