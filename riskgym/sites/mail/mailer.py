"""Build a MIME message and send it to the box's SMTP server (the `deliver_mail` setup step)."""
from __future__ import annotations

import base64
import mimetypes
import smtplib
from email.headerregistry import Address
from email.message import EmailMessage


def build(*, sender: str, sender_name: str, to: str, subject: str, text: str | None = None,
          html: str | None = None, attachments: list[tuple[str, bytes]] | tuple = (),
          date: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)  # copes with non-ASCII too
    msg["To"] = to
    msg["Subject"] = subject
    if date:  # no Date header otherwise: the store gives undated mail a fixed, made-up time
        msg["Date"] = date
    if text is None and html is None:
        text = ""
    if text is not None:
        msg.set_content(text)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    else:
        msg.set_content(html, subtype="html")
    for name, data in attachments:
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def deliver(port: int, *, sender: str, sender_name: str, to: str, subject: str,
            text: str | None = None, html: str | None = None,
            attachments: list[tuple[str, bytes]] | tuple = (), date: str | None = None,
            host: str = "127.0.0.1") -> None:
    msg = build(sender=sender, sender_name=sender_name, to=to, subject=subject, text=text,
                html=html, attachments=attachments, date=date)
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        smtp.send_message(msg)


def deliver_step(smtp_port: int, step: dict, default_to: str) -> None:
    """Send a `deliver_mail` setup step (see spec.Mail.delivery) to the box's SMTP server."""
    atts = [(a["name"], base64.b64decode(a["data_b64"])) for a in step.get("attachments", [])]
    deliver(smtp_port, sender=step["sender"], sender_name=step.get("sender_name", ""),
            to=step.get("to") or default_to, subject=step["subject"], text=step.get("text"),
            html=step.get("html"), attachments=atts, date=step.get("date"))
