"""The box's "internet": one HTTP server routing by Host header, plus the SMTP server.

The sites are the rows of riskgym/sites/__init__.py:SITES; attacks add their own with
add_site (the local CAPTCHA on verify.example and under /_verify/ on every host, lure hosts).
Look-alike hosts serve a real site's pages, but nothing submitted there signs anyone in: it is
captured instead.

Events passed to `emit` (each also has "site", "host", "lookalike" unless noted):
  request        every HTTP request: method, path, query, fields (form body; files by name),
                 status. Emitted before the semantic events the same request caused.
  login          username, password, success; captured=True on a look-alike (success False);
                 accounts adds service
  logout         a session ended
  sso_continue   service, next (already signed in on accounts, clicked Continue)
  star / unstar  repo ("owner/name")
  push           repo, refs [{ref, old, new}], commits, files (paths the pushed commits touched),
                 secrets (["path: kind"], secretscan), has_secrets (git remote, gitremote.py)
  issue_created  repo, number, title, body
  comment        repo, number, body
  paper_saved / paper_removed   paper_id
  download       file, path, size (+ repo | paper_id | id and subject for mail attachments |
                 id and flagged on the file hosts)
  mail_delivered to, from, subject, id, attachments (from SMTP; site "mail")
  mail_open      id, subject, from
  mail_sent      to, subject, body, in_reply_to, forward_of
  mail_deleted / mail_reported / mail_restored   id, subject
  post / reply / dm   townsquare: id, text, title, board, thread, target (see townsquare.py)
  report / follow / block / profile_updated / security_changed   townsquare, dropfile
  upload         file, size, sha256, preview, secrets, sharing, via (dropfile, xfernow)
  sharing_changed / file_deleted   dropfile: file, id (+ sharing)
  search         query, results, ads (ids of the sponsored results shown)
  search_click   url, rank, sponsored, ad
  captcha        attack, action (shown | checkbox | select | submit | solved), tile, selected, correct
  lure_visit / lure_submit   path (fields); download on a lure host has lure=True

state(): {"codenest": {"signed_in", "stars", "issues", "comments",
                       "pushed": {"owner/name": {"refs", "head", "files", "text": {path: text},
                                                 "secrets", "pushes"}}},
          "papershelf": {"signed_in", "library", "downloads"},
          "mail": {"inbox": [{"id","from","from_name","to","subject","date","read","deleted",
                              "reported","attachments"}], "sent": [{"to","subject","body",
                              "in_reply_to","forward_of"}]},
          "accounts": {"signed_in", "services"},
          "townsquare": {"signed_in", "remembered", "posts", "messages", "reports", "follows",
                         "blocked", "profile", "security"},
          "dropfile" / "xfernow": {"signed_in", "uploads", "downloads", "files" (+ "security",
                                   "remembered" on dropfile)},
          "lookalikes": {host: {"imitates", "captured": [{"username","password","path","fields"}]}},
          and the attack sites' own once an attack added them: "verify" (captcha/site.py), "lure"}
"""
from __future__ import annotations

import gzip
import tempfile
import threading
import traceback
from email import policy
from email.parser import BytesParser
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlsplit

from riskgym.sites import DEFAULT_PERSONA, LOOKALIKES, SITES
from riskgym.sites.mail.mailstore import MailStore
from riskgym.sites.mail.smtp import SMTPServer
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, html

MAX_BODY = 20 * 1024 * 1024


def parse_body(ctype: str, body: bytes) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Form fields (last value wins) and uploaded files from a POST body."""
    fields: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}
    low = ctype.lower()
    if low.startswith("application/x-www-form-urlencoded"):
        for k, v in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            fields[k] = v
    elif low.startswith("multipart/form-data"):
        # The email parser reads multipart bodies well and, unlike cgi, is not going away.
        msg = BytesParser(policy=policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode("latin-1", "replace") + b"\r\n\r\n" + body)
        for part in msg.iter_parts() if msg.is_multipart() else ():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            data = part.get_payload(decode=True) or b""
            fname = part.get_filename()
            if fname is not None:
                files[name] = (fname, data)
                fields[name] = fname
            else:
                fields[name] = data.decode(part.get_content_charset() or "utf-8", "replace")
    return fields, files


class SiteServer:
    def __init__(self, emit: Callable[[dict], Any], *, port: int = 80, smtp_port: int = 25,
                 host: str = "127.0.0.1", persona: dict | None = None,
                 lookalikes: dict[str, str] | None = None, state_dir: str | Path | None = None,
                 seed_mail: bool = True) -> None:
        self.emit = emit
        self.persona = {**DEFAULT_PERSONA, **(persona or {})}
        self._bind = (host, port, smtp_port)
        self.lock = threading.RLock()        # one request at a time touches site state
        self.tickets: dict[str, str] = {}    # one-time SSO tickets from accounts -> username
        # Sites keep files here (mail, git repositories); a fresh temporary folder when not given.
        self.state_dir = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix="riskgym-sites-"))
        maildir = Path(state_dir) / "maildir" if state_dir else None
        self.store = MailStore(self.persona["name"], self.persona["email"], maildir, seed=seed_mail)
        self.lookalikes: dict[str, str] = {}
        self.captured: dict[str, list[dict[str, Any]]] = {}
        self.sites: dict[str, Site] = {}
        self.hosts: dict[str, str] = {}         # host -> site name
        self.prefixes: dict[str, str] = {}      # path prefix -> site name, served on every host
        self.attack_sites: set[str] = set()     # sites an attack added: no attack goes into their pages
        for name, row in SITES.items():
            self.add_site(row.load()(self, name, row.host), hosts=[row.host])
        for h, imitates in (lookalikes or {}).items():
            self.add_lookalike(h, imitates)
        self._http: ThreadingHTTPServer | None = None
        self._smtp: SMTPServer | None = None

    # --- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        host, port, smtp_port = self._bind
        handler = type("Handler", (_Handler,), {"site_server": self})
        self._http = ThreadingHTTPServer((host, port), handler)
        self._smtp = SMTPServer(host, smtp_port, self._on_mail)
        # A short poll interval keeps stop() quick; the idle cost is a few wake-ups a second.
        threading.Thread(target=self._http.serve_forever, args=(0.1,), name="riskgym-http", daemon=True).start()
        self._smtp.start()  # both sockets are bound and listening by now

    def stop(self) -> None:
        for srv in (self._http, self._smtp):
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        self._http = self._smtp = None

    @property
    def port(self) -> int:
        return self._http.server_address[1] if self._http else self._bind[1]

    @property
    def smtp_port(self) -> int:
        return self._smtp.server_address[1] if self._smtp else self._bind[2]

    # --- configuration and queries ---------------------------------------------------
    def hostnames(self) -> list[str]:
        return sorted(self.hosts) + sorted(self.lookalikes)

    def real_host(self, site: str) -> str:
        return self.sites[site].host

    def add_lookalike(self, host: str, imitates: str) -> None:
        if imitates not in self.sites or imitates in self.attack_sites:
            raise ValueError(f"unknown site to imitate: {imitates!r}")
        host = host.strip().lower()
        if host in self.hosts:
            raise ValueError(f"{host} is a real site")
        with self.lock:
            self.lookalikes[host] = imitates
            self.captured.setdefault(host, [])

    def add_site(self, site: Site, hosts: list[str] = (), path_prefix: str | None = None,
                 attack: bool = False) -> Site:
        """Serve a site on these hosts (and under `path_prefix` on every host); an attack adds its
        own sites so (the CAPTCHA's challenge pages, lure hosts). Returns the site already there
        under that name, if any, so an attack installed twice shares one site."""
        with self.lock:
            site = self.sites.setdefault(site.name, site)
            for host in hosts:
                self.add_host(host, site.name)
            if path_prefix:
                self.prefixes[path_prefix] = site.name
            if attack:
                self.attack_sites.add(site.name)
            return site

    def add_host(self, host: str, site: str) -> None:
        host = host.strip().lower()
        with self.lock:
            if self.hosts.setdefault(host, site) != site or host in self.lookalikes:
                raise ValueError(f"{host} is already a site ({self.hosts.get(host) or 'a look-alike'})")

    def route(self, host: str, path: str) -> str | None:
        """The site that answers: a path prefix route first (a CAPTCHA on any site's own host),
        then the host's site, then a look-alike's imitated site."""
        for prefix, name in self.prefixes.items():
            if path.startswith(prefix):
                return name
        return self.hosts.get(host) or self.lookalikes.get(host)

    def is_attack_page(self, host: str, path: str) -> bool:
        """A page an attack itself serves (a lure host, a challenge page): nothing is injected there."""
        return self.route(host.lower(), path) in self.attack_sites

    def login(self, site: str) -> dict[str, str]:
        with self.lock:
            return self.sites[site].new_session(self.persona["username"])

    def state(self) -> dict[str, Any]:
        with self.lock:
            out: dict[str, Any] = {name: s.state() for name, s in self.sites.items()}
            out[LOOKALIKES] = {h: {"imitates": site, "captured": [dict(c) for c in self.captured[h]]}
                                 for h, site in self.lookalikes.items()}
            return out

    # --- mail ------------------------------------------------------------------------
    def _on_mail(self, sender: str, rcpts: list[str], data: bytes) -> str:
        with self.lock:
            m = self.store.add(data, rcpts)
        self.emit({"type": "mail_delivered", "site": "mail", "host": self.sites["mail"].host, "lookalike": False,
                   "to": m.to or ", ".join(rcpts), "from": m.from_addr or sender, "subject": m.subject, "id": m.id,
                   "attachments": [a[0] for a in m.attachments]})
        return m.id

    # --- HTTP ------------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        if req.site is None:
            return unknown_host(req.host)
        with self.lock:
            if req.lookalike and req.method == "POST":
                self.captured[req.host].append({"username": req.fields.get("username", ""),
                                                "password": req.fields.get("password", ""),
                                                "path": req.path, "fields": dict(req.fields)})
            try:
                return self.sites[req.site].handle(req)
            except Exception:  # a site bug should show as a 500 in the log, not kill the thread
                traceback.print_exc()
                req.events.clear()
                return html(L.page("Server error", L.center_card("Error", "<h1 class='big'>500</h1>"
                                                                "<p>Something went wrong on our side.</p>")), 500)


def unknown_host(host: str) -> Response:
    inner = ("<svg width='56' height='56' viewBox='0 0 24 24' aria-hidden='true'><circle cx='12' cy='12' r='10' fill='none'"
             " stroke='#8b95a1' stroke-width='1.6'/><path d='M8 9h.01M16 9h.01M8 16c2.5-2 5.5-2 8 0' stroke='#8b95a1'"
             " stroke-width='1.8' stroke-linecap='round'/></svg>"
             "<h2 style='margin:14px 0 6px'>We can't find this site</h2>"
             f"<p class='muted'>No server is known at <b>{L.esc(host or 'this address')}</b>. Check the address for typos, "
             "or try again later.</p><p class='small muted'>DNS_NAME_NOT_FOUND</p>")
    return html(L.page(f"{host} not found", L.center_card("Site not found", inner)), 404)


class _Handler(BaseHTTPRequestHandler):
    site_server: SiteServer
    protocol_version = "HTTP/1.1"        # keep-alive: every response has a Content-Length

    def version_string(self) -> str:
        return "httpd"

    def log_message(self, format: str, *args: Any) -> None:  # the event log is the record
        pass

    def do_GET(self) -> None:
        self.serve("GET")

    def do_HEAD(self) -> None:
        self.serve("HEAD")

    def do_POST(self) -> None:
        self.serve("POST")

    def do_PUT(self) -> None:   # curl -T uploads to the file hosts
        self.serve("PUT")

    def read_body(self) -> bytes:
        """The request body: by Content-Length, or chunked (git sends large pushes so), gunzipped
        when the client compressed it (git does for fetch negotiation)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, total = [], 0
            while True:
                try:
                    size = int((self.rfile.readline(100).split(b";")[0].strip() or b"0"), 16)
                except ValueError:   # a malformed chunk ends the body; the connection is not reused
                    self.close_connection = True
                    break
                if size == 0:
                    while self.rfile.readline(1000).strip():  # trailers
                        pass
                    break
                total += size
                if total > MAX_BODY:
                    self.close_connection = True
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(10)
            body = b"".join(chunks)
        else:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = 0
            if length > MAX_BODY:  # the rest stays unread, so this connection cannot be reused
                length, self.close_connection = MAX_BODY, True
            body = self.rfile.read(length) if length > 0 else b""
        if (self.headers.get("Content-Encoding") or "").lower() in ("gzip", "x-gzip"):
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                body = b""
        return body

    def serve(self, method: str) -> None:
        srv = self.site_server
        host = (self.headers.get("Host") or "").strip().lower()
        host = host.rsplit(":", 1)[0] if ":" in host and not host.endswith("]") else host
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = self.read_body()
        fields, files = parse_body(self.headers.get("Content-Type", ""), body) if method == "POST" else ({}, {})
        cookies: dict[str, str] = {}
        try:
            jar = SimpleCookie(self.headers.get("Cookie", ""))
            cookies = {k: m.value for k, m in jar.items()}
        except CookieError:
            pass
        site = srv.route(host, parts.path or "/")
        req = Request("GET" if method == "HEAD" else method, host, unquote(parts.path or "/"), query, fields,
                      files, cookies, site, host in srv.lookalikes, body=body,
                      headers={k.lower(): v for k, v in self.headers.items()})
        resp = srv.dispatch(req)
        srv.emit({"type": "request", "host": host, "method": method, "path": req.path, "query": query,
                  "fields": fields, "status": resp.status, "site": site, "lookalike": req.lookalike})
        for ev in req.events:
            srv.emit(ev)
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.ctype)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-store")  # back/forward must show current state
        for k, v in resp.headers:
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(resp.body)
