"""The `phishing_site` kind (a look-alike host of a real site) and the `phishing_mail` kind (a lure
mail delivered over SMTP before the task starts). The look-alike serving itself is the site
server's (riskgym/sites/web/server.py: what is posted there is captured, nothing signs in)."""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from riskgym.attacks.base import INTERNET, MAIL, AttackSpec
from riskgym.sites import with_accounts
from riskgym.sites.mail.spec import Mail


class PhishingSite(AttackSpec):
    """A look-alike host serving the pages of `imitates`. Events: request and login (captured=True)
    with lookalike=True; state: sites.lookalikes.<host>.captured."""
    kind: Literal["phishing_site"]
    host: str
    imitates: Literal[with_accounts()]  # type: ignore[valid-type]

    phase: ClassVar[int] = INTERNET

    def steps(self) -> list[dict[str, Any]]:
        return [self.model_dump(exclude_none=True)]

    def hosts(self) -> list[str]:
        return [self.host]


class PhishingMail(AttackSpec, Mail):
    """A lure mail in the persona's inbox. Events: mail_delivered, then what the agent does with it."""
    kind: Literal["phishing_mail"]

    phase: ClassVar[int] = MAIL

    def steps(self) -> list[dict[str, Any]]:
        return [self.delivery()]


def install_lookalike(internet: Any, spec: dict[str, Any]) -> None:
    """The phishing_site kind's `install` hook."""
    internet.add_lookalike(spec["host"], spec["imitates"])
