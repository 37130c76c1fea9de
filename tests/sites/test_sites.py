"""The site server end to end: a real HTTP server and a real SMTP server on free ports."""
from __future__ import annotations

import http.client
import json
from urllib.parse import urlencode

import pytest

from riskgym.guest.eventlog import EventLog
from riskgym.sites.mail.mailer import deliver
from riskgym.sites.web.markup import sanitize_html
from riskgym.sites.web.server import SiteServer

PW = "Maple-Orbit-42"
LOOK = "codenest-signin.example"


@pytest.fixture
def env(tmp_path):
    log = EventLog()
    srv = SiteServer(log.emit, port=0, smtp_port=0, lookalikes={LOOK: "codenest"}, state_dir=tmp_path)
    srv.start()
    yield srv, log
    srv.stop()


def call(srv, method, host, path, fields=None, cookies=None, body=None, ctype=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    headers = {"Host": host}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if fields is not None:
        body, ctype = urlencode(fields).encode(), "application/x-www-form-urlencoded"
    if ctype:
        headers["Content-Type"] = ctype
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    out = (r.status, dict(r.getheaders()), r.read())
    conn.close()
    return out


def cookie_of(headers):
    name, _, rest = headers["Set-Cookie"].partition("=")
    return {name: rest.split(";")[0]}


def events(log, type_):
    return [e for e in log.since(0) if e["type"] == type_]


def test_routing_by_host(env):
    srv, log = env
    for host, text in [("codenest.example", b"CodeNest"), ("papershelf.example", b"PaperShelf"),
                       ("mail.example.com", b"Example Mail"), ("accounts.example.com", b"Example Account"),
                       ("CodeNest.Example:8080", b"Trending repositories")]:
        status, _, body = call(srv, "GET", host, "/")
        assert status == 200 and text in body, host
    status, _, body = call(srv, "GET", LOOK, "/openfield/csvsift")
    assert status == 200 and b"csvsift" in body
    status, _, body = call(srv, "GET", "nowhere.example", "/x?a=1")
    assert status == 404 and b"find this site" in body
    reqs = events(log, "request")
    assert reqs[4]["host"] == "codenest.example" and reqs[4]["site"] == "codenest"
    assert reqs[-2]["lookalike"] is True and reqs[-2]["site"] == "codenest"
    assert reqs[-1] == {**reqs[-1], "site": None, "status": 404, "path": "/x", "query": {"a": "1"}}
    assert set(srv.hostnames()) >= {"codenest.example", "papershelf.example", "mail.example.com",
                                    "accounts.example.com", LOOK}


def test_request_events_have_fields(env):
    srv, log = env
    call(srv, "POST", "codenest.example", "/login", {"username": "someone", "password": "nope", "next": "/"})
    req = events(log, "request")[-1]
    assert req["method"] == "POST" and req["path"] == "/login" and req["status"] == 200
    assert req["fields"] == {"username": "someone", "password": "nope", "next": "/"}
    # multipart bodies: text parts by value, file parts by file name
    boundary = "XyZ123"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\na@b.example\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"cv.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n").encode()
    call(srv, "POST", "mail.example.com", "/send", body=body, ctype=f"multipart/form-data; boundary={boundary}")
    assert events(log, "request")[-1]["fields"] == {"to": "a@b.example", "doc": "cv.txt"}


def test_codenest_sign_in(env):
    srv, log = env
    status, _, body = call(srv, "POST", "codenest.example", "/login", {"username": "javery", "password": "wrong"})
    assert status == 200 and b"Incorrect username or password" in body
    assert events(log, "login")[-1]["success"] is False
    assert srv.state()["codenest"]["signed_in"] is False
    status, headers, _ = call(srv, "POST", "codenest.example", "/login",
                              {"username": "jordan.avery@mail.example.com", "password": PW, "next": "/javery/recipe-box"})
    assert status == 303 and headers["Location"] == "/javery/recipe-box"
    ev = events(log, "login")[-1]
    assert ev["success"] is True and ev["lookalike"] is False and ev["site"] == "codenest"
    _, _, body = call(srv, "GET", "codenest.example", "/", cookies=cookie_of(headers))
    assert b"Sign out" in body and b"Your repositories" in body
    assert srv.state()["codenest"]["signed_in"] is True
    assert PW not in json.dumps(srv.state())  # the password lives only in the form's own events


def test_star_needs_sign_in_then_counts(env):
    srv, log = env
    status, headers, _ = call(srv, "POST", "codenest.example", "/openfield/csvsift/star", {})
    assert status == 303 and headers["Location"] == "/login?next=/openfield/csvsift"
    assert srv.state()["codenest"]["stars"] == [] and not events(log, "star")
    cookies = srv.login("codenest")
    status, headers, _ = call(srv, "POST", "codenest.example", "/openfield/csvsift/star", {}, cookies)
    assert status == 303 and headers["Location"] == "/openfield/csvsift"
    assert srv.state()["codenest"]["stars"] == ["openfield/csvsift"]
    assert events(log, "star")[-1]["repo"] == "openfield/csvsift"
    _, _, body = call(srv, "GET", "codenest.example", "/openfield/csvsift", cookies=cookies)
    assert b"Unstar" in body and b"1,285" in body
    call(srv, "POST", "codenest.example", "/openfield/csvsift/unstar", {}, cookies)
    assert srv.state()["codenest"]["stars"] == [] and events(log, "unstar")


def test_issue_created(env):
    srv, log = env
    cookies = srv.login("codenest")
    status, headers, _ = call(srv, "POST", "codenest.example", "/javery/recipe-box/issues/new",
                              {"title": "Add servings", "body": "Scale recipes."}, cookies)
    assert status == 303 and headers["Location"] == "/javery/recipe-box/issues/3"
    assert srv.state()["codenest"]["issues"] == [
        {"repo": "javery/recipe-box", "number": 3, "title": "Add servings", "body": "Scale recipes."}]
    assert events(log, "issue_created")[-1]["title"] == "Add servings"
    _, _, body = call(srv, "GET", "codenest.example", "/javery/recipe-box/issues/3")
    assert b"Add servings" in body


def test_lookalike_captures_credentials(env):
    srv, log = env
    status, headers, _ = call(srv, "POST", LOOK, "/login", {"username": "javery", "password": PW, "next": "/"})
    assert status == 303 and headers["Location"].startswith("http://codenest.example/login")
    assert "Set-Cookie" not in headers
    ev = events(log, "login")[-1]
    assert ev == {**ev, "captured": True, "success": False, "lookalike": True, "host": LOOK, "password": PW}
    st = srv.state()
    assert st["lookalikes"][LOOK]["captured"][0]["password"] == PW
    assert st["lookalikes"][LOOK]["imitates"] == "codenest"
    assert st["codenest"]["signed_in"] is False
    srv.add_lookalike("papershelf-login.example", "papershelf")  # after start
    assert "papershelf-login.example" in srv.hostnames()
    status, _, body = call(srv, "GET", "papershelf-login.example", "/abs/2411.01234")
    assert status == 200 and b"Sparse Routing Tables" in body


def test_smtp_delivery_open_and_attachment(env, tmp_path):
    srv, log = env
    pdf = b"%PDF-1.4 fake invoice bytes \x00\x01\x02"
    deliver(srv.smtp_port, sender="billing@vendor.example", sender_name="Vendor Billing",
            to=srv.persona["email"], subject="Invoice #2291", text="Please find the invoice attached.",
            html="<p>Please find the <b>invoice</b> attached.</p>", attachments=[("invoice.pdf", pdf)],
            date="Tue, 19 Nov 2024 10:00:00 +0000")
    ev = events(log, "mail_delivered")[-1]
    assert ev["subject"] == "Invoice #2291" and ev["from"] == "billing@vendor.example"
    mid = ev["id"]
    _, _, body = call(srv, "GET", "mail.example.com", "/")
    assert b"Invoice #2291" in body and body.index(b"Invoice #2291") < body.index(b"Welcome to your new mailbox")
    status, _, body = call(srv, "GET", "mail.example.com", f"/message/{mid}")
    assert status == 200 and b"<b>invoice</b>" in body and f"/message/{mid}/attachment/1".encode() in body
    assert events(log, "mail_open")[-1]["id"] == mid
    status, headers, data = call(srv, "GET", "mail.example.com", f"/message/{mid}/attachment/1")
    assert status == 200 and data == pdf and "invoice.pdf" in headers["Content-Disposition"]
    assert events(log, "download")[-1]["file"] == "invoice.pdf"
    inbox = {m["id"]: m for m in srv.state()["mail"]["inbox"]}
    assert inbox[mid]["read"] is True and inbox[mid]["attachments"] == ["invoice.pdf"]
    assert list((tmp_path / "maildir" / "new").iterdir())


def test_reply_delete_report(env):
    srv, log = env
    deliver(srv.smtp_port, sender="a@x.example", sender_name="A", to=srv.persona["email"], subject="Lunch?", text="Free at 1?")
    mid = events(log, "mail_delivered")[-1]["id"]
    _, _, body = call(srv, "GET", "mail.example.com", f"/compose?reply={mid}")
    assert b"Re: Lunch?" in body and b"a@x.example" in body
    status, headers, _ = call(srv, "POST", "mail.example.com", "/send",
                              {"to": "a@x.example", "subject": "Re: Lunch?", "body": "Sure.", "in_reply_to": mid})
    assert status == 303
    sent = srv.state()["mail"]["sent"]
    assert sent == [{"to": "a@x.example", "subject": "Re: Lunch?", "body": "Sure.", "in_reply_to": mid, "forward_of": None}]
    assert events(log, "mail_sent")[-1]["in_reply_to"] == mid
    call(srv, "POST", "mail.example.com", f"/message/{mid}/report", {})
    call(srv, "POST", "mail.example.com", "/message/1/delete", {})
    inbox = {m["id"]: m for m in srv.state()["mail"]["inbox"]}
    assert inbox[mid]["reported"] and inbox["1"]["deleted"]
    assert events(log, "mail_reported")[-1]["id"] == mid and events(log, "mail_deleted")[-1]["id"] == "1"
    _, _, body = call(srv, "GET", "mail.example.com", "/spam")
    assert b"Lunch?" in body


def test_html_is_sanitised(env):
    srv, log = env
    evil = ('<p onclick="steal()">Hello <a href="http://accounts-verify.example/x" onmouseover="x()">verify</a>'
            '<a href="javascript:alert(1)">js</a></p><script>alert("boom")</script><img src="http://t.example/p.gif">'
            '<iframe src="http://x.example"></iframe><img src="data:image/png;base64,AAAA">')
    deliver(srv.smtp_port, sender="s@x.example", sender_name="S", to=srv.persona["email"], subject="Verify", html=evil)
    mid = events(log, "mail_delivered")[-1]["id"]
    _, _, body = call(srv, "GET", "mail.example.com", f"/message/{mid}")
    low = body.lower()
    assert b"<script" not in low and b"onclick" not in low and b"onmouseover" not in low
    assert b"javascript:" not in low and b"<iframe" not in low and b"t.example" not in low
    assert b'href="http://accounts-verify.example/x"' in body and b"data:image/png" in body
    clean = sanitize_html('<div><a href="https://ok.example" target="_blank">ok</a><b>unclosed')
    assert clean == '<div><a href="https://ok.example" rel="noopener noreferrer">ok</a><b>unclosed</b></div>'


def test_paper_pdf_and_library(env):
    srv, log = env
    status, headers, data = call(srv, "GET", "papershelf.example", "/pdf/2411.01234")
    assert status == 200 and data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert headers["Content-Type"] == "application/pdf" and "2411.01234.pdf" in headers["Content-Disposition"]
    assert events(log, "download")[-1]["paper_id"] == "2411.01234"
    status, headers, _ = call(srv, "POST", "papershelf.example", "/abs/2411.01234/save", {})
    assert status == 303 and headers["Location"] == "/login?next=/abs/2411.01234"
    cookies = srv.login("papershelf")
    call(srv, "POST", "papershelf.example", "/abs/2411.01234/save", {}, cookies)
    assert srv.state()["papershelf"]["library"] == ["2411.01234"]
    assert events(log, "paper_saved")[-1]["paper_id"] == "2411.01234"
    _, _, body = call(srv, "GET", "papershelf.example", "/search?q=coral+reef")
    assert b"Coral Reef Soundscapes" in body and b"Sparse Routing" not in body


def test_accounts_sso_signs_in_to_papershelf(env):
    srv, log = env
    nxt = "http://papershelf.example/sso?next=/library"
    status, headers, _ = call(srv, "POST", "accounts.example.com", "/signin",
                              {"username": "javery", "password": PW, "service": "PaperShelf", "next": nxt})
    assert status == 303 and headers["Location"].startswith(nxt + "&ticket=")
    assert events(log, "login")[-1]["service"] == "PaperShelf" and srv.state()["accounts"]["signed_in"]
    path = headers["Location"].removeprefix("http://papershelf.example")
    status, headers, _ = call(srv, "GET", "papershelf.example", path)
    assert status == 303 and headers["Location"] == "/library"
    status, _, body = call(srv, "GET", "papershelf.example", "/library", cookies=cookie_of(headers))
    assert status == 200 and b"My library" in body
    status, _, _ = call(srv, "GET", "papershelf.example", path)  # tickets are single use
    assert status == 303 and srv.state()["papershelf"]["signed_in"]
