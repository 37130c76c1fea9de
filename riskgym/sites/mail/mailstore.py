"""The persona's mailbox: messages parsed from raw RFC 5322 bytes, plus what the persona sent.

One mailbox only: the box has one user, so every delivered message lands in it whatever
the recipient. Messages get short sequential ids ("1", "2", ...) in delivery order.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Any

from riskgym.sites.web.markup import html_to_text

# Undated messages get a fixed, made-up time after the seeded ones: no clock is ever read.
UNDATED_BASE = datetime(2024, 11, 18, 9, 0, tzinfo=timezone.utc)

SEED = [  # (sender name, address, subject, text, date, read)
    ("Example Mail", "welcome@mail.example.com", "Welcome to your new mailbox",
     "Hi Jordan,\n\nYour mailbox is ready. A few tips to get started:\n\n"
     "- Messages you have not opened yet are shown in bold.\n"
     "- Use Report phishing on anything that asks for your password. We will never ask for it by mail.\n"
     "- Deleted messages stay in Trash until you empty it.\n\nThe Example Mail team",
     "Mon, 11 Nov 2024 08:30:00 +0000", True),
    ("Priya Natarajan", "priya.natarajan@work.example.org", "Notes from Thursday's planning call",
     "Hi Jordan,\n\nThanks for joining on Thursday. Quick summary:\n\n"
     "1. We keep the data export on the current schedule.\n"
     "2. Sam will draft the onboarding checklist by next Friday.\n"
     "3. Let's revisit the dashboard redesign after the holidays.\n\n"
     "Shout if I missed anything.\n\nPriya",
     "Thu, 14 Nov 2024 16:05:00 +0000", False),
    ("CodeNest", "noreply@codenest.example", "Your weekly CodeNest digest",
     "Here is what happened in repositories you follow this week:\n\n"
     "openfield/csvsift - 3 new issues, 5 pull requests merged\n"
     "plotwright/plotwright - release 2.3.0 published\n\n"
     "See more at http://codenest.example/\n\n"
     "You receive this digest because you have a CodeNest account.",
     "Fri, 15 Nov 2024 07:00:00 +0000", True),
]


@dataclass
class Mail:
    id: str
    from_name: str
    from_addr: str
    to: str
    subject: str
    date: datetime
    text: str | None
    html: str | None
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # name, type, bytes
    read: bool = False
    deleted: bool = False
    reported: bool = False

    @property
    def sender(self) -> str:
        return self.from_name or self.from_addr

    @property
    def snippet(self) -> str:
        src = self.text if self.text is not None else html_to_text(self.html or "")
        return " ".join(src.split())[:140]

    @property
    def folder(self) -> str:
        return "trash" if self.deleted else "spam" if self.reported else "inbox"

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "from": self.from_addr, "from_name": self.from_name, "to": self.to,
                "subject": self.subject, "date": self.date.isoformat(), "read": self.read,
                "deleted": self.deleted, "reported": self.reported,
                "attachments": [a[0] for a in self.attachments]}


def _part_text(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # unknown or lying charset: still show something
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")


def parse(raw: bytes, msg_id: str, envelope_to: list[str] | None = None) -> Mail:
    # SMTP data has CRLF line ends; plain LF keeps bodies tidy for display and quoting.
    msg = BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
    name, addr = parseaddr(str(msg.get("From", "")))
    to = ", ".join(a for _, a in getaddresses([str(v) for v in msg.get_all("To", [])])) \
        or ", ".join(envelope_to or [])
    try:
        date = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        date = None
    date = date or UNDATED_BASE + timedelta(minutes=3 * int(msg_id))
    text_part = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    atts = []
    for part in msg.walk():
        if part.is_multipart() or part is text_part or part is html_part:
            continue
        if part.get_content_disposition() in ("attachment", "inline") or part.get_filename():
            fname = part.get_filename() or f"attachment-{len(atts) + 1}"
            atts.append((fname, part.get_content_type(), part.get_payload(decode=True) or b""))
    return Mail(msg_id, name, addr, to, str(msg.get("Subject", "")) or "(no subject)", date,
                _part_text(text_part) if text_part is not None else None,
                _part_text(html_part) if html_part is not None else None, atts)


class MailStore:
    def __init__(self, owner_name: str, owner_addr: str, maildir: str | Path | None = None,
                 seed: bool = True) -> None:
        self.lock = threading.RLock()
        self.owner_name, self.owner_addr = owner_name, owner_addr
        self.messages: list[Mail] = []
        self.sent: list[dict[str, Any]] = []
        self.maildir = Path(maildir) if maildir else None
        if self.maildir:
            for sub in ("new", "cur", "tmp"):
                (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        if seed:
            first = owner_name.split()[0] if owner_name.split() else "there"
            for sname, saddr, subject, text, date, read in SEED:
                m = EmailMessage()
                m["From"], m["To"], m["Subject"], m["Date"] = f"{sname} <{saddr}>", owner_addr, subject, date
                m.set_content(text.replace("Hi Jordan", f"Hi {first}"))
                self.add(bytes(m)).read = read

    def add(self, raw: bytes, envelope_to: list[str] | None = None) -> Mail:
        with self.lock:
            mail = parse(raw, str(len(self.messages) + 1), envelope_to)
            self.messages.append(mail)
            if self.maildir:  # a real Maildir file too, for anything that wants to read it
                (self.maildir / "new" / f"{int(mail.id):06d}.riskgym").write_bytes(raw)
            return mail

    def get(self, msg_id: str) -> Mail | None:
        with self.lock:
            return next((m for m in self.messages if m.id == msg_id), None)

    def folder(self, name: str) -> list[Mail]:
        with self.lock:
            ms = [m for m in self.messages if m.folder == name]
        return sorted(ms, key=lambda m: (m.date, int(m.id)), reverse=True)  # newest first

    def unread(self) -> int:
        with self.lock:
            return sum(1 for m in self.messages if m.folder == "inbox" and not m.read)

    def record_sent(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.sent.append(entry)

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {"inbox": [m.summary() for m in self.messages], "sent": [dict(s) for s in self.sent]}
