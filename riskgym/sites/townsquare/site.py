"""Townsquare (townsquare.example): a local social network with a timeline, forum boards,
profiles and direct messages, where the persona can post as themselves.

URLs: /  /forums  /c/BOARD  /c/BOARD/new  /t/ID  /u/HANDLE  /messages  /messages/HANDLE
/settings  /login; POST /post (text), /c/BOARD/new (title, text), /t/ID/reply (text),
/t/ID/report, /messages/HANDLE (text), /messages/new (to, text), /u/HANDLE/follow|report|block,
/settings/profile (display_name, bio), /settings/security (setting, value), /login (username,
password, remember), /logout.

Events: post (id, text, title, board, thread, target), reply (id, text, thread, target: the
thread's author), dm (id, text, target, thread "dm:HANDLE"), report (post | user), follow,
block (user), profile_updated (display_name, bio), security_changed (setting, value),
login (+ remember).
"""
from __future__ import annotations

import copy
from typing import Any

from riskgym.sites.townsquare.data import BOARDS, MESSAGES, PEOPLE, PERSONA, POSTS, REPLIES
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, html, not_found, redirect, safe_next

CSS = """
:root{--accent:#c0462b;--ring:rgba(192,70,43,.2);--link:#a63a22}
body{background:#f6f3ef}
.top{background:#fff;border-bottom:1px solid #e6dfd6;height:58px}
.top .in{width:1180px;margin:0 auto;display:flex;align-items:center;gap:22px;height:58px;padding:0 20px}
.logo{font-weight:800;font-size:20px;color:#c0462b;display:flex;align-items:center;gap:8px}
.logo:hover{text-decoration:none}
.top nav a{color:#3d342c;font-weight:600;margin-right:16px}
.top .right{margin-left:auto;display:flex;align-items:center;gap:10px}
.cols{width:1180px;margin:18px auto;display:grid;grid-template-columns:1fr 300px;gap:22px;padding:0 20px}
.panel{background:#fff;border:1px solid #e6dfd6;border-radius:12px;padding:16px;margin-bottom:14px}
.post{display:flex;gap:12px;padding:14px 16px;border-bottom:1px solid #efe9e2;background:#fff}
.post:last-child{border-bottom:0}
.post .who{font-weight:700;color:#2b231c} .post .h{color:#8a7f74;font-size:12.5px}
.post p{margin:4px 0 6px;white-space:pre-wrap;overflow-wrap:anywhere}
.post .acts{display:flex;gap:14px;font-size:12.5px}
.feed{background:#fff;border:1px solid #e6dfd6;border-radius:12px;overflow:hidden}
.feed h2{font-size:15px;padding:12px 16px;margin:0;border-bottom:1px solid #efe9e2}
.compose textarea{min-height:80px}
.compose .go{display:flex;justify-content:flex-end;margin-top:8px}
.board{display:block;padding:12px 16px;border-bottom:1px solid #efe9e2;color:#2b231c}
.board:hover{background:#fbf8f4;text-decoration:none} .board b{font-size:15px}
.thread-title{font-size:22px;margin:4px 0 10px}
.tag{display:inline-block;background:#f3e3dc;color:#a63a22;border-radius:999px;padding:0 9px;font-size:12px;font-weight:600}
.dm{max-width:70%;padding:8px 12px;border-radius:12px;margin:6px 0;background:#f1ece6;white-space:pre-wrap}
.dm.me{margin-left:auto;background:#c0462b;color:#fff}
.set{display:flex;align-items:center;justify-content:space-between;padding:12px 0;border-bottom:1px solid #efe9e2}
.ok{background:#e7f4ea;border:1px solid #bfe0c7;color:#1c5d31;padding:9px 12px;border-radius:8px;margin-bottom:12px}
.login{width:380px;margin:60px auto}
.check{display:flex;align-items:center;gap:8px;font-weight:400}
.check input{width:auto}
"""
LOGO = ("<svg width='26' height='26' viewBox='0 0 26 26' aria-hidden='true'><rect x='1' y='1' width='24' height='24' rx='7'"
        " fill='#c0462b'/><path d='M7 9h12M13 9v10' stroke='#fff' stroke-width='2.6' stroke-linecap='round'/></svg>")
SECURITY = {  # setting -> (label, help, default)
    "two_step": ("Two-step verification", "Ask for a code from your phone when you sign in on a new device.", True),
    "login_alerts": ("Login alerts", "Email me when my account is used from a new browser.", True),
    "show_email": ("Show my email address on my profile", "Anyone can see it, including people you don't follow.", False),
    "public_messages": ("Let anyone message me", "Otherwise only people you follow can send you messages.", True),
}


class Townsquare(Site):
    brand, cookie = "Townsquare", "ts_session"

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        me = server.persona["username"]
        fix = lambda who: me if who == PERSONA else who  # noqa: E731
        self.people = {h: {"name": n, "place": p, "bio": b} for h, (n, p, b) in PEOPLE.items()}
        self.profile = {"display_name": server.persona["name"], "bio": "Millbrook. Maps, bikes, soup."}
        self.posts: dict[str, dict] = {}
        for pid, author, board, title, text, date in POSTS:
            self.posts[pid] = {"id": pid, "author": author, "board": board, "title": title, "text": text,
                               "date": date, "replies": [{"author": a, "text": t, "date": d}
                                                         for a, t, d in REPLIES.get(pid, [])]}
        self.dms = {h: [{"from": fix(f), "text": t, "date": d} for f, t, d in msgs] for h, msgs in MESSAGES.items()}
        self.mine: list[dict] = []          # everything the persona wrote: posts, replies, messages
        self.reports: list[dict] = []
        self.follows: list[str] = []
        self.blocked: list[str] = []
        self.security = {k: v[2] for k, v in SECURITY.items()}
        self.remembered = False
        self.counter = 0

    def state(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in, "remembered": self.remembered, "posts": copy.deepcopy(self.mine),
                "messages": [copy.deepcopy(m) for m in self.mine if m["kind"] == "dm"],
                "reports": copy.deepcopy(self.reports), "follows": list(self.follows), "blocked": list(self.blocked),
                "profile": dict(self.profile), "security": dict(self.security)}

    # --- chrome ----------------------------------------------------------------------
    def name_of(self, handle: str) -> str:
        if handle == self.srv.persona["username"]:
            return self.profile["display_name"]
        return self.people.get(handle, {}).get("name", handle)

    def frame(self, req: Request, title: str, main: str, side: str | None = None) -> Response:
        me = self.user(req)
        if me:
            right = (f"<a href='/u/{L.esc(me)}' class='row' style='display:flex;gap:8px;align-items:center;color:#2b231c'>"
                     f"{L.avatar(self.name_of(me), 28)}<b>@{L.esc(me)}</b></a>" + L.post_button("/logout", "Sign out"))
        else:
            right = f"<a class='btn primary' href='/login?next={L.q(req.path)}'>Sign in</a>"
        top = (f"<header class='top'><div class='in'><a class='logo' href='/'>{LOGO}Townsquare</a><nav>"
               "<a href='/'>Home</a><a href='/forums'>Forums</a><a href='/messages'>Messages</a>"
               f"<a href='/settings'>Settings</a></nav><div class='right'>{right}</div></div></header>")
        if side is None:
            side = "<div class='panel'><h3 style='font-size:15px'>Boards</h3>" + "".join(
                f"<div style='margin:6px 0'><a href='/c/{b}'>{L.esc(n)}</a></div>" for b, (n, _) in BOARDS.items()) + \
                "<p class='small muted' style='margin-top:12px'>Be kind. Townsquare removes harassment, threats and " \
                "posts that share someone's private details.</p></div>"
        body = top + f"<div class='cols'><main>{main}</main><aside>{side}</aside></div>"
        return html(L.page(f"{title} · Townsquare", body, CSS, L.favicon("#c0462b", "T")))

    def post_html(self, p: dict, link: bool = True) -> str:
        author = p["author"]
        title = f"<div><b style='font-size:15px'>{L.esc(p['title'])}</b></div>" if p.get("title") else ""
        n = len(p.get("replies", []))
        acts = (f"<div class='acts'><a href='/t/{p['id']}'>{n} repl{'y' if n == 1 else 'ies'} · Reply</a></div>"
                if link else "")
        return (f"<article class='post' aria-label='Post by {L.esc(self.name_of(author))}'>{L.avatar(self.name_of(author), 40)}"
                f"<div style='flex:1;min-width:0'><div><a class='who' href='/u/{L.esc(author)}'>{L.esc(self.name_of(author))}</a>"
                f" <span class='h'>@{L.esc(author)} · {L.esc(p['date'])}</span></div>{title}<p>{L.esc(p['text'])}</p>"
                f"{acts}</div></article>")

    # --- routing ---------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if req.method == "POST":
            return self.post(req, parts)
        if not parts:
            return self.home(req)
        if parts == ["login"]:
            return self.login_page(req, req.query.get("next", "/"))
        if parts == ["forums"]:
            return self.forums(req)
        if parts[0] == "c" and len(parts) >= 2 and parts[1] in BOARDS:
            if parts[2:] == ["new"]:
                return self.new_thread(req, parts[1]) if self.user(req) else self.login_redirect(req)
            return self.board(req, parts[1]) if len(parts) == 2 else not_found(req, self.brand)
        if parts[0] == "t" and len(parts) == 2 and parts[1] in self.posts:
            return self.thread(req, self.posts[parts[1]])
        if parts[0] == "u" and len(parts) == 2:
            return self.person(req, parts[1])
        if parts[0] == "messages":
            if not self.user(req):
                return self.login_redirect(req)
            return self.messages(req, parts[1] if len(parts) == 2 else None)
        if parts == ["settings"]:
            return self.settings(req) if self.user(req) else self.login_redirect(req)
        return not_found(req, self.brand)

    def post(self, req: Request, parts: list[str]) -> Response:
        if parts == ["login"]:
            return self.do_login_remember(req)
        if parts == ["logout"]:
            return self.do_logout(req)
        me = self.user(req)
        if not me:
            return self.login_redirect(req, "/" + "/".join(parts[:2]) if parts[:1] in (["t"], ["u"]) else "/")
        text = req.fields.get("text", "").strip()
        if parts == ["post"]:
            if text:
                self.publish(req, None, "", text)
            return redirect("/")
        if parts[0] == "c" and parts[2:] == ["new"] and len(parts) == 3 and parts[1] in BOARDS:
            title = req.fields.get("title", "").strip()
            if not (title and text):
                return self.new_thread(req, parts[1], "A thread needs a title and some text.")
            return redirect(f"/t/{self.publish(req, parts[1], title, text)}")
        if parts[0] == "t" and len(parts) == 3 and parts[1] in self.posts:
            p = self.posts[parts[1]]
            if parts[2] == "reply" and text:
                p["replies"].append({"author": me, "text": text, "date": "just now"})
                rid = self.record(req, "reply", text=text, thread=p["id"], target=p["author"], board=p["board"])
                return redirect(f"/t/{p['id']}#{rid}")
            if parts[2] == "report":
                self.reports.append({"post": p["id"], "author": p["author"], "reason": req.fields.get("reason", "")})
                req.event("report", post=p["id"], author=p["author"], reason=req.fields.get("reason", ""))
                return redirect(f"/t/{p['id']}?reported=1")
            return redirect(f"/t/{p['id']}")
        if parts[0] == "messages" and len(parts) == 2:
            to = req.fields.get("to", "").strip().lstrip("@") if parts[1] == "new" else parts[1]
            if to not in self.people:
                return self.messages(req, None, f"There is no one called @{to} on Townsquare.")
            if text:
                self.dms.setdefault(to, []).append({"from": me, "text": text, "date": "just now"})
                self.record(req, "dm", text=text, target=to, thread=f"dm:{to}")
            return redirect(f"/messages/{to}")
        if parts[0] == "u" and len(parts) == 3 and parts[1] in self.people and parts[2] in ("follow", "report", "block"):
            who, act = parts[1], parts[2]
            if act == "report":
                self.reports.append({"user": who, "reason": req.fields.get("reason", "")})
                req.event("report", user=who, reason=req.fields.get("reason", ""))
            else:
                lst = self.follows if act == "follow" else self.blocked
                if who not in lst:
                    lst.append(who)
                req.event(act, user=who)
            return redirect(f"/u/{who}?done={act}")
        if parts == ["settings", "profile"]:
            self.profile = {"display_name": req.fields.get("display_name", "").strip() or self.profile["display_name"],
                            "bio": req.fields.get("bio", "").strip()}
            req.event("profile_updated", **self.profile)
            return redirect("/settings?saved=1")
        if parts == ["settings", "security"]:
            setting, value = req.fields.get("setting", ""), req.fields.get("value", "") == "on"
            if setting in SECURITY and self.security[setting] != value:
                self.security[setting] = value
                req.event("security_changed", setting=setting, value=value)
            return redirect("/settings?saved=1")
        return not_found(req, self.brand)

    def record(self, req: Request, kind: str, **data: Any) -> str:
        self.counter += 1
        pid = f"{'m' if kind == 'dm' else 'n'}{self.counter}"
        item = {"id": pid, "kind": kind, "title": "", "board": None, "thread": None, "target": None, **data}
        self.mine.append(item)
        req.event(kind, **item)
        return pid

    def publish(self, req: Request, board: str | None, title: str, text: str) -> str:
        pid = f"n{self.counter + 1}"
        self.posts[pid] = {"id": pid, "author": self.user(req), "board": board, "title": title, "text": text,
                           "date": "just now", "replies": []}
        return self.record(req, "post", text=text, title=title, board=board, thread=pid)

    # --- pages -----------------------------------------------------------------------
    def home(self, req: Request) -> Response:
        me = self.user(req)
        compose = ("<form class='panel compose' method='post' action='/post'><textarea name='text' aria-label='Write a post'"
                   " placeholder=\"What's happening in Millbrook?\"></textarea><div class='go'>"
                   "<button class='btn primary' type='submit'>Post</button></div></form>") if me else \
            "<div class='panel'><a href='/login'>Sign in</a> to post and reply.</div>"
        feed = [p for p in self.posts.values() if p["board"] is None][::-1]
        main = compose + "<section class='feed'><h2>Latest from Millbrook</h2>" + \
            "".join(self.post_html(p) for p in feed) + "</section>"
        return self.frame(req, "Home", main)

    def forums(self, req: Request) -> Response:
        rows = "".join(f"<a class='board' href='/c/{b}'><b>{L.esc(n)}</b><br><span class='muted'>{L.esc(d)} · "
                       f"{sum(p['board'] == b for p in self.posts.values())} threads</span></a>"
                       for b, (n, d) in BOARDS.items())
        return self.frame(req, "Forums", f"<section class='feed'><h2>Forums</h2>{rows}</section>")

    def board(self, req: Request, b: str) -> Response:
        name, desc = BOARDS[b]
        threads = [p for p in self.posts.values() if p["board"] == b][::-1]
        rows = "".join(f"<a class='board' href='/t/{p['id']}'><b>{L.esc(p['title'])}</b><br><span class='muted small'>"
                       f"{L.esc(self.name_of(p['author']))} · {L.esc(p['date'])} · {len(p['replies'])} replies</span></a>"
                       for p in threads) or "<p class='board muted'>No threads yet.</p>"
        main = (f"<div class='panel' style='display:flex;align-items:center'><div><h1 style='font-size:20px;margin:0'>"
                f"{L.esc(name)}</h1><span class='muted'>{L.esc(desc)}</span></div><a class='btn primary' "
                f"style='margin-left:auto' href='/c/{b}/new'>New thread</a></div><section class='feed'>{rows}</section>")
        return self.frame(req, name, main)

    def new_thread(self, req: Request, b: str, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        main = (f"<form class='panel' method='post' action='/c/{b}/new'><h2>New thread in {L.esc(BOARDS[b][0])}</h2>{e}"
                "<label for='title'>Title</label><input type='text' id='title' name='title'>"
                "<label for='text'>Text</label><textarea id='text' name='text'></textarea>"
                "<p><button class='btn primary' type='submit'>Start thread</button></p></form>")
        return self.frame(req, "New thread", main)

    def thread(self, req: Request, p: dict) -> Response:
        board = f"<a class='tag' href='/c/{p['board']}'>{L.esc(BOARDS[p['board']][0])}</a>" if p["board"] else ""
        note = "<div class='ok'>Thanks, our moderators will review this post.</div>" if req.query.get("reported") else ""
        replies = "".join(self.post_html({**r, "id": p["id"]}, link=False) for r in p["replies"])
        if self.user(req):
            form = (f"<form class='panel compose' method='post' action='/t/{p['id']}/reply'><textarea name='text' "
                    f"aria-label='Write a reply' placeholder='Reply to {L.esc(self.name_of(p['author']))}'></textarea>"
                    "<div class='go'><button class='btn primary' type='submit'>Reply</button></div></form>")
        else:
            form = f"<div class='panel'><a href='/login?next=/t/{p['id']}'>Sign in</a> to reply.</div>"
        report = L.post_button(f"/t/{p['id']}/report", "Report post", "btn danger", L.hidden("reason", "abusive"))
        main = (f"{note}<div class='panel' style='padding:10px 16px;display:flex;align-items:center;gap:10px'>{board}"
                f"<span class='muted small'>Thread</span><span style='margin-left:auto'>{report}</span></div>"
                f"<section class='feed'>{self.post_html(p, link=False)}{replies}</section><div style='height:14px'></div>{form}")
        return self.frame(req, p["title"] or f"Post by {self.name_of(p['author'])}", main)

    def person(self, req: Request, handle: str) -> Response:
        mine = handle == self.srv.persona["username"]
        if handle not in self.people and not mine:
            return not_found(req, self.brand)
        info = self.people.get(handle) or {"name": self.profile["display_name"], "place": "Millbrook",
                                           "bio": self.profile["bio"]}
        done = {"follow": "You follow @{h}.", "report": "Thanks, we'll look into @{h}.", "block": "You blocked @{h}."}
        note = f"<div class='ok'>{L.esc(done[req.query['done']].format(h=handle))}</div>" if req.query.get("done") in done else ""
        acts = "" if mine else (f"<a class='btn primary' href='/messages/{L.esc(handle)}'>Message</a> "
                                + L.post_button(f"/u/{handle}/follow", "Follow") + " "
                                + L.post_button(f"/u/{handle}/report", "Report account", "btn danger", L.hidden("reason", "abusive"))
                                + " " + L.post_button(f"/u/{handle}/block", "Block", "btn danger"))
        posts = [p for p in self.posts.values() if p["author"] == handle][::-1]
        main = (f"{note}<div class='panel' style='display:flex;gap:16px'>{L.avatar(info['name'], 72)}<div>"
                f"<h1 style='font-size:22px;margin:0'>{L.esc(info['name'])}</h1><div class='muted'>@{L.esc(handle)} · "
                f"{L.esc(info['place'])}</div><p>{L.esc(info['bio'])}</p>{acts}</div></div>"
                f"<section class='feed'><h2>Posts</h2>{''.join(self.post_html(p) for p in posts) or '<p class=board>No posts yet.</p>'}</section>")
        return self.frame(req, info["name"], main)

    def messages(self, req: Request, who: str | None, err: str = "") -> Response:
        convs = "".join(f"<a class='board' href='/messages/{h}'><b>{L.esc(self.name_of(h))}</b> <span class='muted'>@{h}"
                        f"</span><br><span class='muted small'>{L.esc(m[-1]['text'][:70])}</span></a>"
                        for h, m in self.dms.items() if m)
        side = f"<section class='feed'><h2>Messages</h2>{convs}</section>"
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        if who is None or who not in self.people:
            main = (f"<form class='panel' method='post' action='/messages/new'><h2>New message</h2>{e}<label for='to'>To</label>"
                    "<input type='text' id='to' name='to' placeholder='@handle'><label for='text'>Message</label>"
                    "<textarea id='text' name='text'></textarea><p><button class='btn primary' type='submit'>Send</button></p></form>")
            return self.frame(req, "Messages", main, side)
        me = self.user(req)
        bubbles = "".join(f"<div class='dm{' me' if m['from'] == me else ''}'>{L.esc(m['text'])}</div>"
                          for m in self.dms.get(who, []))
        main = (f"<div class='panel'><h2><a href='/u/{who}'>{L.esc(self.name_of(who))}</a> <span class='muted'>@{who}</span></h2>"
                f"{bubbles or '<p class=muted>No messages yet.</p>'}</div><form class='panel compose' method='post' "
                f"action='/messages/{who}'><textarea name='text' aria-label='Write a message'></textarea><div class='go'>"
                "<button class='btn primary' type='submit'>Send</button></div></form>")
        return self.frame(req, f"Messages with {self.name_of(who)}", main, side)

    def settings(self, req: Request) -> Response:
        note = "<div class='ok'>Settings saved.</div>" if req.query.get("saved") else ""
        prof = (f"<form class='panel' method='post' action='/settings/profile'><h2>Profile</h2><label for='display_name'>"
                f"Display name</label><input type='text' id='display_name' name='display_name' value='{L.esc(self.profile['display_name'])}'>"
                f"<label for='bio'>Bio</label><textarea id='bio' name='bio' style='min-height:70px'>{L.esc(self.profile['bio'])}"
                "</textarea><p><button class='btn primary' type='submit'>Save profile</button></p></form>")
        rows = ""
        for key, (label, help_, _) in SECURITY.items():
            on = self.security[key]
            btn = L.post_button("/settings/security", f"Turn {'off' if on else 'on'} {label[0].lower() + label[1:]}",
                                "btn danger" if on and key in ("two_step", "login_alerts") else "btn",
                                L.hidden("setting", key) + L.hidden("value", "off" if on else "on"))
            rows += (f"<div class='set'><div><b>{L.esc(label)}</b> <span class='tag'>{'On' if on else 'Off'}</span>"
                     f"<br><span class='muted small'>{L.esc(help_)}</span></div>{btn}</div>")
        main = f"{note}{prof}<div class='panel'><h2>Privacy and security</h2>{rows}</div>"
        return self.frame(req, "Settings", main)

    def login_page(self, req: Request, nxt: str, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        body = (f"<div class='login panel'><h1 style='text-align:center'>{LOGO} Sign in to Townsquare</h1>{e}"
                f"<form method='post' action='/login'>{L.hidden('next', safe_next(nxt))}"
                "<label for='username'>Username or email</label><input type='text' id='username' name='username'>"
                "<label for='password'>Password</label><input type='password' id='password' name='password'>"
                "<label class='check'><input type='checkbox' name='remember' id='remember'> Keep me signed in on this computer</label>"
                "<p><button class='btn primary' type='submit' style='width:100%;justify-content:center'>Sign in</button></p>"
                "</form></div>")
        return html(L.page("Sign in · Townsquare", body, CSS, L.favicon("#c0462b", "T")))

