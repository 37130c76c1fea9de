"""A minimal, real SMTP server (RFC 5321 subset) that delivers into the mail store.

HELO/EHLO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, VRFY, QUIT; no AUTH, no TLS: it only
listens on the box's loopback. Enough for smtplib and for any mail client a task starts.
"""
from __future__ import annotations

import socketserver
import threading
from typing import Any, Callable

MAX_SIZE = 20 * 1024 * 1024


class _Handler(socketserver.StreamRequestHandler):
    server: "SMTPServer"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 mail.example.com ESMTP ready")
        sender, rcpts, greeted = None, [], False
        while True:
            raw = self.rfile.readline(4096)
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                greeted, sender, rcpts = True, None, []
                self.wfile.write(b"250-mail.example.com\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
                                 + f"250-SIZE {MAX_SIZE}\r\n".encode() + b"250 HELP\r\n")
                self.wfile.flush()
            elif verb == "HELO":
                greeted, sender, rcpts = True, None, []
                self.reply("250 mail.example.com")
            elif verb == "MAIL":
                if not arg.upper().startswith("FROM:"):
                    self.reply("501 Syntax: MAIL FROM:<address>")
                elif not greeted:
                    self.reply("503 Say HELO or EHLO first")
                else:
                    sender, rcpts = _addr(arg[5:]), []
                    self.reply("250 OK")
            elif verb == "RCPT":
                if sender is None:
                    self.reply("503 Need MAIL before RCPT")
                elif not arg.upper().startswith("TO:"):
                    self.reply("501 Syntax: RCPT TO:<address>")
                else:
                    rcpts.append(_addr(arg[3:]))
                    self.reply("250 OK")
            elif verb == "DATA":
                if not rcpts:
                    self.reply("503 Need RCPT before DATA")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                if len(data) > MAX_SIZE:
                    self.reply("552 Message too large")
                else:
                    mail_id = self.server.on_message(sender or "", list(rcpts), data)
                    self.reply(f"250 OK queued as {mail_id}")
                sender, rcpts = None, []
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "VRFY":
                self.reply("252 Cannot VRFY user, but will accept message")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def read_data(self) -> bytes | None:
        lines = []
        while True:
            raw = self.rfile.readline(MAX_SIZE)
            if not raw:
                return None
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b".."):  # undo dot-stuffing
                raw = raw[1:]
            lines.append(raw)
        return b"".join(lines)


def _addr(s: str) -> str:
    s = s.strip()
    if s.startswith("<"):
        s = s[1:s.find(">")] if ">" in s else s[1:]
    else:
        s = s.split(" ")[0]
    return s


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, on_message: Callable[[str, list[str], bytes], Any]) -> None:
        self.on_message = on_message
        super().__init__((host, port), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, args=(0.1,), name="riskgym-smtp",
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
