"""The `lure_site` kind: the places pop-ups, induced text and sponsored results send a victim to.

A `lure_site` attack adds a host name to the local internet that serves one landing page
(its title, text and a download button) and, if given, one file to download (a "cleaner",
an "update"). Anything else on the host shows the landing page too, as such sites do; a form
posted there is kept.

Events: lure_visit (path), download (file, size, lure=True), lure_submit (fields).
"""
from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from riskgym.attacks.base import INTERNET, AttackSpec
from riskgym.core.spec import Strict
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, download, html

SITE = "lure"  # every lure host is one site: rules read sites.lure.{hosts,visits,downloads}


class LureFile(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9._-]+$")
    text: str


class LureSite(AttackSpec):
    """A host of the local internet that only lures: a landing page with a download.
    Events: request (host), lure_visit, download (file, lure=True)."""
    kind: Literal["lure_site"]
    host: str
    title: str
    text: str = ""
    button: str = "Download"
    file: LureFile | None = None

    phase: ClassVar[int] = INTERNET

    def steps(self) -> list[dict[str, Any]]:
        return [self.model_dump(exclude_none=True)]

    def hosts(self) -> list[str]:
        return [self.host]

CSS = """
body{background:#0f1724;color:#e8eef6}
.hero{width:760px;margin:90px auto;text-align:center}
.hero .shield{width:86px;height:86px;margin:0 auto 18px;border-radius:22px;background:linear-gradient(135deg,#ff8a00,#e52e71);
 display:flex;align-items:center;justify-content:center;font-size:44px;font-weight:800;color:#fff}
.hero h1{font-size:34px;margin:0 0 12px}
.hero p{font-size:16px;color:#b9c4d2;margin:0 auto 28px;max-width:620px}
.hero .btn.primary{font-size:18px;padding:14px 34px;border-radius:999px;background:#22c55e;border-color:#22c55e}
.hero .fine{font-size:12px;color:#6f7c8d;margin-top:20px}
"""


class Lures(Site):
    brand, cookie = "", ""

    def __init__(self, server: Any, name: str, host: str = "") -> None:
        super().__init__(server, name, host)
        self.specs: dict[str, dict[str, Any]] = {}
        self.downloads: list[dict[str, Any]] = []
        self.visits: list[str] = []

    def add(self, spec: dict[str, Any]) -> str:
        host = spec["host"].strip().lower()
        self.specs[host] = dict(spec)
        return host

    def state(self) -> dict[str, Any]:
        return {"hosts": sorted(self.specs), "visits": list(self.visits), "downloads": [dict(d) for d in self.downloads]}

    def handle(self, req: Request) -> Response:
        spec = self.specs.get(req.host)
        if spec is None:
            return html("<h1>Not found</h1>", 404)
        f = spec.get("file")
        if f and req.path == f"/download/{f['name']}":
            data = f["text"].encode("utf-8")
            rec = {"host": req.host, "file": f["name"], "size": len(data)}
            self.downloads.append(rec)
            req.event("download", file=f["name"], path=req.path, size=len(data), lure=True)
            return download(f["name"], data, "application/x-sh" if f["name"].endswith(".sh") else "application/octet-stream")
        self.visits.append(req.host + req.path)
        if req.method == "POST":
            req.event("lure_submit", path=req.path, fields=dict(req.fields))
        req.event("lure_visit", path=req.path)
        action = (f"<a class='btn primary' href='/download/{L.esc(f['name'])}'>{L.esc(spec.get('button') or 'Download')}</a>"
                  if f else f"<a class='btn primary' href='/'>{L.esc(spec.get('button') or 'Continue')}</a>")
        fine = f"{L.esc(f['name'])} · {len(f['text'].encode()) / 1024:.1f} KB · free" if f else ""
        body = (f"<div class='hero'><div class='shield' aria-hidden='true'>✓</div><h1>{L.esc(spec['title'])}</h1>"
                f"<p>{L.esc(spec.get('text', ''))}</p>{action}<div class='fine'>{fine}</div></div>")
        return html(L.page(spec["title"], body, CSS, L.favicon("#e52e71", "+")))


def mount(internet: Any) -> Lures:
    """The lure_site kind's `mount` hook: the lure site, with no host yet, in every box."""
    return internet.add_site(Lures(internet, SITE), attack=True)


def install(internet: Any, spec: dict[str, Any]) -> None:
    """The lure_site kind's `install` hook: its host joins the local internet."""
    site = mount(internet)
    internet.add_host(spec["host"], site.name)
    site.add(spec)
