"""Page scaffolding shared by the sites: escaping, the base stylesheet, small widgets.

Rendering is deliberately static: no clocks, no randomness, no transitions or animations,
no autofocus, so two screenshots of the same state are byte-identical. Only fonts that a
plain Debian image has (Liberation, DejaVu) are named after the usual system ones.
"""
from __future__ import annotations

import hashlib
from html import escape
from urllib.parse import quote

SANS = '"Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif'
SERIF = 'Georgia, "Times New Roman", "Liberation Serif", "DejaVu Serif", serif'
MONO = 'Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace'

BASE_CSS = f"""
*,*::before,*::after{{box-sizing:border-box;transition:none!important;animation:none!important}}
html{{-webkit-text-size-adjust:100%}}
body{{margin:0;font:14px/1.5 {SANS};color:#1f2328;background:#fff}}
a{{color:var(--link,#0b5cad);text-decoration:none}} a:hover{{text-decoration:underline}}
code,pre,.mono{{font-family:{MONO};font-size:13px}}
h1,h2,h3,h4{{line-height:1.25;margin:0 0 .5em}}
input[type=text],input[type=email],input[type=password],input[type=search],textarea{{
  font:inherit;width:100%;padding:8px 10px;border:1px solid #c9ced6;border-radius:6px;
  background:#fff;color:inherit;outline:none}}
input:focus,textarea:focus{{border-color:var(--accent,#0b5cad);
  box-shadow:0 0 0 3px var(--ring,rgba(11,92,173,.18))}}
textarea{{min-height:140px;resize:vertical}}
label{{display:block;font-weight:600;margin:12px 0 6px}}
.btn{{display:inline-flex;align-items:center;gap:6px;font:inherit;font-weight:600;font-size:13px;
  padding:6px 14px;border-radius:6px;border:1px solid #c9ced6;background:#f6f8fa;color:#1f2328;
  cursor:pointer;text-decoration:none;white-space:nowrap}}
.btn:hover{{background:#eef1f4;text-decoration:none}}
.btn.primary{{background:var(--accent,#0b5cad);border-color:var(--accent,#0b5cad);color:#fff}}
.btn.primary:hover{{filter:brightness(.95)}}
.btn.danger{{color:#b42318}}
.btn svg{{width:16px;height:16px;fill:currentColor}}
form.inline{{display:inline}}
.muted{{color:#59636e}} .small{{font-size:12px}}
.err{{background:#fdecea;border:1px solid #f3b4ae;color:#8a1c12;padding:10px 12px;border-radius:6px;margin:0 0 12px}}
.note{{background:#eef6ff;border:1px solid #b6d4f5;color:#0b3f75;padding:10px 12px;border-radius:6px;margin:0 0 12px}}
.avatar{{display:inline-flex;align-items:center;justify-content:center;border-radius:50%;
  color:#fff;font-weight:700;flex:none}}
.center-wrap{{min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f4f5f7}}
.center-card{{width:420px;background:#fff;border:1px solid #dde1e6;border-radius:12px;padding:32px;text-align:center}}
.center-card .big{{font-size:56px;margin:0;color:#8b95a1}}
"""

_PALETTE = ("#3b6fd8", "#2f9e6b", "#c2552d", "#8a4fd1", "#c93f7a", "#1f8a9e", "#a37a12", "#5a6b7d")


def esc(s: object) -> str:
    return escape(str(s), quote=True)


def q(s: str) -> str:
    return quote(s, safe="")


def favicon(color: str, letter: str) -> str:
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32'"
           f" rx='7' fill='{color}'/><text x='16' y='22' font-size='18' text-anchor='middle'"
           f" fill='white' font-family='Arial' font-weight='bold'>{letter}</text></svg>")
    return "data:image/svg+xml," + quote(svg)


def page(title: str, body: str, css: str = "", icon: str = "") -> str:
    # An explicit icon (or an empty one) stops the browser asking for /favicon.ico.
    icon = icon or "data:,"
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title><link rel='icon' href='{icon}'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<style>{BASE_CSS}{css}</style></head><body>{body}</body></html>")


def avatar(name: str, size: int = 32) -> str:
    """Initials on a colour picked from the name: stable across runs, no images needed."""
    parts = [p for p in name.replace("-", " ").replace("_", " ").split() if p]
    initials = "".join(p[0] for p in parts[:2]).upper() or "?"
    color = _PALETTE[hashlib.sha1(name.encode()).digest()[0] % len(_PALETTE)]
    return (f"<span class='avatar' aria-hidden='true' style='width:{size}px;height:{size}px;"
            f"background:{color};font-size:{max(10, size * 2 // 5)}px'>{esc(initials)}</span>")


def center_card(title: str, inner: str) -> str:
    return f"<div class='center-wrap'><main class='center-card' aria-label='{esc(title)}'>{inner}</main></div>"


def hidden(name: str, value: str) -> str:
    return f"<input type='hidden' name='{esc(name)}' value='{esc(value)}'>"


def post_button(action: str, label: str, cls: str = "btn", extra: str = "", icon: str = "") -> str:
    """A one-button form: state changes go through POST, never through a plain link."""
    return (f"<form class='inline' method='post' action='{esc(action)}'>{extra}"
            f"<button class='{cls}' type='submit'>{icon}{esc(label)}</button></form>")


ICONS = {
    "star": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M8 .8l2.2 4.6 5 .7-3.6 3.5.9 5L8 12.2 3.5 14.6l.9-5L.8 6.1l5-.7z'/></svg>",
    "star-o": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M8 .8l2.2 4.6 5 .7-3.6 3.5.9 5L8 12.2 3.5 14.6l.9-5L.8 6.1l5-.7zm0 3.1L6.6 6.8l-3.2.5 2.3 2.2-.5 3.2L8 11.2l2.8 1.5-.5-3.2 2.3-2.2-3.2-.5z'/></svg>",
    "fork": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M5 3.3a1.8 1.8 0 1 1-1.5 0v1.2c0 .6.4 1 1 1h5c.6 0 1-.4 1-1V3.3a1.8 1.8 0 1 1 1.5 0v1.2c0 1.4-1.1 2.5-2.5 2.5h-1.8v2.7a1.8 1.8 0 1 1-1.5 0V7H5.5C4.1 7 3 5.9 3 4.5z'/></svg>",
    "file": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M3 1.5h6.4L13 5.1v9.4H3zM9 2.6V5.5h2.9' fill='none' stroke='currentColor' stroke-width='1.2'/></svg>",
    "dir": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M1.5 3h4.3l1.5 1.6h7.2v8.9h-13z'/></svg>",
    "issue": "<svg viewBox='0 0 16 16' aria-hidden='true'><circle cx='8' cy='8' r='6.3' fill='none' stroke='currentColor' stroke-width='1.4'/><circle cx='8' cy='8' r='1.6'/></svg>",
    "download": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M7.2 1.5h1.6v7.2l2.6-2.6 1.1 1.1L8 11.7 3.5 7.2l1.1-1.1 2.6 2.6zM2 12.8h12v1.7H2z'/></svg>",
    "clip": "<svg viewBox='0 0 16 16' aria-hidden='true'><path d='M10.5 3.5v7a2.5 2.5 0 0 1-5 0V3a1.6 1.6 0 0 1 3.2 0v7a.7.7 0 0 1-1.4 0V4' fill='none' stroke='currentColor' stroke-width='1.2'/></svg>",
}
