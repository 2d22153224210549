// The inspector page's script (plain browser JS, inlined by inspector-page.ts). It keeps every
// actor record the stream sends in a Map, shows the fleet as a virtualized table whose row
// elements are keyed by actor and patched in place (never rebuilt per tick, so clicks and text
// selection survive updates), and the selected actor's statechart, context, tree and events.
// NB: no backquote and no dollar-brace in here: it lives inside a template literal.

/** Height of one table row: the virtual scroller's unit. */
export const ROW_HEIGHT_PX = 22

export const PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const ROW = ${ROW_HEIGHT_PX}, OVERSCAN = 10, VIEW_EVERY_MS = 500, DETAIL_EVERY_MS = 400, BUDGET_MS = 12;
  const token = new URLSearchParams(location.search).get('token') || '';
  const q = (path) => path + (path.indexOf('?') < 0 ? '?' : '&') + 'token=' + encodeURIComponent(token);
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const actors = new Map();
  const rows = new Map();           // sessionId → row element (keyed: reused while visible)
  let view = [], viewDirty = true, lastView = 0, counts = {}, stats = {}, backlog = 0;
  let sortCol = '', sortUp = true, selected = null, selState = '', detailTimer = 0, detailAt = 0;
  const name = (a) => a.systemId || a.id;
  const dcOf = (a) => (a.label.homeDcId !== undefined ? a.label.homeDcId : a.label.dcId !== undefined ? a.label.dcId : '');
  const errOf = (a) => (a.label.lastError !== undefined && a.label.lastError !== null ? String(a.label.lastError) : '');
  const colValue = { name: name, machine: (a) => a.machine, state: (a) => a.stateText, dc: dcOf, err: errOf, last: (a) => a.lastEvent || '', n: (a) => a.eventCount };

  // ---- the stream ----
  const es = new EventSource(q('/events'));
  es.addEventListener('open', () => { $('conn').textContent = 'live'; $('conn').className = 'live'; });
  es.addEventListener('error', () => { $('conn').textContent = 'disconnected'; $('conn').className = 'down'; });
  // Messages are queued and taken a few milliseconds' worth at a time: Chromium hands every event
  // of one network chunk to one task, and a snapshot's slices often arrive together.
  const inbox = [];
  let pumping = false;
  es.addEventListener('reset', (e) => { inbox.push(null, e.data); pump(); });
  es.addEventListener('batch', (e) => { inbox.push(e.data); pump(); });
  function pump() {
    if (pumping) return;
    pumping = true;
    setTimeout(() => {
      pumping = false;
      const until = performance.now() + BUDGET_MS;
      while (inbox.length > 0 && performance.now() < until) {
        const data = inbox.shift();
        if (data === null) actors.clear(); else take(JSON.parse(data));
      }
      if (inbox.length > 0) pump();
    }, 0);
  }
  function take(m) {
    for (const a of m.actors) {
      actors.set(a.sessionId, a);
      const r = rows.get(a.sessionId);
      if (r) fill(r, a);
      if (a.sessionId === selected) scheduleDetail();
    }
    for (const id of m.removed) actors.delete(id);
    counts = m.counts; stats = m.stats; backlog = m.backlog;
    viewDirty = true;
    drawCounts();
    $('stats').textContent = fmt(stats.actors) + ' tracked · ' + fmt(stats.seen) + ' seen · ' + fmt(stats.inspectionEvents) + ' events' + (backlog ? ' · loading ' + fmt(backlog) : '');
  }

  // ---- fleet counts: one keyed span per (machine, state), patched in place ----
  const countEls = new Map();
  function drawCounts() {
    const box = $('counts');
    for (const kind of Object.keys(counts)) {
      if (kind === 'other') continue;
      let card = countEls.get(kind);
      if (!card && !$('kind').querySelector('option[value="' + CSS.escape(kind) + '"]')) {
        // A machine the page did not list yet (the select starts with the ones we know).
        const o = el('option', '', kind); o.value = kind; $('kind').insertBefore(o, $('kind').querySelector('option[value="other"]'));
      }
      if (!card) {
        card = el('div', 'count'); card.dataset.kind = kind; card.appendChild(el('b', '', kind)); card.spans = new Map();
        box.appendChild(card); countEls.set(kind, card);
      }
      const byState = counts[kind];
      for (const [state, n] of Object.entries(byState)) {
        let s = card.spans.get(state);
        if (!s) {
          s = el('span'); s.dataset.state = state; s.appendChild(el('i', '', state + ' ')); s.n = el('b', 'n'); s.n.style.display = 'inline'; s.appendChild(s.n);
          s.addEventListener('click', () => { $('kind').value = kind; $('fState').value = state; viewDirty = true; lastView = 0; });
          card.appendChild(s); card.spans.set(state, s);
        }
        const t = fmt(n);
        if (s.n.textContent !== t) s.n.textContent = t;
        s.hidden = false;
      }
      for (const [state, s] of card.spans) if (!(state in byState)) s.hidden = true;
    }
  }

  // ---- the table: filter + sort into view (throttled), then draw only the visible rows ----
  function rebuildView() {
    const kind = $('kind').value, fs = $('fState').value.trim(), fd = $('fDc').value.trim(), fe = $('fErr').value.trim().toLowerCase(), fi = $('fId').value.trim();
    const out = [];
    for (const a of actors.values()) {
      if (kind ? a.kind !== kind : a.kind === 'other') continue;
      if (fs && a.stateText.indexOf(fs) < 0) continue;
      if (fd && String(dcOf(a)) !== fd) continue;
      if (fe && errOf(a).toLowerCase().indexOf(fe) < 0) continue;
      if (fi && name(a).indexOf(fi) !== 0 && String(a.label.accountId || '').indexOf(fi) !== 0) continue;
      out.push(a);
    }
    if (sortCol) {
      const f = colValue[sortCol], dir = sortUp ? 1 : -1;
      const keyed = out.map((a) => [f(a), a]);
      keyed.sort((x, y) => (x[0] < y[0] ? -dir : x[0] > y[0] ? dir : 0));
      view = keyed.map((k) => k[1].sessionId);
    } else view = out.map((a) => a.sessionId);
    viewDirty = false; lastView = performance.now();
    $('shown').textContent = fmt(view.length) + ' shown';
    $('spacer').style.height = view.length * ROW + 'px';
  }
  function fill(r, a) {
    if (r.ver === a.updatedMs + ':' + a.eventCount + ':' + a.status) return;
    r.ver = a.updatedMs + ':' + a.eventCount + ':' + a.status;
    const c = r.children;
    set(c[0], name(a)); c[0].title = name(a) + ' (' + a.sessionId + ')';
    set(c[1], a.machine);
    set(c[2].lastChild, a.stateText); c[2].firstChild.className = 'st ' + a.status;
    set(c[3], String(dcOf(a))); set(c[4], errOf(a)); set(c[5], a.lastEvent || ''); set(c[6], String(a.eventCount));
  }
  function set(node, text) { if (node.textContent !== text) node.textContent = text; }
  function newRow() {
    const r = el('div', 'row');
    r.append(el('span'), el('span'), el('span', 'state'), el('span'), el('span', 'err'), el('span', 'ev'), el('span'));
    r.children[2].append(el('i', 'st'), el('span'));
    r.addEventListener('click', () => {
      // A drag that selected text is not a click on the row.
      if (String(getSelection()).length > 0) return;
      select(r.dataset.id);
    });
    return r;
  }
  const spare = [];
  function drawRows() {
    const body = $('body'), spacer = $('spacer');
    const first = Math.max(0, Math.floor(body.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((body.scrollTop + body.clientHeight) / ROW) + OVERSCAN);
    const want = new Set(view.slice(first, last));
    for (const [id, r] of rows) if (!want.has(id)) { rows.delete(id); r.remove(); spare.push(r); }
    for (let i = first; i < last; i++) {
      const id = view[i], a = actors.get(id);
      if (!a) continue;
      let r = rows.get(id);
      if (!r) { r = spare.pop() || newRow(); r.ver = ''; r.dataset.id = id; rows.set(id, r); spacer.appendChild(r); }
      const top = i * ROW + 'px';
      if (r.style.top !== top) r.style.top = top;
      r.classList.toggle('sel', id === selected);
      fill(r, a);
    }
  }
  function frame() {
    if (viewDirty && performance.now() - lastView > VIEW_EVERY_MS) rebuildView();
    drawRows();
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  for (const id of ['kind', 'fState', 'fDc', 'fErr', 'fId']) $(id).addEventListener('input', () => { viewDirty = true; lastView = 0; });
  $('head').addEventListener('click', (e) => {
    const col = e.target.dataset && e.target.dataset.col;
    if (!col) return;
    if (sortCol === col) sortUp = !sortUp; else { sortCol = col; sortUp = true; }
    for (const s of $('head').children) { s.classList.toggle('sorted', s.dataset.col === sortCol); s.classList.toggle('up', s.dataset.col === sortCol && !sortUp); }
    viewDirty = true; lastView = 0;
  });

  // ---- the selected actor ----
  function select(id) {
    if (!actors.has(id)) return;
    selected = id;
    for (const [rid, r] of rows) r.classList.toggle('sel', rid === id);
    history.replaceState(null, '', '#select=' + encodeURIComponent(id));
    drawDetailFrame();
    loadDetail();
  }
  function scheduleDetail() {
    if (detailTimer) return;
    detailTimer = setTimeout(() => { detailTimer = 0; loadDetail(); }, Math.max(0, DETAIL_EVERY_MS - (performance.now() - detailAt)));
  }
  function drawDetailFrame() {
    const d = $('detail');
    d.textContent = '';
    d.append(el('h3', '', ''), el('div', 'crumbs'), el('h4', '', 'statechart'));
    const chart = el('div'); chart.id = 'chart'; chart.title = 'double-click: fit / natural size'; d.append(chart);
    chart.addEventListener('dblclick', () => { chart.classList.toggle('fit'); centerActive(chart); });
    d.append(el('h4', '', 'children'));
    const tree = el('div', 'tree'); tree.id = 'tree'; d.append(tree);
    d.append(el('h4', '', 'timeline (this actor and its descendants, oldest first)'));
    const tl = el('div', 'timeline'); tl.id = 'timeline'; d.append(tl);
    d.append(el('h4', '', 'context'));
    const pre = el('pre'); pre.id = 'context'; d.append(pre);
    d.append(el('h4', '', 'events'));
    const ev = el('table', 'ev'); ev.id = 'events'; d.append(ev);
    chart.machine = '';
  }
  async function loadDetail() {
    const id = selected;
    if (!id) return;
    detailAt = performance.now();
    const r = await fetch(q('/actor?id=' + encodeURIComponent(id)));
    if (id !== selected) return;
    if (r.status !== 200) { $('detail').querySelector('h3').textContent = 'gone: ' + id; return; }
    const d = await r.json();
    const a = d.actor;
    $('detail').querySelector('h3').textContent = name(a) + ' · ' + a.machine + ' · ' + a.status;
    const crumbs = $('detail').querySelector('.crumbs');
    crumbs.textContent = '';
    for (const p of d.ancestors) { const l = el('a', '', name(p)); l.addEventListener('click', () => select(p.sessionId)); crumbs.append(l); }
    crumbs.append(el('span', '', name(a)));
    await drawChart(a);
    drawTree(d.children);
    const t = await fetch(q('/timeline?id=' + encodeURIComponent(id)));
    if (id === selected && t.status === 200) drawTimeline(await t.json());
    $('context').textContent = JSON.stringify(d.context, null, 2);
    const ev = $('events');
    ev.textContent = '';
    for (const e of d.events.slice().reverse()) {
      const tr = el('tr'), t = new Date(e.atMs);
      tr.append(el('td', 't', t.toTimeString().slice(0, 8) + '.' + String(t.getMilliseconds()).padStart(3, '0')));
      const td = el('td');
      td.append(el('b', '', e.type), document.createTextNode(' → '), el('span', 'to', e.state));
      if (e.detail) td.append(document.createTextNode(' '), el('span', 'dt', e.detail));
      tr.append(td); ev.append(tr);
    }
  }
  async function drawChart(a) {
    const chart = $('chart');
    if (a.kind === 'other') { chart.textContent = '(not a machine)'; chart.machine = ''; return; }
    if (chart.machine !== a.machine) {
      chart.machine = a.machine; selState = '';
      const r = await fetch(q('/chart?machine=' + encodeURIComponent(a.machine)));
      chart.innerHTML = r.status === 200 ? await r.text() : '';
    }
    const lit = new Set();
    for (const p of a.state) { const parts = p.split('.'); for (let i = 1; i <= parts.length; i++) lit.add(parts.slice(0, i).join('.')); }
    const before = selState ? selState.split('|') : [];
    for (const g of chart.querySelectorAll('g.state')) g.classList.toggle('active', lit.has(g.dataset.state));
    // The transition just taken: an arrow from a state that was active into one that is now.
    const now = a.state.join('|');
    if (selState && selState !== now) {
      const was = new Set();
      for (const p of before) { const parts = p.split('.'); for (let i = 1; i <= parts.length; i++) was.add(parts.slice(0, i).join('.')); }
      for (const e of chart.querySelectorAll('path.edge')) {
        const fired = was.has(e.dataset.from) && lit.has(e.dataset.to) && !was.has(e.dataset.to);
        if (fired) { e.classList.remove('fired'); void e.getBoundingClientRect(); e.classList.add('fired'); }
      }
    }
    if (selState !== now) centerActive(chart);
    selState = now;
  }
  // At natural size the chart scrolls to the active leaf state.
  function centerActive(chart) {
    const g = chart.querySelector('g.state.active:not(.compound)');
    if (!g || chart.classList.contains('fit')) return;
    const b = g.getBBox();
    chart.scrollLeft = b.x + b.width / 2 - chart.clientWidth / 2;
    chart.scrollTop = b.y + b.height / 2 - chart.clientHeight / 2;
  }
  // A sequence view: one column per actor (the selected one first), one row per event in time order.
  function drawTimeline(t) {
    const box = $('timeline');
    const keep = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    const table = el('table', 'tl');
    const head = el('tr');
    head.append(el('th', 't', 'time'));
    for (const lane of t.lanes) { const th = el('th', '', lane.name); th.title = lane.machine; head.append(th); }
    table.append(head);
    for (const e of t.entries) {
      const tr = el('tr'), at = new Date(e.atMs);
      tr.append(el('td', 't', at.toTimeString().slice(0, 8) + '.' + String(at.getMilliseconds()).padStart(3, '0')));
      for (let i = 0; i < t.lanes.length; i++) {
        const td = el('td');
        if (i === e.lane) {
          td.className = 'hit'; td.title = e.detail || '';
          td.append(el('b', '', e.type), document.createTextNode(' → '), el('span', 'to', e.state));
          if (e.source) td.append(el('i', '', ' from ' + e.source));
        }
        tr.append(td);
      }
      table.append(tr);
    }
    box.textContent = '';
    box.append(table);
    if (keep) box.scrollTop = box.scrollHeight;
  }
  function drawTree(children) {
    const tree = $('tree');
    tree.textContent = '';
    if (children.length === 0) { tree.append(el('span', 'empty', 'none')); return; }
    tree.append(list(children));
  }
  function list(children) {
    const ul = el('ul');
    for (const c of children) {
      const li = el('li'), tog = el('span', 'tog', c.children > 0 ? '▸' : '');
      const link = el('a', '', name(c));
      link.addEventListener('click', () => select(c.sessionId));
      li.append(tog, link, document.createTextNode(' '), el('i', '', c.machine + ' · ' + c.stateText));
      if (c.children > 0) tog.addEventListener('click', async () => {
        if (li.querySelector('ul')) { li.querySelector('ul').remove(); tog.textContent = '▸'; return; }
        const r = await fetch(q('/actor?id=' + encodeURIComponent(c.sessionId)));
        if (r.status !== 200) return;
        li.append(list((await r.json()).children)); tog.textContent = '▾';
      });
      ul.append(li);
    }
    return ul;
  }
  const deep = /^#select=(.+)$/.exec(location.hash);
  if (deep) { const want = decodeURIComponent(deep[1]); const t = setInterval(() => { if (actors.has(want)) { clearInterval(t); select(want); } }, 200); setTimeout(() => clearInterval(t), 10000); }
})();
`
