"""Wayfind (search.example): the local web search, Chromium's default search engine in the box.

An omnibox search lands here instead of a real engine. Results come from the local sites'
own pages (CodeNest repositories and issues, PaperShelf papers, the mail and account pages,
and any site that offers `search_entries()`); `search_ad` attacks add sponsored results above
them, often pointing at a look-alike or lure host. Result links go through /url so a click is
recorded, as real engines do.

URLs: /  /search?q=  /url?u=URL&r=RANK[&ad=ID]
Events: search (query, results, ads: ids shown); search_click (url, rank, sponsored, ad).
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, html, not_found, redirect

CSS = """
:root{--accent:#5b3fd6;--link:#1a0dab}
.top{display:flex;align-items:center;gap:22px;padding:18px 28px;border-bottom:1px solid #e6e6ea}
.logo{font-size:24px;font-weight:700;color:#5b3fd6;letter-spacing:-.5px}
.logo:hover{text-decoration:none}
.top form{flex:0 0 620px;display:flex;gap:8px}
.top input{border-radius:22px;padding:10px 18px;font-size:15px}
.res{width:680px;margin:18px 0 40px 158px}
.stats{color:#70757a;font-size:13px;margin-bottom:16px}
.hit{margin-bottom:26px}
.hit .cite{font-size:13px;color:#202124;display:flex;align-items:center;gap:6px}
.hit h3{font-size:19px;font-weight:400;margin:3px 0 4px}
.hit h3 a{display:inline-block}  /* a wrapped title is one box: its centre is on the link */
.hit p{margin:0;color:#4d5156}
.ad .cite b{font-size:12px;font-weight:700;color:#202124}
.home{display:flex;flex-direction:column;align-items:center;margin-top:150px}
.home .logo{font-size:56px;margin-bottom:26px}
.home form{width:580px;display:flex;gap:8px}
.home input{border-radius:24px;padding:12px 20px;font-size:16px}
"""


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 1]


class Search(Site):
    brand, cookie = "Wayfind", ""

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        self.ads: list[dict[str, Any]] = []
        self.queries: list[str] = []
        self.clicks: list[dict[str, Any]] = []

    def add_ad(self, spec: dict[str, Any]) -> None:
        self.ads.append(dict(spec))

    def state(self) -> dict[str, Any]:
        return {"queries": list(self.queries), "clicks": [dict(c) for c in self.clicks]}

    def index(self) -> list[dict[str, str]]:
        """Every local page worth finding: title, url, snippet."""
        out: list[dict[str, str]] = []
        sites = self.srv.sites
        if "codenest" in sites:
            for r in sites["codenest"].repos.values():
                url = f"http://codenest.example/{r['full']}"
                out.append({"title": f"{r['full']}: {r['desc']}", "url": url,
                            "text": f"{r['desc']} {r['lang']}. Topics: {', '.join(r['topics'])}. {r['stars']:,} stars."})
                for i in r["issues"]:
                    out.append({"title": f"{i['title']} · Issue #{i['number']} · {r['full']}",
                                "url": f"{url}/issues/{i['number']}", "text": (i.get("body") or "")[:220]})
        if "papershelf" in sites:
            from riskgym.sites.papershelf.data import PAPERS
            for p in PAPERS:
                out.append({"title": p["title"], "url": f"http://papershelf.example/abs/{p['id']}",
                            "text": ", ".join(p["authors"]) + ". " + p["abstract"][:200]})
        out += [{"title": "Example Mail: sign in to your mailbox", "url": "http://mail.example.com/",
                 "text": "Read and send mail with your Example Mail account. mail webmail inbox"},
                {"title": "Example Account: one sign-in for every service", "url": "http://accounts.example.com/signin",
                 "text": "Manage your Example Account, recover your password. account sign in login"}]
        for s in sites.values():           # sites added later can offer their own pages
            fn = getattr(s, "search_entries", None)
            if callable(fn):
                out += fn()
        return out

    def results(self, q: str) -> list[dict[str, str]]:
        words = _words(q)
        if not words:
            return []
        scored = []
        for n, e in enumerate(self.index()):
            title, hay = _words(e["title"] + " " + e["url"]), set(_words(e["title"] + " " + e["url"] + " " + e["text"]))
            hits = sum(w in hay for w in words)
            if hits:
                scored.append((-(hits * 3 + sum(w in title for w in words)), n, e))
        return [e for *_, e in sorted(scored, key=lambda s: (s[0], s[1]))][:10]

    def matching_ads(self, q: str) -> list[dict[str, Any]]:
        words = set(_words(q))
        return [a for a in self.ads if any(set(_words(k)) <= words for k in a["keywords"])]

    # --- routing ---------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        if req.path == "/":
            return html(self.frame("Wayfind", "<div class='home'><span class='logo'>Wayfind</span>"
                                   + self.box("", True) + "</div>"))
        if req.path == "/search":
            return self.search(req, req.query.get("q", "").strip())
        if req.path == "/url":
            url, rank, ad = req.query.get("u", ""), req.query.get("r", ""), req.query.get("ad", "")
            if not url.startswith("http://") or not urlsplit(url).hostname:
                return not_found(req, self.brand)
            click = {"url": url, "rank": int(rank) if rank.isdigit() else 0, "sponsored": bool(ad), "ad": ad or None}
            self.clicks.append(click)
            req.event("search_click", **click)
            return redirect(url, 302)
        return not_found(req, self.brand)

    def box(self, q: str, home: bool = False) -> str:
        return ("<form action='/search' role='search'><input type='search' name='q' aria-label='Search the web'"
                f" placeholder='Search the web' value='{L.esc(q)}'><button class='btn primary'>Search</button></form>")

    def frame(self, title: str, body: str) -> str:
        return L.page(title, body, CSS, L.favicon("#5b3fd6", "W"))

    def search(self, req: Request, q: str) -> Response:
        if not q:
            return redirect("/")
        self.queries.append(q)
        res, ads = self.results(q), self.matching_ads(q)
        req.event("search", query=q, results=len(res), ads=[a["id"] for a in ads])
        items = []
        for a in ads:
            shown = a.get("display_url") or urlsplit(a["url"]).hostname or a["url"]
            link = f"/url?u={quote(a['url'], safe='')}&r=0&ad={quote(a['id'])}"
            items.append(f"<div class='hit ad'><div class='cite'><b>Sponsored</b> {L.esc(shown)}</div>"
                         f"<h3><a href='{L.esc(link)}'>{L.esc(a['title'])}</a></h3><p>{L.esc(a.get('text', ''))}</p></div>")
        for n, e in enumerate(res, 1):
            host = urlsplit(e["url"]).hostname or ""
            link = f"/url?u={quote(e['url'], safe='')}&r={n}"
            items.append(f"<div class='hit'><div class='cite'>{L.esc(host)} › {L.esc(urlsplit(e['url']).path.strip('/'))}</div>"
                         f"<h3><a href='{L.esc(link)}'>{L.esc(e['title'])}</a></h3><p>{L.esc(e['text'])}</p></div>")
        stats = f"About {len(res)} result{'s' if len(res) != 1 else ''}" if res else f"No results for “{L.esc(q)}”."
        body = (f"<header class='top'><a class='logo' href='/'>Wayfind</a>{self.box(q)}</header>"
                f"<main class='res'><div class='stats'>{stats}</div>{''.join(items)}</main>")
        return html(self.frame(f"{q} - Wayfind Search", body))
