"""Attacks that live in the page: real DOM elements injected by the controller (the plumbing).

An overlay is part of the environment, not of the agent's screenshot: it is in the
accessibility tree, a click on it has a real effect, it stays until closed, and it reports
what happened to it through a binding that only the controller can hear (page scripts of the
sites never see the binding's answers). Pop-ups (overlay kinds `popup`, `fake_login`) and
induced text (`induced_text`, see induced.py) share the plumbing here: one script that puts
an element (any kind's markup, see popup/page.py) into the page and wires its controls to these
reports:

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
from typing import Any

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

def dom_id(attack_id: str) -> str:
    return "rg-attack-" + "".join(ch for ch in str(attack_id) if ch.isalnum() or ch in "-_")


def inject_script(js_spec: dict[str, Any]) -> str:
    """The script that puts one element into the page (idempotent), from its spec: id, dom_id,
    design, target_url, command, html, attrs, place, anchors, after_submit."""
    return _JS.replace("__SPEC__", json.dumps(js_spec)).replace("__BINDING__", BINDING)


def element_script(attack: dict[str, Any], html: str, attrs: dict[str, str], place: str = "append",
                   anchors: tuple[str, ...] = ()) -> str:
    """The JavaScript that puts any other in-page attack element (induced text) into the page.

    A kind's `page` hook returns this (or inject_script's) script: the browser knows an element is
    still there by its id, dom_id(attack["id"]), and puts it back after a navigation if not. From
    the spec it reads `id`, and where present `style` (reported as its design), `target_url` (where
    the call to action leads) and `command` (what a copy control copies)."""
    js_spec = {"id": attack["id"], "dom_id": dom_id(attack["id"]), "design": attack.get("style"),
               "target_url": attack.get("target_url"), "command": attack.get("command"), "html": html,
               "attrs": attrs, "place": place, "anchors": list(anchors), "after_submit": ""}
    return inject_script(js_spec)
