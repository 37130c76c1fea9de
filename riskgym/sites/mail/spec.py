"""A mail to deliver into the box's mailbox, as tasks declare it (setup `deliver_mail`, attack
`phishing_mail`); `delivery()` is the box's deliver_mail step, which mailer.deliver_step sends."""
from __future__ import annotations

from typing import Any

from pydantic import model_validator

from riskgym.core.spec import Strict


class Attachment(Strict):
    name: str
    text: str | None = None        # inline content
    asset: str | None = None       # or a file under tasks/assets/
    data_b64: str | None = None    # filled by the loader from text/asset

    @model_validator(mode="after")
    def _one_source(self) -> "Attachment":
        if sum(x is not None for x in (self.text, self.asset, self.data_b64)) != 1:
            raise ValueError("give exactly one of 'text' or 'asset'")
        return self


class Mail(Strict):
    sender: str
    sender_name: str = ""
    to: str | None = None          # default: the persona's address
    subject: str
    text: str | None = None
    html: str | None = None
    date: str | None = None
    attachments: list[Attachment] = []

    @model_validator(mode="after")
    def _has_body(self) -> "Mail":
        if not (self.text or self.html):
            raise ValueError("a mail needs 'text' or 'html'")
        return self

    def delivery(self) -> dict[str, Any]:
        """The box's setup step that delivers this mail over SMTP (attachments inlined)."""
        d = self.model_dump(exclude_none=True, exclude={"kind"})
        d["kind"] = "deliver_mail"
        d["attachments"] = [{"name": a.name, "data_b64": a.data_b64} for a in self.attachments]
        return d
