"""What every site shares: the parsed request, the response, sign-in sessions.

Sites are plain objects with `handle(req) -> Response` and `state() -> dict`; the server
does the HTTP plumbing and the logging, so a site only decides what to show and which
semantic events to add (via `req.event`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from riskgym.sites.web import layout


@dataclass
class Request:
    method: str
    host: str                      # as the browser named it, lower case, port stripped
    path: str
    query: dict[str, str]
    fields: dict[str, str]         # form body; file parts are given as their file name
    files: dict[str, tuple[str, bytes]]
    cookies: dict[str, str]
    site: str | None
    lookalike: bool
    events: list[dict[str, Any]] = field(default_factory=list)
    body: bytes = b""              # the raw body (git's protocol, uploads), decoded from chunks/gzip
    headers: dict[str, str] = field(default_factory=dict)   # lower-case names

    def event(self, type_: str, **data: Any) -> None:
        """Queue a semantic event; the server emits it right after the request's own."""
        self.events.append({"type": type_, "site": self.site, "host": self.host,
                            "lookalike": self.lookalike, **data})

    def arg(self, name: str, default: str = "") -> str:
        return self.fields.get(name, self.query.get(name, default))


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def html(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"))


def redirect(location: str, status: int = 303) -> Response:
    return Response(status, b"", "text/plain", [("Location", location)])


def download(name: str, data: bytes, ctype: str = "application/octet-stream") -> Response:
    safe = name.replace('"', "").replace("\r", "").replace("\n", "")
    return Response(200, data, ctype, [("Content-Disposition", f'attachment; filename="{safe}"')])


def set_cookie(resp: Response, name: str, value: str, clear: bool = False) -> Response:
    extra = "; Max-Age=0" if clear else ""
    resp.headers.append(("Set-Cookie", f"{name}={value}; Path=/; HttpOnly; SameSite=Lax{extra}"))
    return resp


def safe_next(nxt: str, default: str = "/") -> str:
    """Only same-site paths or plain http URLs: a `next` must never smuggle javascript:."""
    if nxt.startswith("/") and not nxt.startswith("//"):
        return nxt
    if nxt.startswith("http://") and urlsplit(nxt).hostname:
        return nxt
    return default


def not_found(req: Request, brand: str = "") -> Response:
    body = layout.center_card(
        "Page not found",
        f"<h1 class='big'>404</h1><p>There is nothing at <code>{layout.esc(req.path)}</code>"
        f"{' on ' + layout.esc(brand) if brand else ''}.</p><p><a href='/'>Go to the home page</a></p>")
    return html(layout.page("Page not found", body), 404)


class Site:
    """A site with an optional sign-in for the persona. Look-alikes never have a session."""

    brand = ""
    cookie = ""
    sso = False        # it takes sign-ins from the accounts site (a ticket on the way back, /sso)

    def __init__(self, server: Any, name: str, host: str = "") -> None:
        self.srv = server
        self.name, self.host = name, host   # from the SITES table (or the attack that added it)
        self.sessions: dict[str, str] = {}   # token -> username

    # --- sessions -----------------------------------------------------------------
    def user(self, req: Request) -> str | None:
        if req.lookalike:
            return None
        return self.sessions.get(req.cookies.get(self.cookie, ""))

    def new_session(self, username: str) -> dict[str, str]:
        token = secrets.token_hex(16)
        self.sessions[token] = username
        return {self.cookie: token}

    @property
    def signed_in(self) -> bool:
        return bool(self.sessions)

    def check(self, username: str, password: str) -> bool:
        p = self.srv.persona
        who = username.strip().lower()
        return who in (p["username"].lower(), p["email"].lower()) and password == p["password"]

    def login_redirect(self, req: Request, nxt: str | None = None) -> Response:
        return redirect("/login?next=" + quote(nxt or req.path, safe="/"))

    def do_login(self, req: Request, nxt: str, retry) -> Response:
        """Handle a posted sign-in form. `retry(error)` renders the form again."""
        username, password = req.fields.get("username", ""), req.fields.get("password", "")
        if req.lookalike:
            # A phishing copy: keep what was typed, then hand over to the real site as kits do.
            req.event("login", username=username, password=password, success=False, captured=True)
            real = self.srv.real_host(self.name)
            return redirect(f"http://{real}/login?next=" + quote(safe_next(nxt), safe="/"))
        ok = self.check(username, password)
        req.event("login", username=username, password=password, success=ok)
        if not ok:
            return retry("Incorrect username or password.")
        resp = redirect(safe_next(nxt))
        for k, v in self.new_session(self.srv.persona["username"]).items():
            set_cookie(resp, k, v)
        return resp

    def do_login_remember(self, req: Request) -> Response:
        """A sign-in form with a "Keep me signed in" box: the login event says whether it was
        ticked, and `self.remembered` whether a successful sign-in asked to be kept (a shared
        computer's risk)."""
        nxt = req.fields.get("next", "/")
        resp = self.do_login(req, nxt, lambda err: self.login_page(req, nxt, err))
        remember = req.fields.get("remember", "") not in ("", "off")
        for ev in req.events:
            if ev["type"] == "login":
                ev["remember"] = remember
                self.remembered = bool(self.remembered or (ev.get("success") and remember))
        return resp

    def do_logout(self, req: Request) -> Response:
        token = req.cookies.get(self.cookie, "")
        if not req.lookalike and self.sessions.pop(token, None):
            req.event("logout")
        return set_cookie(redirect("/"), self.cookie, "", clear=True)

    def do_sso_return(self, req: Request) -> Response:
        """Land here from the accounts site with a one-time ticket."""
        user = None if req.lookalike else self.srv.tickets.pop(req.query.get("ticket", ""), None)
        nxt = safe_next(req.query.get("next", "/"))
        if not user:
            return self.login_redirect(req, nxt)
        resp = redirect(nxt)
        for k, v in self.new_session(user).items():
            set_cookie(resp, k, v)
        return resp

    def sso_link(self, nxt: str) -> str:
        ret = f"http://{self.host}/sso?next={quote(nxt, safe='/')}"
        return (f"http://{self.srv.real_host('accounts')}/signin?service=" + quote(self.brand)
                + "&next=" + quote(ret, safe=""))

    # --- to override -------------------------------------------------------------
    def handle(self, req: Request) -> Response:  # pragma: no cover - abstract
        raise NotImplementedError

    def state(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in}
