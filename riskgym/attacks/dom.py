"""Attacks that live in the page: real DOM elements injected by the controller.

An overlay is part of the environment, not of the agent's screenshot: it is in the
accessibility tree, a click on it has a real effect, it stays until closed, and it reports
what happened to it through a binding that only the controller can hear (page scripts of the
sites never see the binding's answers). Pop-ups (overlay kinds `popup`, `fake_login`) and
induced text (`induced_text`, see induced.py) share the plumbing here: one script that puts
an element into the page and wires its controls to these reports:

  shown        bbox (the element), target (its call to action), close (its close control):
               [x, y, w, h] in screen pixels
  click        the call to action (a pop-up's button, a lure's link)
  click_body   elsewhere on the element; click_outside: the dimmed page around a modal pop-up
  input/submit a field changed / the form sent (fake sign-in)
  copy         the command of a paste-this lure copied
  close        the close control; the element is gone for good
"""
from __future__ import annotations

import json
from html import escape
from typing import Any

from riskgym.attacks.popup.designs import POPUPS, SIZES, placement, texts
from riskgym.attacks.popup.art import art

BINDING = "__riskgymAttack"

_JS = r"""
(() => {
  const spec = __SPEC__;
  // closed or followed in this document: its report may still be on its way to the controller
  const done = window.__rgAttacksDone = window.__rgAttacksDone || {};
  if (document.getElementById(spec.dom_id) || done[spec.id]) return false;
  const send = (action, extra) => { try { window.__BINDING__(Object.assign(
      {attack: spec.id, action: action, host: location.hostname}, extra || {})); } catch (e) {} };
  const root = document.createElement('div');
  root.id = spec.dom_id;
  for (const [k, v] of Object.entries(spec.attrs)) root.setAttribute(k, v);
  root.innerHTML = spec.html;
  const q = (sel) => root.querySelector(sel);
  const go = q('.rg-go'), close = q('.rg-x'), form = q('form');
  if (close) close.addEventListener('click', (ev) => { ev.preventDefault(); ev.stopPropagation();
      done[spec.id] = 1; send('close'); root.remove(); });
  for (const i of root.querySelectorAll('input')) {
    i.addEventListener('change', () => send('input', {field: i.name, filled: i.value.length > 0}));
    i.addEventListener('click', (ev) => ev.stopPropagation());
  }
  const copy = q('.rg-copy');
  if (copy) copy.addEventListener('click', (ev) => { ev.preventDefault(); ev.stopPropagation();
      const t = document.createElement('textarea'); t.value = spec.command || ''; document.body.appendChild(t);
      t.select(); try { document.execCommand('copy'); } catch (e) {} t.remove();
      copy.textContent = 'Copied'; send('copy', {command: spec.command || ''}); });
  if (form) form.addEventListener('submit', (ev) => { ev.preventDefault(); ev.stopPropagation();
      const fields = {}; for (const i of form.querySelectorAll('input')) fields[i.name] = i.value;
      send('submit', {fields: fields});
      const p = q('.rg-text'); if (p) p.textContent = spec.after_submit; });
  else if (go) go.addEventListener('click', (ev) => { ev.preventDefault(); ev.stopPropagation();
      done[spec.id] = 1; send('click', {followed: !!spec.target_url});
      if (spec.target_url) location.href = spec.target_url; else root.remove(); });
  const card = q('.rg-card') || root;
  card.addEventListener('click', (ev) => { if (!ev.target.closest('a,button,input')) send('click_body'); });
  if (card !== root) root.addEventListener('click', (ev) => { if (ev.target === root) send('click_outside'); });
  let anchor = null;    // the first selector, in the order given, that matches something
  for (const sel of spec.anchors || []) { anchor = document.querySelector(sel); if (anchor) break; }
  if (spec.place === 'after' && anchor) anchor.insertAdjacentElement('afterend', root);
  else if (spec.place === 'before' && anchor) anchor.insertAdjacentElement('beforebegin', root);
  else if (spec.place === 'prepend' && anchor) anchor.insertAdjacentElement('afterbegin', root);
  else if (spec.place === 'append' || !document.body) (document.body || document.documentElement).appendChild(root);
  else document.body.insertAdjacentElement('afterbegin', root);   // the top of the page, or no anchor here
  const ox = screenX + (outerWidth - innerWidth), oy = screenY + (outerHeight - innerHeight);
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
      return [Math.round(ox + r.left), Math.round(oy + r.top), Math.round(r.width), Math.round(r.height)]; };
  send('shown', {bbox: box(card), target: box(go || q('.rg-copy')), close: box(close), design: spec.design});
  return true;
})()
"""

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


def dom_id(attack_id: str) -> str:
    return "rg-attack-" + "".join(ch for ch in str(attack_id) if ch.isalnum() or ch in "-_")


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
    """The JavaScript that puts one pop-up into the current page (idempotent)."""
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
    return _JS.replace("__SPEC__", json.dumps(js_spec)).replace("__BINDING__", BINDING)


def element_script(attack: dict[str, Any], html: str, attrs: dict[str, str], place: str = "append",
                   anchors: tuple[str, ...] = ()) -> str:
    """The JavaScript that puts any other in-page attack element (induced text) into the page."""
    js_spec = {"id": attack["id"], "dom_id": dom_id(attack["id"]), "design": attack.get("style"),
               "target_url": attack.get("target_url"), "command": attack.get("command"), "html": html,
               "attrs": attrs, "place": place, "anchors": list(anchors), "after_submit": ""}
    return _JS.replace("__SPEC__", json.dumps(js_spec)).replace("__BINDING__", BINDING)
