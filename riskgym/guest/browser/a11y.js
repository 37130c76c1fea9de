// The page's accessibility view as text, one element per line, in screen pixels:
//   [n] role "name" value="..." @(cx,cy wxh)
// Only what is visible in the viewport; (cx, cy) is the element's centre on the screen,
// so an agent (or the scripted reference player) can click exactly what it reads.
(args) => {
  const [ox, oy, maxLines] = args;
  const W = window.innerWidth, H = window.innerHeight;
  const ROLE = {A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', H1: 'heading',
    H2: 'heading', H3: 'heading', H4: 'heading', H5: 'heading', H6: 'heading', IMG: 'img',
    P: 'text', LI: 'listitem', TD: 'cell', TH: 'columnheader', LABEL: 'label', NAV: 'navigation',
    DIALOG: 'dialog', SUMMARY: 'button', OPTION: 'option'};
  const INPUT = {checkbox: 'checkbox', radio: 'radio', submit: 'button', button: 'button',
    reset: 'button', image: 'button', range: 'slider', search: 'searchbox', file: 'button'};
  const clean = (s, n) => (s || '').replace(/\s+/g, ' ').trim().slice(0, n || 120);
  const roleOf = (el) => {
    const r = el.getAttribute('role'); if (r) return r;
    if (el.tagName === 'INPUT') return INPUT[el.type] || (el.type === 'hidden' ? null : 'textbox');
    if (el.tagName === 'A' && !el.hasAttribute('href')) return null;
    return ROLE[el.tagName] || null;
  };
  const nameOf = (el, role) => {
    let n = el.getAttribute('aria-label');
    if (!n && el.getAttribute('aria-labelledby')) n = el.getAttribute('aria-labelledby').split(' ')
        .map(id => (document.getElementById(id) || {}).innerText || '').join(' ');
    if (!n && el.labels && el.labels.length) n = el.labels[0].innerText;
    if (!n && el.tagName === 'IMG') n = el.alt;
    if (!n && el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) n = el.value;
    if (!n && ['textbox', 'searchbox', 'combobox'].includes(role)) n = el.placeholder || el.name;
    if (!n && !['textbox', 'searchbox'].includes(role)) n = el.innerText;
    return clean(n || el.title, role === 'text' || role === 'listitem' || role === 'cell' ? 200 : 100);
  };
  const TERMINAL = new Set(['link', 'button', 'textbox', 'searchbox', 'checkbox', 'radio', 'combobox',
    'slider', 'switch', 'tab', 'menuitem', 'option', 'heading', 'text', 'listitem', 'cell',
    'columnheader', 'label', 'img']);
  const lines = []; let n = 0;
  const walk = (el) => {
    if (lines.length >= maxLines) return;
    const st = getComputedStyle(el);
    if (st.display === 'none' || st.visibility === 'hidden') return;
    let role = roleOf(el);
    const INTERACTIVE = 'a[href],button,input,select,textarea,[role=button],[role=link],[role=checkbox]';
    if (['text', 'listitem', 'cell', 'label', 'columnheader', 'heading'].includes(role) && el.querySelector(INTERACTIVE))
      role = null;  // a container of controls: list the controls, not one blob of text
    let leaf = false;
    if (role) {
      const r = el.getBoundingClientRect();
      const vis = r.width > 1 && r.height > 1 && r.bottom > 0 && r.right > 0 && r.top < H && r.left < W;
      if (vis) {
        const name = nameOf(el, role);
        const textual = ['text', 'listitem', 'cell', 'label'].includes(role);
        if (TERMINAL.has(role) ? (name || !textual) : el.getAttribute('aria-label')) {
          let extra = '';
          if (['textbox', 'searchbox', 'combobox'].includes(role))
            extra = ' value="' + clean(el.type === 'password' ? '•'.repeat(el.value.length) : el.value, 80) + '"';
          if (role === 'checkbox' || role === 'radio') extra = el.checked ? ' checked' : ' unchecked';
          if (el.disabled) extra += ' disabled';
          const cx = Math.round(ox + Math.max(r.left, 0) + Math.min(r.width, W - Math.max(r.left, 0)) / 2);
          const cy = Math.round(oy + Math.max(r.top, 0) + Math.min(r.height, H - Math.max(r.top, 0)) / 2);
          lines.push('[' + (n++) + '] ' + role + ' "' + name.replace(/"/g, "'") + '"' + extra +
                     ' @(' + cx + ',' + cy + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) + ')');
        }
        leaf = TERMINAL.has(role);
      }
    }
    if (!leaf) for (const c of el.children) walk(c);
  };
  if (document.body) walk(document.body);
  return lines;
}
