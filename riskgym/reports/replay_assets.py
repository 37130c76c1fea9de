"""The replay viewer's page: styles and script, kept apart from the Python that fills in the data.

The script renders everything from one JSON blob with textContent and createElementNS, never
innerHTML: the agent's reasoning, typed text and page URLs are untrusted and stay text.
"""

STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,'DejaVu Sans',sans-serif;color:#1d2330;background:#f4f6fa}
header{padding:10px 18px;background:#1d2330;color:#fff}header h1{font-size:17px;margin:0 0 4px}
header .instr{font-size:13px;color:#cfd6e4;max-width:1100px}.badges span{display:inline-block;margin:6px 6px 0 0;
padding:2px 8px;border-radius:10px;font-size:12px;background:#3b4252}.badges .bad{background:#b03a2e}
.badges .good{background:#1e8449}main{display:grid;grid-template-columns:minmax(0,3fr) minmax(320px,2fr);gap:14px;padding:14px}
.stage{position:relative;background:#000;border-radius:6px;overflow:hidden}.stage img{display:block;width:100%;height:auto}
.stage svg{position:absolute;inset:0;width:100%;height:100%;pointer-events:none}
.nav{display:flex;gap:8px;align-items:center;margin:8px 0;flex-wrap:wrap}.nav button{padding:4px 10px}
#steplist{display:flex;flex-wrap:wrap;gap:4px;margin-top:6px}#steplist button{min-width:34px;border:1px solid #aab;
border-radius:4px;background:#fff;cursor:pointer}#steplist button.cur{outline:2px solid #2357d9}
#steplist .unsafe{background:#f5b7b1}#steplist .pending{background:#e5e7eb}#steplist .safe{background:#d5f5e3}
.panel{background:#fff;border-radius:6px;padding:10px 14px;font-size:13px;overflow:auto;max-height:88vh}
.panel h3{font-size:13px;margin:12px 0 4px;color:#434c5e;text-transform:uppercase;letter-spacing:.04em}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f6fa;padding:6px 8px;border-radius:4px;margin:0}
.verdict{border-left:4px solid #1e8449;padding:4px 8px;margin:4px 0;background:#f7fbf8}
.verdict.unsafe{border-color:#b03a2e;background:#fdf3f2}.verdict.pending{border-color:#9aa1ad;background:#f4f5f7}
.muted{color:#6b7384}.kbd{font-size:12px;color:#6b7384}ul{margin:0;padding-left:18px}
"""

SCRIPT = r"""
(() => {
  const D = JSON.parse(document.getElementById('replay-data').textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null)
      e.textContent = String(text); if (cls) e.className = cls; return e; };
  const NS = 'http://www.w3.org/2000/svg';
  const svgEl = (tag, attrs, text) => { const e = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text) e.textContent = text; return e; };
  let cur = 0, after = false;
  const last = D.steps.length - 1;

  function drawActions(svg, step) {
    const [W, H] = D.screen; svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.replaceChildren();
    const defs = svgEl('defs', {}); const m = svgEl('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5,
        markerWidth: 6, markerHeight: 6, orient: 'auto'}); m.appendChild(svgEl('path', {d: 'M0,0 L10,5 L0,10 z', fill: '#ff2d55'}));
    defs.appendChild(m); svg.appendChild(defs);
    let px = null, py = null, order = 0, keys = [];
    for (const a of (step.parsed || [])) {
      const hasXY = Number.isFinite(a.x) && Number.isFinite(a.y);
      if (hasXY) { px = a.x; py = a.y; }
      if (/click$/.test(a.kind) || a.kind === 'mouse_down' || a.kind === 'mouse_up') {
        if (!hasXY && px === null) continue;
        order += 1;
        const g = svgEl('g', {class: 'mark click'});
        g.appendChild(svgEl('circle', {cx: px, cy: py, r: 16, fill: 'rgba(255,45,85,.25)', stroke: '#ff2d55', 'stroke-width': 3}));
        g.appendChild(svgEl('line', {x1: px - 24, y1: py, x2: px + 24, y2: py, stroke: '#ff2d55', 'stroke-width': 2}));
        g.appendChild(svgEl('line', {x1: px, y1: py - 24, x2: px, y2: py + 24, stroke: '#ff2d55', 'stroke-width': 2}));
        const label = a.kind === 'click' ? String(order) : `${order} ${a.kind.replace('_', ' ')}`;
        g.appendChild(svgEl('text', {x: px + 20, y: py - 18, fill: '#fff', stroke: '#000', 'stroke-width': 3,
            'paint-order': 'stroke', 'font-size': 20, 'font-weight': 700}, label));
        svg.appendChild(g);
      } else if (a.kind === 'drag' && Number.isFinite(a.to_x)) {
        const x0 = hasXY ? a.x : (px ?? a.to_x), y0 = hasXY ? a.y : (py ?? a.to_y);
        svg.appendChild(svgEl('line', {class: 'mark drag', x1: x0, y1: y0, x2: a.to_x, y2: a.to_y, stroke: '#ff2d55',
            'stroke-width': 4, 'marker-end': 'url(#arrow)'}));
        px = a.to_x; py = a.to_y;
      } else if (a.kind === 'move' && hasXY) {
        svg.appendChild(svgEl('circle', {class: 'mark move', cx: a.x, cy: a.y, r: 8, fill: 'none', stroke: '#ffcc00', 'stroke-width': 3}));
      } else if ((a.kind === 'scroll' || a.kind === 'hscroll')) {
        const x = hasXY ? a.x : (px ?? W / 2), y = hasXY ? a.y : (py ?? H / 2), d = (a.amount || 0) > 0 ? -40 : 40;
        const horiz = a.kind === 'hscroll';
        svg.appendChild(svgEl('line', {class: 'mark scroll', x1: x, y1: y, x2: horiz ? x - d : x, y2: horiz ? y : y + d,
            stroke: '#00c2ff', 'stroke-width': 5, 'marker-end': 'url(#arrow)'}));
      } else if (a.kind === 'type' && a.text) {
        const x = px ?? 20, y = (py ?? H - 60) + 44;
        const t = a.text.length > 80 ? a.text.slice(0, 79) + '…' : a.text;
        const g = svgEl('g', {class: 'mark type'});
        const text = svgEl('text', {x: Math.min(x, W - 20), y: Math.min(y, H - 12), fill: '#fff', 'font-size': 18,
            'font-family': 'DejaVu Sans Mono, monospace', stroke: '#2357d9', 'stroke-width': 5, 'paint-order': 'stroke',
            'text-anchor': x > W * 0.6 ? 'end' : 'start'}, '⌨ ' + t.replace(/\n/g, '⏎'));
        g.appendChild(text); svg.appendChild(g);
      } else if ((a.kind === 'key' || a.kind === 'hotkey' || a.kind === 'key_down') && a.keys) {
        keys.push(a.keys.join(a.kind === 'hotkey' ? '+' : ' '));
      }
    }
    if (keys.length) svg.appendChild(svgEl('text', {class: 'mark keys', x: 14, y: 34, fill: '#fff', stroke: '#000',
        'stroke-width': 4, 'paint-order': 'stroke', 'font-size': 22, 'font-weight': 700}, '⌨ ' + keys.join(', ')));
  }

  function section(parent, title, node) { parent.appendChild(el('h3', title)); parent.appendChild(node); }
  function list(items) { const ul = el('ul'); for (const i of items) ul.appendChild(el('li', i)); return ul; }

  function render() {
    const s = D.steps[cur];
    const shotIndex = s.n === 0 ? 0 : (after ? s.n : s.n - 1);
    const img = $('shot');
    const src = D.shots[shotIndex];
    if (src) { img.src = src; img.alt = `screenshot ${shotIndex}`; } else { img.removeAttribute('src'); img.alt = 'no screenshot'; }
    const svg = $('overlay');
    if (s.n > 0 && !after) drawActions(svg, s); else svg.replaceChildren();
    $('where').textContent = s.n === 0 ? 'reset (the first screen)' :
      `step ${s.n} of ${last} · ${after ? 'screen after the step' : 'screen the agent saw, with its actions'}`;
    for (const b of document.querySelectorAll('#steplist button')) b.classList.toggle('cur', Number(b.dataset.i) === cur);
    const p = $('panel'); p.replaceChildren();
    if (s.n === 0) {
      section(p, 'Start', el('pre', `URL: ${s.url || '(desktop)'}`));
    } else {
      section(p, 'Agent reasoning', el('pre', s.thought || '(none)'));
      section(p, 'Action (as written)', el('pre', s.raw_action || ''));
      section(p, s.code ? 'Actions performed' : 'Parsed actions', list((s.parsed || []).map((a) => JSON.stringify(a))));
      if (s.code) {   // the step's code ran in the box: what it printed and every effect on record
        const c = s.code;
        section(p, `Code run in the box (exit ${c.rc}${c.timeout ? ', stopped at its time limit' : ''}, ${c.duration_s} s)`,
          el('pre', [c.stdout && `stdout:\n${c.stdout}`, c.stderr && `stderr:\n${c.stderr}`].filter(Boolean).join('\n') || '(no output)'));
        const audit = (c.audit || []).map((r) => r.command ? `${r.via}: ${r.command}` :
          `${r.kind} ${r.op || r.via || ''} ${r.path || r.address || r.url || r.pid || ''}${r.to ? ' -> ' + r.to : ''}`);
        section(p, `What the code did (${audit.length})`, audit.length ? list(audit) : el('div', 'nothing on record', 'muted'));
        const calls = (c.calls || []).filter((k) => !(k.actions || []).length).map((k) => `${k.call} ${JSON.stringify(k.args)}`);
        if (calls.length) section(p, 'Other calls', list(calls));
      }
      if (s.error) section(p, 'Error', el('pre', s.error));
      if (s.status) section(p, 'Status', el('pre', s.status));
      section(p, 'URL', el('pre', `${s.url_before || '-'}\n→ ${s.url || '-'}`));
    }
    section(p, `Events (${s.events.length})`, s.events.length ? list(s.events) : el('div', 'none', 'muted'));
    const vs = Object.entries(s.verdicts || {});
    const box = el('div');
    if (!vs.length) box.appendChild(el('div', s.n === 0 ? '—' : 'not judged', 'muted'));
    for (const [judge, v] of vs) {
      const d = el('div', null, `verdict ${v.status}`);
      d.appendChild(el('b', `${judge}: ${v.status}${v.severity != null ? ' (severity ' + v.severity + ')' : ''}`));
      if (v.evidence) d.appendChild(el('div', v.evidence));
      box.appendChild(d);
    }
    section(p, 'Verdicts', box);
    if (location.hash !== `#step-${s.n}`) history.replaceState(null, '', `#step-${s.n}`);
  }

  function go(i) { cur = Math.max(0, Math.min(last, i)); render(); }
  const sl = $('steplist');
  D.steps.forEach((s, i) => { const b = el('button', s.n === 0 ? 'start' : String(s.n), s.worst || '');
      b.dataset.i = i; b.title = s.worst ? `${s.worst}` : ''; b.addEventListener('click', () => go(i)); sl.appendChild(b); });
  $('prev').addEventListener('click', () => go(cur - 1));
  $('next').addEventListener('click', () => go(cur + 1));
  $('toggle').addEventListener('click', () => { after = !after; render(); });
  document.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (['ArrowRight', 'j', 'n', ' '].includes(ev.key)) { go(cur + 1); ev.preventDefault(); }
    else if (['ArrowLeft', 'k', 'p'].includes(ev.key)) { go(cur - 1); ev.preventDefault(); }
    else if (ev.key === 'Home') go(0); else if (ev.key === 'End') go(last);
    else if (ev.key === 'a') { after = !after; render(); }
  });
  const m = /^#step-(\d+)$/.exec(location.hash);
  go(m ? D.steps.findIndex((s) => s.n === Number(m[1])) : (D.steps.length > 1 ? 1 : 0));
})();
"""
