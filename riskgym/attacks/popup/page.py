"""Pop-ups and fake sign-in prompts in the page: their markup and the script that shows one."""
from __future__ import annotations

from html import escape
from typing import Any

from riskgym.attacks.base import texts
from riskgym.attacks.dom import dom_id, inject_script
from riskgym.attacks.popup.art import art
from riskgym.attacks.popup.designs import POPUPS, SIZES, placement

_POPUP_CSS = """
#{id}{{font-family:'DejaVu Sans',Arial,sans-serif;z-index:2147483647;text-align:left;line-height:1.4}}
#{id}.rg-modal{{position:fixed;inset:0;display:flex;align-items:{valign};justify-content:{halign};padding:{pad}px;
 background:{backdrop}}}
#{id}.rg-float{{position:fixed;{float_pos}}}
#{id} .rg-card{{background:#fff;color:#1d2330;width:{width}px;max-width:calc(100vw - 32px);border-radius:{radius}px;
 box-shadow:0 18px 50px rgba(0,0,0,.35);padding:22px 24px;position:relative;box-sizing:border-box}}
#{id} .rg-brand{{font-weight:700;font-size:15px;color:{accent};margin-bottom:10px}}
#{id} .rg-title{{margin:0 0 8px;font-size:{title_px}px;font-weight:700;color:#111827}}
#{id} .rg-text{{margin:0 0 14px;font-size:14px;color:#3b4252}}
#{id} label{{display:block;font-size:13px;margin:8px 0 4px;color:#434c5e;font-weight:400}}
#{id} input{{width:100%;box-sizing:border-box;padding:9px 10px;border:1px solid #b8c0cc;border-radius:6px;font-size:14px}}
#{id} .rg-go{{margin-top:10px;width:100%;padding:11px;border:0;border-radius:8px;background:{accent};color:#fff;
 font-size:15px;font-weight:700;cursor:pointer}}
#{id} .rg-x{{position:absolute;top:8px;{close_side}:10px;border:0;background:none;cursor:pointer;line-height:1;padding:2px 4px;
 font-size:{close_px}px;color:{close_color}}}
#{id} .rg-x.rg-text-close{{position:static;display:block;margin:10px auto 0;font-size:12px;color:#9ca3af;text-decoration:underline}}
#{id} .rg-badge{{display:inline-block;background:{accent};color:#fff;font-weight:800;border-radius:8px;padding:4px 10px;
 font-size:{badge_px}px;margin-bottom:10px;letter-spacing:.5px}}
#{id} .rg-art{{display:flex;justify-content:center;margin:4px 0 12px}}
#{id} .rg-bar{{background:#e5e7eb;margin:-22px -24px 16px;padding:8px 12px;border-radius:{radius}px {radius}px 0 0;
 font-size:13px;color:#374151;font-weight:600}}
#{id} .rg-row{{display:flex;gap:10px;align-items:center}}
#{id} .rg-avatar{{width:38px;height:38px;border-radius:50%;background:{accent};color:#fff;display:flex;align-items:center;
 justify-content:center;font-weight:700;flex:none}}
#{id} .rg-small{{font-size:12px;color:#6b7280}}
#{id} .rg-bubble{{background:#f3f4f6;border-radius:12px;padding:10px 12px;margin:12px 0 4px;font-size:14px}}
"""


def _popup_css(did: str, design: str, place: dict[str, Any], accent: str) -> str:
    anchor = place["anchor"]
    valign = "flex-start" if anchor.startswith("top") else "flex-end" if anchor.startswith("bottom") else "center"
    halign = "flex-start" if anchor.endswith("left") else "flex-end" if anchor.endswith("right") else "center"
    m = place["margin"]
    float_pos = {"bottom": "left:0;right:0;bottom:0", "top": "left:0;right:0;top:0",
                 "bottom-right": f"right:{m}px;bottom:{m}px", "bottom-left": f"left:{m}px;bottom:{m}px"}.get(anchor, "")
    look = place["close_look"]
    return _POPUP_CSS.format(
        id=did, valign=valign, halign=halign, pad=m, float_pos=float_pos,
        backdrop="rgba(15,23,42,.55)" if place["dim"] else "rgba(15,23,42,.06)",
        width=place["width"], radius=0 if design == "cookie" else 6 if design == "update" else 14,
        accent=accent, title_px={"s": 18, "m": 20, "l": 23}[place["size"]],
        close_side="left" if place["close_corner"] == "top-left" else "right",
        close_px={"plain": 24, "small": 13, "faint": 17, "text": 12}[look],
        close_color={"plain": "#4b5563", "small": "#9ca3af", "faint": "#cdd1d7", "text": "#9ca3af"}[look],
        badge_px=28 if design == "discount" else 13)


def popup_html(spec: dict[str, Any], design: str, place: dict[str, Any]) -> str:
    t = {k: escape(v) for k, v in texts(POPUPS, design, spec).items()}
    brand = escape(spec.get("brand") or "")
    look = place["close_look"]
    close = ("<button class='rg-x rg-text-close' type='button' aria-label='Close'>No thanks</button>" if look == "text"
             else "<button class='rg-x' type='button' aria-label='Close'>\u00d7</button>")
    badge = POPUPS[design].get("badge", "")
    head = ""
    if design == "update":
        head = "<div class='rg-bar'>Software Update</div>"
    elif design == "chat":
        head = (f"<div class='rg-row'><div class='rg-avatar' aria-hidden='true'>{t['title'][:1]}</div>"
                f"<div><div class='rg-title' style='font-size:15px;margin:0'>{t['title']}</div>"
                "<div class='rg-small'>Online now</div></div></div>")
    parts = [head if design in ("update", "chat") else ""]
    if brand:
        parts.append(f"<div class='rg-brand'>{brand}</div>")
    if badge and design not in ("chat", "update"):
        parts.append(f"<div class='rg-badge' aria-hidden='true'>{escape(badge)}</div>")
    pic = art(design)
    if pic:
        parts.append(f"<div class='rg-art' aria-hidden='true'>{pic}</div>")
    if design != "chat":
        parts.append(f"<h2 class='rg-title'>{t['title']}</h2>")
    cls = "rg-bubble rg-text" if design == "chat" else "rg-text"
    if t["text"]:
        parts.append(f"<p class='{cls}'>{t['text']}</p>")
    if spec.get("fields"):
        inputs = "".join(
            f"<label for='{spec['dom_id']}-{escape(f['name'])}'>{escape(f['label'])}</label>"
            f"<input id='{spec['dom_id']}-{escape(f['name'])}' name='{escape(f['name'])}' type='{escape(f.get('type', 'text'))}'>"
            for f in spec["fields"])
        parts.append(f"<form autocomplete='off'>{inputs}<button class='rg-go' type='submit'>{t['button']}</button></form>")
    else:
        parts.append(f"<button class='rg-go' type='button'>{t['button']}</button>")
    if look == "text":
        parts.append(close)
    else:
        parts.insert(0, close)
    return "<div class='rg-card'>" + "".join(parts) + "</div>"


SIGNIN_FIELDS = [{"name": "username", "label": "Username or email"},
                 {"name": "password", "label": "Password", "type": "password"}]


def overlay_script(attack: dict[str, Any], screen: tuple[int, int] = (1280, 640)) -> str:
    """The JavaScript that puts one pop-up into the current page (idempotent); the kinds'
    `page` hook."""
    design = attack.get("design") or ("signin" if attack.get("kind") == "fake_login" else "popup")
    if design not in POPUPS:
        raise ValueError(f"attack {attack.get('id')!r}: unknown design {design!r} (have: {', '.join(POPUPS)})")
    did = dom_id(attack["id"])
    place = placement(int(attack.get("seed") or 0), design, *screen)
    if design in ("signin", "popup") and attack.get("seed") is None:
        place.update(anchor="center", width=SIZES["m"] - 20 if design == "signin" else SIZES["m"] + 20, dim=True,
                     close_look="plain", close_corner="top-right")
    fields = attack.get("fields")
    if fields is None and attack.get("kind") == "fake_login":
        fields = SIGNIN_FIELDS
    spec = {**attack, "dom_id": did, "fields": fields or []}
    modal = POPUPS[design]["modal"]
    title = texts(POPUPS, design, attack)["title"]
    css = _popup_css(did, design, place, POPUPS[design]["accent"])
    js_spec = {
        "id": attack["id"], "dom_id": did, "design": design, "target_url": attack.get("target_url"),
        "html": f"<style>{css}</style>" + popup_html(spec, design, place),
        "attrs": {"class": "rg-modal" if modal else "rg-float", "role": "dialog", "aria-label": title,
                  **({"aria-modal": "true"} if modal else {})},
        "after_submit": "Checking your details, please wait...", "place": "append",
    }
    return inject_script(js_spec)
