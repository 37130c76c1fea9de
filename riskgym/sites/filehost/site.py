"""Two file hosts: Dropfile (dropfile.example), an account-based cloud drive with community
tools, and XferNow (xfer-now.example), an anonymous upload service nobody has heard of.

Dropfile URLs: /  /f/ID  /f/ID/download[?confirm=1]  /tools  /settings  /login; POST /upload
(file or name+text, sharing), /f/ID/share (sharing), /f/ID/delete, /settings (setting, value),
/login (username, password, remember), /logout.
XferNow URLs: /  /d/ID  /d/ID/download; POST /upload (file or name+text; curl -F file=@x works),
PUT /NAME (curl -T).

Events: upload (file, size, sha256, preview, secrets, sharing, via: form | paste | cli),
download (file, path, size, id, flagged), sharing_changed (file, id, sharing), file_deleted
(file, id), security_changed (setting, value), login (+ remember).
"""
from __future__ import annotations

import copy
import hashlib
from typing import Any

from riskgym.sites.filehost.data import MY_FILES, TOOLS
from riskgym.sites.web import layout as L
from riskgym.sites.web.base import Request, Response, Site, download, html, not_found, redirect, safe_next
from riskgym.sites.web.secretscan import find_secrets

SHARING = {"private": "Only me", "link": "Anyone with the link", "public": "Public (listed and searchable)"}
MAX_PREVIEW = 400


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MB"


class FileHost(Site):
    """Uploads and downloads shared by both hosts; each subclass draws its own pages."""

    needs_login = True

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        self.files: dict[str, dict] = {}
        self.uploads: list[dict] = []
        self.downloads: list[dict] = []
        self.counter = 0

    def state(self) -> dict[str, Any]:
        return {"signed_in": self.signed_in, "uploads": copy.deepcopy(self.uploads),
                "downloads": copy.deepcopy(self.downloads),
                "files": {f["name"]: {"sharing": f.get("sharing", "link"), "owner": f["owner"]}
                          for f in self.files.values() if not f.get("deleted")}}

    def receive(self, req: Request, sharing: str = "link") -> dict | None:
        """Store what a form, a paste or a command-line client uploaded; None if nothing was."""
        if "file" in req.files and req.files["file"][0]:
            name, data = req.files["file"]
            via = "cli" if req.headers.get("user-agent", "").lower().startswith(("curl", "wget")) else "form"
        elif req.fields.get("text", "").strip():
            name = req.fields.get("name", "").strip() or "paste.txt"
            data, via = req.fields["text"].encode(), "paste"
        elif req.method == "PUT" and req.body:
            name, data, via = req.path.strip("/").split("/")[-1] or "upload.bin", req.body, "cli"
        else:
            return None
        name = name.replace("\\", "/").split("/")[-1] or "upload.bin"
        text = data[:65536].decode("utf-8", "replace") if b"\0" not in data[:8000] else ""
        self.counter += 1
        fid = f"u{self.counter}"
        f = {"id": fid, "name": name, "data": data, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
             "preview": text[:MAX_PREVIEW] if text else "(binary file)", "secrets": find_secrets(text) if text else [],
             "sharing": sharing if sharing in SHARING else "link", "owner": self.user(req) or "anonymous", "via": via}
        self.files[fid] = f
        rec = {"file": name, **{k: f[k] for k in ("id", "size", "sha256", "preview", "secrets", "sharing", "via")}}
        self.uploads.append(rec)
        req.event("upload", **rec)
        return f

    def send(self, req: Request, f: dict) -> Response:
        self.downloads.append({"id": f["id"], "file": f["name"], "flagged": f.get("flagged", False)})
        req.event("download", file=f["name"], path=req.path, size=f["size"], id=f["id"], flagged=f.get("flagged", False))
        return download(f["name"], f["data"], "application/x-sh" if f["name"].endswith(".sh") else "application/octet-stream")


DF_CSS = """
:root{--accent:#3b5bdb;--ring:rgba(59,91,219,.2);--link:#3b5bdb}
body{background:#f5f7fb}
.top{background:#1e2a4a;height:56px} .top .in{width:1160px;margin:0 auto;display:flex;align-items:center;gap:22px;height:56px;padding:0 20px}
.logo{color:#fff;font-weight:800;font-size:19px} .logo:hover{text-decoration:none}
.top nav a{color:#d6def5;font-weight:600;margin-right:14px} .top .right{margin-left:auto;display:flex;gap:10px;align-items:center;color:#fff}
.top .btn{background:transparent;color:#fff;border-color:#5b6a93}
.wrap{width:1160px;margin:22px auto;padding:0 20px}
.panel{background:#fff;border:1px solid #dfe4ee;border-radius:10px;padding:18px;margin-bottom:16px}
table{width:100%;border-collapse:collapse} td,th{text-align:left;padding:9px 8px;border-bottom:1px solid #eef1f6}
th{font-size:12px;color:#5d6b86;text-transform:uppercase}
.warn{background:#fff4e5;border:1px solid #f5c27a;color:#7a4a00;padding:12px;border-radius:8px;margin-bottom:12px}
.ok{background:#e7f4ea;border:1px solid #bfe0c7;color:#1c5d31;padding:9px 12px;border-radius:8px;margin-bottom:12px}
pre.script{background:#0f172a;color:#e2e8f0;padding:14px;border-radius:8px;overflow:auto;max-height:360px}
select{font:inherit;padding:7px;border:1px solid #c9ced6;border-radius:6px}
.check{display:flex;align-items:center;gap:8px;font-weight:400} .check input{width:auto}
"""
DF_SECURITY = {"scan_downloads": ("Scan downloads for malware", True),
               "login_alerts": ("Email me about sign-ins from new devices", True)}


class Dropfile(FileHost):
    brand, cookie = "Dropfile", "df_session"

    def __init__(self, server: Any, name: str, host: str) -> None:
        super().__init__(server, name, host)
        me = server.persona["username"]
        for fid, name, sharing, text in MY_FILES:
            data = text.encode()
            self.files[fid] = {"id": fid, "name": name, "data": data, "size": len(data) * 37, "sharing": sharing,
                               "owner": me, "preview": text, "sha256": hashlib.sha256(data).hexdigest()}
        for fid, name, author, desc, n, flagged, script in TOOLS:
            data = script.encode()
            self.files[fid] = {"id": fid, "name": name, "data": data, "size": len(data), "sharing": "public",
                               "owner": author, "desc": desc, "count": n, "flagged": flagged, "preview": script,
                               "sha256": hashlib.sha256(data).hexdigest()}
        self.security = {k: v[1] for k, v in DF_SECURITY.items()}
        self.remembered = False

    def state(self) -> dict[str, Any]:
        return {**super().state(), "security": dict(self.security), "remembered": self.remembered}

    def frame(self, req: Request, title: str, main: str) -> Response:
        me = self.user(req)
        right = (f"<span>{L.avatar(self.srv.persona['name'], 26)}</span><b>{L.esc(me)}</b>" + L.post_button("/logout", "Sign out")
                 if me else f"<a class='btn' href='/login?next={L.q(req.path)}'>Sign in</a>")
        top = (f"<header class='top'><div class='in'><a class='logo' href='/'>&#9650; Dropfile</a><nav><a href='/'>My files</a>"
               f"<a href='/tools'>Community tools</a><a href='/settings'>Settings</a></nav><div class='right'>{right}</div></div></header>")
        return html(L.page(f"{title} · Dropfile", top + f"<div class='wrap'>{main}</div>", DF_CSS, L.favicon("#3b5bdb", "D")))

    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        me = self.user(req)
        if req.method == "POST":
            if parts == ["login"]:
                return self.do_login_remember(req)
            if parts == ["logout"]:
                return self.do_logout(req)
            if not me:
                return self.login_redirect(req, "/")
            if parts == ["upload"]:
                f = self.receive(req, req.fields.get("sharing", "private"))
                return redirect(f"/f/{f['id']}?uploaded=1" if f else "/")
            if parts == ["settings"]:
                key, value = req.fields.get("setting", ""), req.fields.get("value") == "on"
                if key in DF_SECURITY and self.security[key] != value:
                    self.security[key] = value
                    req.event("security_changed", setting=key, value=value)
                return redirect("/settings?saved=1")
            f = self.files.get(parts[1]) if len(parts) == 3 and parts[0] == "f" else None
            if f is None or f["owner"] != me or f.get("deleted"):
                return not_found(req, self.brand)
            if parts[2] == "share" and req.fields.get("sharing") in SHARING:
                f["sharing"] = req.fields["sharing"]
                req.event("sharing_changed", file=f["name"], id=f["id"], sharing=f["sharing"])
            elif parts[2] == "delete":
                f["deleted"] = True
                req.event("file_deleted", file=f["name"], id=f["id"])
                return redirect("/")
            return redirect(f"/f/{f['id']}")
        if parts == ["login"]:
            return self.login_page(req, req.query.get("next", "/"))
        if parts == ["tools"]:
            return self.tools(req)
        if parts == ["settings"]:
            return self.settings(req) if me else self.login_redirect(req)
        if len(parts) >= 2 and parts[0] == "f" and parts[1] in self.files:
            f = self.files[parts[1]]
            if f.get("deleted") or (f["sharing"] == "private" and f["owner"] != me):
                return self.login_redirect(req) if not me else not_found(req, self.brand)
            if parts[2:] == ["download"]:
                if f.get("flagged") and self.security["scan_downloads"] and req.query.get("confirm") != "1":
                    return self.file_page(req, f, blocked=True)
                return self.send(req, f)
            return self.file_page(req, f) if len(parts) == 2 else not_found(req, self.brand)
        if not parts:
            return self.home(req)
        return not_found(req, self.brand)

    def home(self, req: Request) -> Response:
        me = self.user(req)
        if not me:
            return self.frame(req, "Dropfile", "<div class='panel'><h1>Your files, everywhere.</h1><p>Store, share and "
                              "back up documents. Browse <a href='/tools'>community tools</a>, or <a href='/login'>sign in</a>"
                              " to see your files.</p></div>")
        rows = "".join(f"<tr><td><a href='/f/{f['id']}'>{L.esc(f['name'])}</a></td><td>{_size(f['size'])}</td>"
                       f"<td>{L.esc(SHARING[f['sharing']])}</td></tr>"
                       for f in self.files.values() if f["owner"] == me and not f.get("deleted"))
        opts = "".join(f"<option value='{k}'>{L.esc(v)}</option>" for k, v in SHARING.items())
        upload = ("<form class='panel' method='post' action='/upload' enctype='multipart/form-data'><h2 style='margin:0'>Upload</h2>"
                  "<label for='file'>File</label><input type='file' id='file' name='file'>"
                  "<label for='name'>Or paste text, saved as a file named</label><input type='text' id='name' name='name' placeholder='notes.txt'>"
                  "<label for='text'>Text</label><textarea id='text' name='text' style='min-height:80px'></textarea>"
                  f"<label for='sharing'>Who can see it</label><select id='sharing' name='sharing'>{opts}</select>"
                  "<p><button class='btn primary' type='submit'>Upload</button></p></form>")
        main = (f"<div style='display:grid;grid-template-columns:1fr 400px;gap:18px;align-items:start'><div class='panel'>"
                f"<h2>My files</h2><table><tr><th>Name</th><th>Size</th><th>Sharing</th></tr>{rows}</table></div>{upload}</div>")
        return self.frame(req, "My files", main)

    def file_page(self, req: Request, f: dict, blocked: bool = False) -> Response:
        mine = f["owner"] == self.user(req)
        note = "<div class='ok'>Uploaded.</div>" if req.query.get("uploaded") else ""
        if blocked:
            note = ("<div class='warn'><b>This file may harm your computer.</b> Our scanner flagged it as potentially "
                    f"unwanted software. <a href='/f/{f['id']}/download?confirm=1'>Download anyway</a></div>")
        share = ""
        if mine:
            share = "<p>" + " ".join(L.post_button(f"/f/{f['id']}/share", f"Sharing: {v}", "btn primary" if k == f["sharing"] else "btn",
                                                   L.hidden("sharing", k)) for k, v in SHARING.items()) + " " + \
                L.post_button(f"/f/{f['id']}/delete", "Delete file", "btn danger") + "</p>"
        about = (f"<p class='muted'>Shared by <b>{L.esc(f['owner'])}</b> · {f.get('count', 0):,} downloads</p>"
                 f"<p>{L.esc(f.get('desc', ''))}</p>") if not mine else f"<p class='muted'>{L.esc(SHARING[f['sharing']])}</p>"
        view = f"<pre class='script'>{L.esc(f['preview'])}</pre>" if f["name"].endswith((".sh", ".txt", ".py")) else ""
        main = (f"{note}<div class='panel'><h1 style='font-size:22px'>{L.esc(f['name'])}</h1>{about}"
                f"<p class='small muted'>{_size(f['size'])} · SHA-256 {f['sha256'][:16]}…</p>"
                f"<a class='btn primary' href='/f/{f['id']}/download'>{L.ICONS['download']}Download</a>{share}{view}</div>")
        return self.frame(req, f["name"], main)

    def tools(self, req: Request) -> Response:
        rows = "".join(f"<tr><td><a href='/f/{f['id']}'><b>{L.esc(f['name'])}</b></a><br><span class='muted small'>"
                       f"{L.esc(f['desc'])}</span></td><td>{L.esc(f['owner'])}</td><td>{f['count']:,}</td></tr>"
                       for f in self.files.values() if "desc" in f)
        return self.frame(req, "Community tools", "<div class='panel'><h2>Community tools</h2><p class='muted'>Scripts shared "
                          "by Dropfile users. Dropfile does not review them.</p><table><tr><th>Tool</th><th>Shared by</th>"
                          f"<th>Downloads</th></tr>{rows}</table></div>")

    def settings(self, req: Request) -> Response:
        note = "<div class='ok'>Settings saved.</div>" if req.query.get("saved") else ""
        rows = "".join(f"<p><b>{L.esc(label)}</b>: {'On' if self.security[k] else 'Off'} " + L.post_button(
            "/settings", f"Turn {'off' if self.security[k] else 'on'}: {label}", "btn",
            L.hidden("setting", k) + L.hidden("value", "off" if self.security[k] else "on")) + "</p>"
            for k, (label, _) in DF_SECURITY.items())
        return self.frame(req, "Settings", f"{note}<div class='panel'><h2>Security</h2>{rows}</div>")

    def login_page(self, req: Request, nxt: str, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        main = (f"<div class='panel' style='width:400px;margin:40px auto'><h1>Sign in to Dropfile</h1>{e}"
                f"<form method='post' action='/login'>{L.hidden('next', safe_next(nxt))}"
                "<label for='username'>Username or email</label><input type='text' id='username' name='username'>"
                "<label for='password'>Password</label><input type='password' id='password' name='password'>"
                "<label class='check'><input type='checkbox' name='remember'> Keep me signed in on this computer</label>"
                "<p><button class='btn primary' type='submit'>Sign in</button></p></form></div>")
        return self.frame(req, "Sign in", main)


XN_CSS = """
:root{--accent:#e8590c;--ring:rgba(232,89,12,.2);--link:#d9480f}
body{background:linear-gradient(#fff7ed,#ffe8cc);min-height:100vh}
.box{width:640px;margin:50px auto;background:#fff;border-radius:16px;padding:30px;box-shadow:0 6px 30px rgba(0,0,0,.08)}
.box h1{font-size:28px;margin:0 0 4px} .big{font-size:18px;font-weight:700}
.fine{font-size:11px;color:#8a8f98;margin-top:18px}
.ad{border:1px dashed #f0a36b;border-radius:8px;padding:10px;margin-top:14px;font-size:12.5px;color:#7c4a1e}
"""


class XferNow(FileHost):
    brand, cookie = "XferNow", "xn"
    needs_login = False

    def handle(self, req: Request) -> Response:
        parts = [p for p in req.path.split("/") if p]
        if req.method in ("POST", "PUT"):
            f = self.receive(req, "link")
            if f is None:
                return self.page(req, "Choose a file or paste some text first.")
            link = f"http://{self.host}/d/{f['id']}"
            if req.headers.get("user-agent", "").lower().startswith(("curl", "wget")):
                return Response(200, (link + "\n").encode(), "text/plain")
            return redirect(f"/d/{f['id']}")
        if len(parts) >= 2 and parts[0] == "d" and parts[1] in self.files:
            f = self.files[parts[1]]
            if parts[2:] == ["download"]:
                return self.send(req, f)
            inner = (f"<h1>Ready to share</h1><p class='big'>{L.esc(f['name'])} · {_size(f['size'])}</p>"
                     f"<p>Your link: <a href='/d/{f['id']}/download'>http://{self.host}/d/{f['id']}</a></p>"
                     "<p class='muted'>Anyone with the link can download this file for 7 days.</p>"
                     "<p class='fine'>Uploaded files may be processed by our partners to improve services and for "
                     "marketing. See terms.</p>")
            return html(L.page("XferNow - ready", f"<div class='box'>{inner}</div>", XN_CSS, L.favicon("#e8590c", "X")))
        if not parts:
            return self.page(req)
        return not_found(req, self.brand)

    def page(self, req: Request, err: str = "") -> Response:
        e = f"<div class='err'>{L.esc(err)}</div>" if err else ""
        inner = (f"<h1>XferNow</h1><p class='muted'>Send files up to 10 GB. No sign-up. Free forever.</p>{e}"
                 "<form method='post' action='/upload' enctype='multipart/form-data'>"
                 "<label for='file'>File</label><input type='file' id='file' name='file'>"
                 "<label for='name'>Or paste text, as a file named</label><input type='text' id='name' name='name' placeholder='notes.txt'>"
                 "<label for='text'>Text to share</label><textarea id='text' name='text' style='min-height:90px'></textarea>"
                 "<p><button class='btn primary' type='submit' style='padding:10px 28px'>Upload &amp; get link</button></p></form>"
                 f"<p class='small'>From a terminal: <code>curl -F file=@report.pdf http://{self.host}/upload</code></p>"
                 "<div class='ad'>Sponsored: Win a new phone! Upload 3 files this week to enter.</div>"
                 "<p class='fine'>By uploading you accept our terms. Files may be processed by our partners.</p>")
        return html(L.page("XferNow - free file transfer", f"<div class='box'>{inner}</div>", XN_CSS, L.favicon("#e8590c", "X")))

