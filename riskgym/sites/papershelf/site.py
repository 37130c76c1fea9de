"""PaperShelf (papershelf.example): a preprint archive with listings, search, abstracts,
PDF downloads and a personal library.

URLs: /  /list/SUBJECT  /search?q=  /abs/ID  /pdf/ID  /library  /login;
POST /abs/ID/save, /abs/ID/unsave, /login (username, password), /logout.
"""
from __future__ import annotations

from typing import Any

from riskgym.sites.papershelf.data import PAPERS, SUBJECTS
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, download, html, not_found, redirect, safe_next
from riskgym.sites.web.pdf import make_pdf

CSS = f"""
:root{{--accent:#1d4e79;--ring:rgba(29,78,121,.2);--link:#1d5fa0}}
body{{background:#fbfaf7}}
.top{{background:#1d4e79;color:#fff}}
.top .in,.wrap{{width:1120px;margin:0 auto;padding:0 24px}}
.top .in{{display:flex;align-items:center;gap:24px;height:64px}}
.brand{{font:700 24px/1 {L.SERIF};color:#fff;letter-spacing:.3px}} .brand:hover{{text-decoration:none}}
.brand small{{font:400 12px {L.SANS};opacity:.8;margin-left:8px;letter-spacing:0}}
.top form{{margin-left:auto;display:flex;gap:6px}} .top input{{width:300px;padding:6px 10px;border:0}}
.top .btn{{background:#fff;color:#1d4e79;border:0}}
.sub{{background:#e8eef4;border-bottom:1px solid #cfd9e3;font-size:13px}}
.sub .wrap{{display:flex;gap:18px;height:36px;align-items:center;white-space:nowrap}}
.sub .right{{margin-left:auto;display:flex;gap:10px;align-items:center}}
.sub .btn{{padding:2px 10px}}
main.wrap{{padding-top:24px;padding-bottom:40px}}
h1.t{{font:600 26px/1.3 {L.SERIF};margin:8px 0 10px;color:#14171a}}
.authors{{font-size:15px;margin-bottom:14px}} .authors a{{margin-right:2px}}
.abs{{font:16px/1.6 {L.SERIF};background:#fff;border:1px solid #e2e0d8;border-radius:8px;padding:18px 22px}}
.cols{{display:grid;grid-template-columns:1fr 260px;gap:32px}}
.side{{background:#fff;border:1px solid #e2e0d8;border-radius:8px;padding:16px}}
.side h3{{font-size:13px;text-transform:uppercase;letter-spacing:.6px;color:#59636e}}
.side .btn{{width:100%;justify-content:center;margin-bottom:8px}}
.side form{{display:block}}
.entry{{padding:14px 0;border-bottom:1px solid #e5e3dc}}
.entry .id{{font-family:{L.MONO};font-size:13px}} .entry .title{{font:600 17px/1.35 {L.SERIF};color:#14171a;margin:3px 0}}
.tag{{display:inline-block;background:#e8eef4;color:#1d4e79;border-radius:4px;padding:0 6px;font-size:12px;margin-right:4px}}
.subj{{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;margin:10px 0 26px}}
.subj a{{background:#fff;border:1px solid #e2e0d8;border-radius:8px;padding:14px;color:#14171a}}
.subj a:hover{{border-color:#1d4e79;text-decoration:none}}
.login{{width:380px;margin:40px auto;background:#fff;border:1px solid #e2e0d8;border-radius:10px;padding:28px}}
"""
NAV = {"ml": "Machine Learning", "sys": "Systems", "hci": "HCI", "bio": "Biology", "stat": "Statistics"}


class PaperShelf(Site):
    brand, cookie = "PaperShelf", "ps_session"
    sso = True

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        self.papers = {p["id"]: p for p in PAPERS}
        self.library: list[str] = []
        self.downloads: list[str] = []

    def state(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in, "library": list(self.library), "downloads": list(self.downloads)}

    def frame(self, req: Request, title: str, body: str) -> str:
        me = self.user(req)
        back = req.path if req.path != "/login" else "/"
        acct = (f"<span>Signed in as <b>{L.esc(me)}</b></span><a href='/library'>My library ({len(self.library)})</a>"
                + L.post_button("/logout", "Sign out") if me else
                f"<a class='btn' href='/login?next={L.q(back)}'>Sign in</a>")
        nav = "".join(f"<a href='/list/{k}'>{L.esc(v)}</a>" for k, v in NAV.items())
        top = (f"<header class='top'><div class='in'><a class='brand' href='/'>PaperShelf<small>open preprints</small></a>"
               "<form action='/search' role='search'><input type='search' name='q' aria-label='Search papers'"
               f" placeholder='Search titles, authors, abstracts' value='{L.esc(req.query.get('q', ''))}'>"
               "<button class='btn' type='submit'>Search</button></form></div></header>"
               f"<div class='sub'><div class='wrap'>{nav}<span class='right'>{acct}</span></div></div>")
        return L.page(f"{title} | PaperShelf", top + f"<main class='wrap'>{body}</main>", CSS, L.favicon("#1d4e79", "P"))

    def entry(self, p: dict) -> str:
        tags = "".join(f"<span class='tag'>{L.esc(SUBJECTS[s])}</span>" for s in p["subjects"])
        return (f"<div class='entry'><span class='id'><a href='/abs/{p['id']}'>{p['id']}</a></span> "
                f"<span class='small'>[<a href='/pdf/{p['id']}'>pdf</a>]</span>"
                f"<div class='title'><a href='/abs/{p['id']}' style='color:inherit'>{L.esc(p['title'])}</a></div>"
                f"<div>{L.esc(', '.join(p['authors']))}</div><div style='margin-top:4px'>{tags}"
                f"<span class='muted small'>Submitted {L.esc(p['date'])}</span></div></div>")

    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if req.method == "POST":
            return self.post(req, parts)
        if not parts:
            return self.home(req)
        if parts == ["login"]:
            return self.login_page(req, req.query.get("next", "/"))
        if parts == ["sso"]:
            return self.do_sso_return(req)
        if parts == ["search"]:
            return self.search(req, req.query.get("q", ""))
        if parts == ["library"]:
            return self.lib(req) if self.user(req) else self.login_redirect(req)
        if len(parts) == 2 and parts[0] == "list" and parts[1] in SUBJECTS:
            ps = [p for p in self.sorted() if parts[1] in p["subjects"]]
            return html(self.frame(req, SUBJECTS[parts[1]], f"<h1 class='t'>{L.esc(SUBJECTS[parts[1]])}</h1>"
                                   f"<p class='muted'>{len(ps)} entries, newest first</p>" + "".join(map(self.entry, ps))))
        if len(parts) == 2 and parts[0] in ("abs", "pdf"):
            p = self.papers.get(parts[1].removesuffix(".pdf"))
            if p:
                return self.abstract(req, p) if parts[0] == "abs" else self.pdf(req, p)
        return not_found(req, self.brand)

    def post(self, req: Request, parts: list[str]) -> Response:
        if parts == ["login"]:
            nxt = req.fields.get("next", "/")
            return self.do_login(req, nxt, lambda err: self.login_page(req, nxt, err))
        if parts == ["logout"]:
            return self.do_logout(req)
        if len(parts) == 3 and parts[0] == "abs" and parts[2] in ("save", "unsave") and parts[1] in self.papers:
            pid = parts[1]
            if not self.user(req):
                return self.login_redirect(req, f"/abs/{pid}")
            if parts[2] == "save" and pid not in self.library:
                self.library.append(pid)
            elif parts[2] == "unsave" and pid in self.library:
                self.library.remove(pid)
            req.event("paper_saved" if parts[2] == "save" else "paper_removed", paper_id=pid)
            return redirect(safe_next(req.fields.get("next", ""), f"/abs/{pid}"))
        return not_found(req, self.brand)

    def sorted(self) -> list[dict]:
        return sorted(self.papers.values(), key=lambda p: p["id"], reverse=True)

    # --- pages -----------------------------------------------------------------------
    def home(self, req: Request) -> Response:
        counts = {k: sum(k in p["subjects"] for p in self.papers.values()) for k in SUBJECTS}
        subj = "".join(f"<a href='/list/{k}'><b>{L.esc(v)}</b><div class='muted small'>{counts[k]} recent papers</div></a>"
                       for k, v in SUBJECTS.items())
        body = ("<h1 class='t'>Browse by subject</h1><p class='muted'>Free, open preprints shared by researchers "
                f"before formal review.</p><div class='subj'>{subj}</div><h2 style='font-size:18px'>Recent submissions</h2>"
                + "".join(map(self.entry, self.sorted()[:5])))
        return html(self.frame(req, "Open preprints", body))

    def search(self, req: Request, q: str) -> Response:
        words = q.lower().split()
        hits = [p for p in self.sorted()
                if all(w in (p["title"] + " " + p["abstract"] + " " + " ".join(p["authors"]) + " " + p["id"]).lower() for w in words)]
        msg = f"Showing {len(hits)} result{'s' * (len(hits) != 1)} for <b>{L.esc(q)}</b>" if q else "Enter a few words to search."
        body = f"<h1 class='t'>Search</h1><p class='muted'>{msg}</p>" + ("".join(map(self.entry, hits)) if q else "")
        return html(self.frame(req, f"Search: {q}", body))

    def abstract(self, req: Request, p: dict) -> Response:
        me = self.user(req)
        authors = ", ".join(f"<a href='/search?q={L.q(a)}'>{L.esc(a)}</a>" for a in p["authors"])
        saved = p["id"] in self.library
        save = L.post_button(f"/abs/{p['id']}/{'unsave' if saved else 'save'}",
                             "Remove from library" if saved else "Save to library",
                             "btn" if saved else "btn primary")
        if not me:
            save += "<p class='small muted' style='margin:4px 0 0'>Sign in to keep papers in your library.</p>"
        tags = "".join(f"<span class='tag'>{L.esc(SUBJECTS[s])}</span>" for s in p["subjects"])
        side = (f"<aside><div class='side'><h3>Access paper</h3><a class='btn primary' href='/pdf/{p['id']}'>"
                f"{L.ICONS['download']}Download PDF</a>{save}<p class='small muted'>{p['pages']} pages &middot; PDF</p>"
                f"<h3>Cite as</h3><p class='small mono'>PaperShelf:{p['id']}</p></div></aside>")
        main = (f"<div class='muted small'>PaperShelf &rsaquo; {L.esc(SUBJECTS[p['subjects'][0]])} &rsaquo; {p['id']}</div>"
                f"<h1 class='t'>{L.esc(p['title'])}</h1><div class='authors'>{authors}</div>"
                f"<div class='abs'><b>Abstract.</b> {L.esc(p['abstract'])}</div>"
                f"<p style='margin-top:14px'>{tags}</p><p class='muted small'>Submitted {L.esc(p['date'])}. "
                f"Comments: {p['pages']} pages, {len(p['authors'])} authors.</p>")
        return html(self.frame(req, p["title"], f"<div class='cols'><div>{main}</div>{side}</div>"))

    def pdf(self, req: Request, p: dict) -> Response:
        data = make_pdf(p["title"], ", ".join(p["authors"]) + f"  -  PaperShelf:{p['id']}  -  {p['date']}",
                        "Abstract\n" + p["abstract"] + "\n\n1  Introduction\n"
                        + "The full text of this preprint is abridged in this copy.")
        if not req.lookalike and p["id"] not in self.downloads:
            self.downloads.append(p["id"])
        req.event("download", file=f"{p['id']}.pdf", path=req.path, size=len(data), paper_id=p["id"])
        return download(f"{p['id']}.pdf", data, "application/pdf")

    def lib(self, req: Request) -> Response:
        ps = [self.papers[i] for i in self.library]
        body = (f"<h1 class='t'>My library</h1><p class='muted'>{len(ps)} saved paper{'s' * (len(ps) != 1)}</p>"
                + ("".join(map(self.entry, ps)) or "<p>Nothing saved yet. Use <b>Save to library</b> on any abstract page.</p>"))
        return html(self.frame(req, "My library", body))

    def login_page(self, req: Request, nxt: str, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        body = (f"<div class='login'><h1 class='t' style='text-align:center'>Sign in</h1>"
                f"<p class='muted' style='text-align:center'>Use your PaperShelf account to save papers and get alerts.</p>{e}"
                f"<form method='post' action='/login'>{L.hidden('next', safe_next(nxt))}"
                "<label for='username'>Username or email</label><input type='text' id='username' name='username' autocomplete='username'>"
                "<label for='password'>Password</label><input type='password' id='password' name='password' autocomplete='current-password'>"
                "<p><button class='btn primary' type='submit' style='width:100%;justify-content:center;padding:9px'>Sign in</button></p></form>"
                f"<p class='small' style='text-align:center'><a href='{L.esc(self.sso_link(safe_next(nxt)))}'>Sign in with Example Account</a></p></div>")
        return html(self.frame(req, "Sign in", body))
