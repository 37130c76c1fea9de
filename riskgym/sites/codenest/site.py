"""CodeNest (codenest.example): a code-hosting site with repositories, stars and issues.

URLs: /  /search?q=  /login  /OWNER  /OWNER/NAME  /OWNER/NAME/tree/main/DIR
/OWNER/NAME/blob/main/PATH  /OWNER/NAME/archive/main.zip  /OWNER/NAME/issues[?state=closed]
/OWNER/NAME/issues/new  /OWNER/NAME/issues/N; POST /OWNER/NAME/star|unstar,
/OWNER/NAME/issues/new (title, body), /OWNER/NAME/issues/N/comment (body), /logout.
"""
from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from riskgym.sites.codenest.data import PERSONA, REPOS
from riskgym.sites.codenest.gitremote import GitRemote, split_git_path
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, download, html, not_found, redirect, safe_next
from riskgym.sites.web.markup import markdown

CSS = """
:root{--accent:#1f7a4d;--ring:rgba(31,122,77,.2);--link:#0b63c4}
body{background:#fff}
.top{background:#16202b;color:#e8edf2;height:60px}
.top .in,.wrap{width:1200px;margin:0 auto;padding:0 24px}
.top .in{display:flex;align-items:center;gap:20px;height:60px}
.logo{display:flex;align-items:center;gap:8px;color:#fff;font-weight:700;font-size:18px}
.logo:hover{text-decoration:none}
.top form[role=search]{flex:0 0 300px} .top input{background:#0e161f;border-color:#3a4654;color:#e8edf2;padding:6px 10px}
.top nav a{color:#e8edf2;font-weight:600;margin-right:14px}
.top .right{margin-left:auto;display:flex;align-items:center;gap:10px}
.top .btn{background:transparent;color:#e8edf2;border-color:#4b5968}
.top .who{display:flex;align-items:center;gap:8px;color:#e8edf2;font-weight:600}
.repohead{background:#f6f8fa;border-bottom:1px solid #d8dee4;padding-top:20px}
.repohead h1{font-size:20px;font-weight:400;display:flex;align-items:center;gap:8px;margin:0}
.badge{border:1px solid #c9ced6;border-radius:999px;font-size:12px;padding:0 8px;color:#59636e}
.row{display:flex;align-items:center;gap:8px}
.count{border:1px solid #c9ced6;border-left:0;border-radius:0 6px 6px 0;padding:6px 10px;font-weight:600;font-size:13px;background:#fff}
.starbox .btn{border-radius:6px 0 0 6px}
.tabs{display:flex;gap:4px;margin-top:16px}
.tabs a{padding:8px 14px;color:#1f2328;border-bottom:2px solid transparent}
.tabs a.on{border-bottom-color:#e8743b;font-weight:600}
.grid{display:grid;grid-template-columns:1fr 280px;gap:28px;margin:24px auto}
.box{border:1px solid #d8dee4;border-radius:8px;overflow:hidden;margin-bottom:20px}
.box .hd{background:#f6f8fa;padding:10px 16px;border-bottom:1px solid #d8dee4;display:flex;align-items:center;gap:10px}
.files a.row{padding:8px 16px;border-top:1px solid #eaeef2;color:#1f2328}
.files a.row:first-child{border-top:0} .files svg{width:16px;height:16px;fill:#6a7580;color:#6a7580}
.files .row span.muted{margin-left:auto}
.readme{padding:8px 28px 20px} .readme h1{font-size:26px;border-bottom:1px solid #eaeef2;padding:12px 0 8px}
.readme h2{font-size:19px;margin-top:22px} .readme pre{background:#f6f8fa;padding:14px;border-radius:6px;overflow:auto}
.readme code{background:#eff2f5;padding:1px 4px;border-radius:4px} .readme pre code{background:none;padding:0}
aside h2{font-size:15px} .topic{display:inline-block;background:#e4f1ea;color:#1f7a4d;border-radius:999px;padding:1px 10px;margin:0 4px 6px 0;font-size:12px;font-weight:600}
.lang{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px}
.card{border:1px solid #d8dee4;border-radius:8px;padding:16px;margin-bottom:14px}
.card h3{font-size:16px;margin:0 0 4px} .meta{display:flex;gap:16px;color:#59636e;font-size:12px;margin-top:8px}
.code{width:100%;border-collapse:collapse}
.code td{padding:0 12px;white-space:pre;font-family:Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px;line-height:20px}
.code td.n{width:1%;text-align:right;color:#8c959f;user-select:none}
.issue{padding:12px 16px;border-top:1px solid #eaeef2;display:flex;gap:10px}
.issue svg{width:16px;height:16px;color:#1f7a4d;margin-top:3px;flex:none}
.issue.closed svg{color:#8250df}
.comment{border:1px solid #d8dee4;border-radius:8px;margin-bottom:16px}
.comment .hd{background:#f6f8fa;padding:8px 14px;border-bottom:1px solid #d8dee4;border-radius:8px 8px 0 0}
.comment .bd{padding:12px 14px}
.narrow{width:720px;margin:28px auto}
.login{width:340px;margin:48px auto}
.login .panel{border:1px solid #d8dee4;border-radius:8px;padding:20px;background:#f6f8fa}
.login h1{text-align:center;font-size:24px;font-weight:300}
"""
LANG = {"Python": "#3572a5", "Go": "#00add8", "TypeScript": "#3178c6"}
LOGO = ("<svg width='28' height='28' viewBox='0 0 28 28' aria-hidden='true'><circle cx='14' cy='14' r='13'"
        " fill='#2ea86a'/><path d='M7 16c2 4 12 4 14 0M9 12l3-3M19 12l-3-3' stroke='#fff' stroke-width='2'"
        " fill='none' stroke-linecap='round'/></svg>")

BIG_LOGO = LOGO.replace("width='28' height='28'", "width='48' height='48'")


class CodeNest(Site):
    brand, cookie = "CodeNest", "cn_session"
    sso = True

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        me = server.persona["username"]
        self.repos: dict[str, dict] = {}
        for r in copy.deepcopy(REPOS):
            if r["owner"] == PERSONA:
                r["owner"] = me
            r["full"] = f"{r['owner']}/{r['name']}"
            self.repos[r["full"].lower()] = r
        self.stars: list[str] = []
        self.created: list[dict] = []      # issues the persona opened
        self.comments: list[dict] = []
        self.git = GitRemote(server.state_dir / "git", server.persona, self.seed_files)

    def state(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in, "stars": list(self.stars), "issues": copy.deepcopy(self.created),
                "comments": copy.deepcopy(self.comments), "pushed": self.git.state()}

    def seed_files(self, full: str) -> dict[str, str] | None:
        r = self.repos.get(full.lower())
        return dict(r["files"]) if r else None

    def git_request(self, req: Request, owner: str, name: str, rest: str) -> Response:
        resp = self.git.handle(req, owner, name, rest)
        for ev in req.events:
            if ev["type"] == "push":   # the repository's pages now show what was pushed
                self.show_pushed(ev["repo"], owner, name, ev["commits"])
        return resp

    def show_pushed(self, full: str, owner: str, name: str, commits: list[str]) -> None:
        snap = self.git.pushed[full]
        r = self.repos.get(full)
        if r is None:
            r = self.repos[full] = {"owner": owner, "name": name, "full": f"{owner}/{name}", "lang": "Text",
                                    "stars": 0, "forks": 0, "desc": "", "topics": [], "updated": "just now",
                                    "commits": 0, "issues": []}
        r.update(files=dict(snap["text"]), updated="just now", commits=r["commits"] + len(commits),
                 last_commit=("Pushed from the command line", (snap["head"] or "")[:7]))

    # --- chrome ----------------------------------------------------------------------
    def frame(self, req: Request, title: str, body: str) -> str:
        me = self.user(req)
        if me:
            right = (f"<span class='who'>{L.avatar(me, 26)}{L.esc(me)}</span>"
                     + L.post_button("/logout", "Sign out"))
        else:
            back = req.path if req.path != "/login" else "/"
            right = (f"<a class='btn' href='/login?next={L.q(back)}'>Sign in</a>"
                     "<a class='btn primary' href='/login'>Sign up</a>")
        top = (f"<header class='top'><div class='in'><a class='logo' href='/'>{LOGO}CodeNest</a>"
               "<form action='/search' role='search'><input type='search' name='q' aria-label='Search CodeNest'"
               f" placeholder='Search repositories' value='{L.esc(req.query.get('q', ''))}'></form>"
               "<nav><a href='/'>Explore</a><a href='/search?q='>Topics</a></nav>"
               f"<div class='right'>{right}</div></div></header>")
        return L.page(f"{title} · CodeNest", top + body, CSS, L.favicon("#1f7a4d", "C"))

    def repo_head(self, req: Request, r: dict, tab: str) -> str:
        starred = r["full"] in self.stars
        count = r["stars"] + starred
        label, act, icon = ("Unstar", "unstar", L.ICONS["star"]) if starred else ("Star", "star", L.ICONS["star-o"])
        star = (f"<span class='row starbox' style='gap:0'>"
                f"{L.post_button('/' + r['full'] + '/' + act, label, icon=icon)}"
                f"<span class='count' aria-label='{count} stars'>{count:,}</span></span>")
        fork = f"<span class='btn' aria-disabled='true'>{L.ICONS['fork']}Fork <b>{r['forks']}</b></span>"
        n_open = sum(i["open"] for i in r["issues"])
        on = lambda t: " class='on'" if t == tab else ""  # noqa: E731
        return (f"<div class='repohead'><div class='wrap'><div class='row'>"
                f"<h1>{L.ICONS['file'].replace('<svg', '<svg width=16 height=16')}"
                f"<a href='/{L.esc(r['owner'])}'>{L.esc(r['owner'])}</a>/"
                f"<a href='/{L.esc(r['full'])}'><b>{L.esc(r['name'])}</b></a>"
                f"<span class='badge'>Public</span></h1>"
                f"<span style='margin-left:auto' class='row'>{fork}{star}</span></div>"
                f"<nav class='tabs'><a{on('code')} href='/{L.esc(r['full'])}'>Code</a>"
                f"<a{on('issues')} href='/{L.esc(r['full'])}/issues'>Issues <span class='badge'>{n_open}</span></a>"
                "</nav></div></div>")

    def card(self, r: dict) -> str:
        return (f"<div class='card'><h3><a href='/{L.esc(r['full'])}'>{L.esc(r['owner'])} / <b>{L.esc(r['name'])}</b></a></h3>"
                f"<div class='muted'>{L.esc(r['desc'])}</div><div class='meta'>"
                f"<span><span class='lang' style='background:{LANG.get(r['lang'], '#888')}'></span>{L.esc(r['lang'])}</span>"
                f"<span>&#9733; {r['stars'] + (r['full'] in self.stars):,}</span><span>Updated {L.esc(r['updated'])}</span></div></div>")

    # --- routing ---------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        git = split_git_path(parts)
        if git:
            return self.git_request(req, *git)
        if req.method == "POST":
            return self.post(req, parts)
        if not parts or parts == ["explore"]:
            return self.explore(req)
        if parts == ["search"]:
            return self.explore(req, req.query.get("q", ""))
        if parts == ["login"]:
            return self.login_page(req, req.query.get("next", "/"))
        if parts == ["sso"]:
            return self.do_sso_return(req)
        if len(parts) == 1:
            return self.profile(req, parts[0])
        r = self.repos.get(f"{parts[0]}/{parts[1]}".lower())
        if r is None:
            return not_found(req, self.brand)
        rest = parts[2:]
        if not rest:
            return self.tree(req, r, "")
        if rest[0] == "tree" and len(rest) >= 2:
            return self.tree(req, r, "/".join(rest[2:]))
        if rest[0] == "blob" and len(rest) >= 3:
            return self.blob(req, r, "/".join(rest[2:]))
        if rest[:2] == ["archive", "main.zip"]:
            return self.archive(req, r)
        if rest == ["issues"]:
            return self.issues(req, r)
        if rest == ["issues", "new"]:
            if not self.user(req):
                return self.login_redirect(req)
            return self.new_issue(req, r)
        if len(rest) == 2 and rest[0] == "issues" and rest[1].isdigit():
            return self.issue(req, r, int(rest[1]))
        return not_found(req, self.brand)

    def post(self, req: Request, parts: list[str]) -> Response:
        if parts == ["login"]:
            nxt = req.fields.get("next", "/")
            return self.do_login(req, nxt, lambda err: self.login_page(req, nxt, err))
        if parts == ["logout"]:
            return self.do_logout(req)
        r = self.repos.get("/".join(parts[:2]).lower()) if len(parts) >= 3 else None
        if r is None:
            return not_found(req, self.brand)
        me, rest = self.user(req), parts[2:]
        if not me:  # every repo action needs a session; come back to the repo after signing in
            back = f"/{r['full']}" + ("/issues/new" if rest[:2] == ["issues", "new"] else "")
            return self.login_redirect(req, back)
        if rest in (["star"], ["unstar"]):
            on = rest[0] == "star"
            if on and r["full"] not in self.stars:
                self.stars.append(r["full"])
            elif not on and r["full"] in self.stars:
                self.stars.remove(r["full"])
            req.event(rest[0], repo=r["full"])
            return redirect(safe_next(req.fields.get("next", ""), f"/{r['full']}"))
        if rest == ["issues", "new"]:
            title, body = req.fields.get("title", "").strip(), req.fields.get("body", "")
            if not title:
                return self.new_issue(req, r, "A title is required.")
            num = max([i["number"] for i in r["issues"]] + [0]) + 1
            r["issues"].append({"number": num, "title": title, "author": me, "open": True,
                                "date": "just now", "body": body, "comments": []})
            self.created.append({"repo": r["full"], "number": num, "title": title, "body": body})
            req.event("issue_created", repo=r["full"], number=num, title=title, body=body)
            return redirect(f"/{r['full']}/issues/{num}")
        if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comment" and rest[1].isdigit():
            iss = next((i for i in r["issues"] if i["number"] == int(rest[1])), None)
            body = req.fields.get("body", "").strip()
            if iss is None:
                return not_found(req, self.brand)
            if body:
                iss["comments"].append({"author": me, "body": body})
                self.comments.append({"repo": r["full"], "number": iss["number"], "body": body})
                req.event("comment", repo=r["full"], number=iss["number"], body=body)
            return redirect(f"/{r['full']}/issues/{iss['number']}")
        return not_found(req, self.brand)

    # --- pages -----------------------------------------------------------------------
    def explore(self, req: Request, q: str | None = None) -> Response:
        me = self.user(req)
        repos = list(self.repos.values())
        if q is not None:
            ql = q.lower()
            repos = [r for r in repos if ql in (r["full"] + " " + r["desc"] + " " + " ".join(r["topics"])).lower()]
            head = f"<h2>{len(repos)} repositor{'y' if len(repos) == 1 else 'ies'} for “{L.esc(q)}”</h2>" if q else "<h2>All repositories</h2>"
        else:
            repos.sort(key=lambda r: -r["stars"])
            head = "<h2>Trending repositories</h2>"
        if me:
            mine = "".join(f"<div style='margin:6px 0'>{L.avatar(r['owner'], 18)} <a href='/{L.esc(r['full'])}'>{L.esc(r['full'])}</a></div>"
                           for r in self.repos.values() if r["owner"] == me)
            side = f"<h2 style='font-size:15px'>Your repositories</h2>{mine}"
        else:
            side = ("<div class='card' style='background:#f3f8f5'><h3>Build in the open</h3><p class='muted'>Host code, track "
                    "issues and follow the projects you rely on.</p><a class='btn primary' href='/login'>Sign in to CodeNest</a></div>")
        cards = "".join(self.card(r) for r in repos) or "<p class='muted'>No repositories matched.</p>"
        body = f"<div class='wrap grid' style='grid-template-columns:280px 1fr'><aside>{side}</aside><main>{head}{cards}</main></div>"
        return html(self.frame(req, "Explore", body))

    def profile(self, req: Request, owner: str) -> Response:
        repos = [r for r in self.repos.values() if r["owner"].lower() == owner.lower()]
        if not repos:
            return not_found(req, self.brand)
        name = repos[0]["owner"]
        full = self.srv.persona["name"] if name == self.srv.persona["username"] else name
        body = (f"<div class='wrap grid' style='grid-template-columns:280px 1fr'><aside>{L.avatar(name, 200)}"
                f"<h1 style='font-size:24px;margin-top:12px'>{L.esc(full)}</h1><div class='muted'>{L.esc(name)}</div></aside>"
                f"<main><h2>Repositories</h2>{''.join(self.card(r) for r in repos)}</main></div>")
        return html(self.frame(req, name, body))

    def tree(self, req: Request, r: dict, d: str) -> Response:
        prefix = d.strip("/") + "/" if d.strip("/") else ""
        entries: dict[str, bool] = {}
        for p in r["files"]:
            if p.startswith(prefix):
                head, _, tail = p[len(prefix):].partition("/")
                entries[head] = entries.get(head, False) or bool(tail)
        if not entries:
            return not_found(req, self.brand)
        order = sorted(entries, key=lambda e: (not entries[e], e.lower()))
        rows = "".join(
            f"<a class='row' href='/{L.esc(r['full'])}/{'tree' if entries[e] else 'blob'}/main/{L.esc(prefix + e)}'>"
            f"{L.ICONS['dir' if entries[e] else 'file']}{L.esc(e)}<span class='muted small'>{L.esc(r['updated'])}</span></a>"
            for e in order)
        msg, sha = r["last_commit"]
        where = f" / {L.esc(d)}" if prefix else ""
        files = (f"<div class='box'><div class='hd'>{L.avatar(r['owner'], 22)}<b>{L.esc(r['owner'])}</b>"
                 f"<span>{L.esc(msg)}</span><span class='muted mono' style='margin-left:auto'>{sha}</span>"
                 f"<span class='muted'>{r['commits']} commits</span>"
                 f"<a class='btn primary' href='/{L.esc(r['full'])}/archive/main.zip'>{L.ICONS['download']}Download ZIP</a>"
                 f"</div><div class='files'>{rows}</div></div>")
        readme = r["files"].get(prefix + "README.md")
        if readme:
            files += f"<div class='box'><div class='hd'><b>README.md</b>{where}</div><div class='readme'>{markdown(readme)}</div></div>"
        topics = "".join(f"<span class='topic'>{L.esc(t)}</span>" for t in r["topics"])
        about = (f"<aside><h2>About</h2><p>{L.esc(r['desc'])}</p><div>{topics}</div>"
                 f"<p class='muted'><span class='lang' style='background:{LANG.get(r['lang'], '#888')}'></span>{L.esc(r['lang'])}"
                 f"<br>&#9733; {r['stars'] + (r['full'] in self.stars):,} stars<br>{r['forks']} forks</p></aside>")
        body = self.repo_head(req, r, "code") + f"<div class='wrap grid'><main>{files}</main>{about}</div>"
        return html(self.frame(req, r["full"], body))

    def blob(self, req: Request, r: dict, path: str) -> Response:
        text = r["files"].get(path)
        if text is None:
            return self.tree(req, r, path)
        lines = "".join(f"<tr><td class='n'>{n}</td><td>{L.esc(line)}</td></tr>"
                        for n, line in enumerate(text.rstrip("\n").split("\n"), 1))
        crumbs = f"<a href='/{L.esc(r['full'])}'>{L.esc(r['name'])}</a> / {L.esc(path)}"
        content = (markdown(text) if path.endswith(".md") else "")
        inner = f"<div class='readme'>{content}</div>" if content else f"<table class='code'>{lines}</table>"
        box = (f"<div class='box'><div class='hd'><b>{crumbs}</b><span class='muted' style='margin-left:auto'>"
               f"{text.count(chr(10))} lines</span></div>{inner}</div>")
        body = self.repo_head(req, r, "code") + f"<div class='wrap' style='margin-top:24px'>{box}</div>"
        return html(self.frame(req, f"{path} · {r['full']}", body))

    def archive(self, req: Request, r: dict) -> Response:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p, text in sorted(r["files"].items()):  # fixed timestamps: the same bytes each time
                z.writestr(zipfile.ZipInfo(f"{r['name']}-main/{p}", (2024, 11, 1, 12, 0, 0)), text)
        name = f"{r['name']}-main.zip"
        req.event("download", file=name, path=req.path, size=buf.tell(), repo=r["full"])
        return download(name, buf.getvalue(), "application/zip")

    def issues(self, req: Request, r: dict) -> Response:
        closed = req.query.get("state") == "closed"
        shown = [i for i in sorted(r["issues"], key=lambda i: -i["number"]) if i["open"] != closed]
        n_open = sum(i["open"] for i in r["issues"])
        rows = "".join(
            f"<div class='issue{' closed' if not i['open'] else ''}'>{L.ICONS['issue']}<div>"
            f"<a href='/{L.esc(r['full'])}/issues/{i['number']}' style='color:#1f2328;font-weight:600;font-size:15px'>{L.esc(i['title'])}</a>"
            f"<div class='muted small'>#{i['number']} opened {L.esc(i['date'])} by {L.esc(i['author'])}</div></div></div>"
            for i in shown) or "<div class='issue'>No issues here.</div>"
        hd = (f"<div class='hd'><a href='?state=open' style='color:#1f2328;font-weight:{400 + 200 * (not closed)}'>{n_open} Open</a>"
              f"<a href='?state=closed' style='color:#1f2328;font-weight:{400 + 200 * closed}'>{len(r['issues']) - n_open} Closed</a>"
              f"<a class='btn primary' style='margin-left:auto' href='/{L.esc(r['full'])}/issues/new'>New issue</a></div>")
        body = self.repo_head(req, r, "issues") + f"<div class='wrap' style='margin-top:24px'><div class='box'>{hd}{rows}</div></div>"
        return html(self.frame(req, f"Issues · {r['full']}", body))

    def new_issue(self, req: Request, r: dict, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        form = (f"<div class='narrow'><h2>Open a new issue</h2>{e}<form method='post' action='/{L.esc(r['full'])}/issues/new'>"
                f"<label for='title'>Title</label><input type='text' id='title' name='title' value='{L.esc(req.fields.get('title', ''))}'>"
                f"<label for='body'>Description</label><textarea id='body' name='body' placeholder='Describe the problem or idea'>"
                f"{L.esc(req.fields.get('body', ''))}</textarea><p><button class='btn primary' type='submit'>Submit new issue</button></p></form></div>")
        return html(self.frame(req, f"New issue · {r['full']}", self.repo_head(req, r, "issues") + form))

    def issue(self, req: Request, r: dict, num: int) -> Response:
        iss = next((i for i in r["issues"] if i["number"] == num), None)
        if iss is None:
            return not_found(req, self.brand)
        posts = [{"author": iss["author"], "body": iss["body"]}] + iss["comments"]
        thread = "".join(f"<div class='row' style='align-items:flex-start;gap:12px'>{L.avatar(c['author'], 36)}"
                         f"<div class='comment' style='flex:1'><div class='hd'><b>{L.esc(c['author'])}</b></div>"
                         f"<div class='bd readme' style='padding:4px 14px'>{markdown(c['body'])}</div></div></div>" for c in posts)
        if self.user(req):
            reply = (f"<form method='post' action='/{L.esc(r['full'])}/issues/{num}/comment'><label for='body'>Add a comment</label>"
                     "<textarea id='body' name='body'></textarea><p style='text-align:right'>"
                     "<button class='btn primary' type='submit'>Comment</button></p></form>")
        else:
            reply = f"<div class='note'><a href='/login?next=/{L.esc(r['full'])}/issues/{num}'>Sign in</a> to join the conversation.</div>"
        state = "<span class='badge' style='background:#1f7a4d;color:#fff;border:0'>Open</span>" if iss["open"] else \
            "<span class='badge' style='background:#8250df;color:#fff;border:0'>Closed</span>"
        body = (self.repo_head(req, r, "issues") + f"<div class='narrow' style='width:900px'><h1 style='font-size:26px;font-weight:400'>"
                f"{L.esc(iss['title'])} <span class='muted'>#{num}</span></h1><p>{state} <span class='muted'>{L.esc(iss['author'])} opened this issue "
                f"{L.esc(iss['date'])}</span></p>{thread}{reply}</div>")
        return html(self.frame(req, f"{iss['title']} · Issue #{num}", body))

    def login_page(self, req: Request, nxt: str, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        body = (f"<div class='login'><div style='text-align:center'>{BIG_LOGO}</div><h1>Sign in to CodeNest</h1>{e}"
                f"<div class='panel'><form method='post' action='/login'>{L.hidden('next', safe_next(nxt))}"
                "<label for='username'>Username or email address</label><input type='text' id='username' name='username' autocomplete='username'>"
                "<label for='password'>Password</label><input type='password' id='password' name='password' autocomplete='current-password'>"
                "<p><button class='btn primary' type='submit' style='width:100%;justify-content:center;padding:8px'>Sign in</button></p></form>"
                f"<p class='small muted' style='text-align:center;margin:0'>or <a href='{L.esc(self.sso_link(safe_next(nxt)))}'>"
                "continue with Example Account</a></p></div></div>")
        return html(self.frame(req, "Sign in", body))
