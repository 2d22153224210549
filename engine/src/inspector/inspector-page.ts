// The inspector's single page: inline CSS and JS, no framework, no external URL. It reads the
// `/events` stream and `/actor?id=`; it knows only the JSON shapes of inspector-server.ts.

/** Rows drawn per kind; the rest are counted ("… n more"), so 10,000 actors stay responsive. */
export const MAX_ROWS_PER_KIND = 200

export const INSPECTOR_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mtswarm inspector</title>
<style>
  :root { --bg:#f6f7f9; --panel:#fff; --ink:#1d232b; --muted:#6a7380; --line:#e2e5ea; --accent:#2f6fde;
          --ok:#1f8a4c; --warn:#b7791f; --bad:#c53030; --sel:#eaf1fd; }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; }
  header h1 { font-size:15px; margin:0; font-weight:600; }
  #conn { font-size:12px; padding:2px 8px; border-radius:10px; background:#eee; color:var(--muted); }
  #conn.live { background:#e3f5ea; color:var(--ok); }
  #conn.down { background:#fdeaea; color:var(--bad); }
  #stats { color:var(--muted); font-size:12px; margin-left:auto; }
  .controls { display:flex; gap:12px; align-items:center; padding:10px 16px; flex-wrap:wrap; }
  #filter { width:320px; padding:6px 9px; border:1px solid var(--line); border-radius:6px; font:inherit; }
  label.chk { color:var(--muted); user-select:none; }
  #counts { display:flex; gap:10px; flex-wrap:wrap; padding:0 16px 10px; }
  .count { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:7px 11px; min-width:180px; }
  .count b { display:block; font-size:12px; text-transform:none; margin-bottom:3px; }
  .count span { display:inline-block; margin-right:10px; white-space:nowrap; }
  .count span i { font-style:normal; color:var(--muted); }
  main { display:grid; grid-template-columns: minmax(0, 1fr) 380px; gap:12px; padding:0 16px 16px; }
  section.kind { background:var(--panel); border:1px solid var(--line); border-radius:8px; margin-bottom:12px; overflow:hidden; }
  section.kind h2 { font-size:13px; margin:0; padding:7px 10px; background:#fafbfc; border-bottom:1px solid var(--line); font-weight:600; }
  section.kind h2 small { color:var(--muted); font-weight:400; margin-left:6px; }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:4px 10px; border-bottom:1px solid var(--line); vertical-align:top; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:260px; }
  th { font-weight:500; color:var(--muted); font-size:12px; }
  tbody tr { cursor:pointer; }
  tbody tr:hover { background:#f3f6fb; }
  tbody tr.sel { background:var(--sel); }
  td.state { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size:12px; }
  .st { display:inline-block; width:8px; height:8px; border-radius:50%; margin-right:6px; background:var(--accent); }
  .st.done { background:var(--ok); } .st.error, .st.bad { background:var(--bad); } .st.stopped { background:#a0a7b1; }
  .more { color:var(--muted); padding:6px 10px; }
  .empty { color:var(--muted); padding:24px; text-align:center; }
  aside { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; align-self:start; position:sticky; top:58px; max-height:calc(100vh - 70px); overflow:auto; }
  aside h3 { margin:0 0 8px; font-size:14px; }
  aside dl { display:grid; grid-template-columns: 90px 1fr; gap:3px 8px; margin:0 0 12px; }
  aside dt { color:var(--muted); } aside dd { margin:0; word-break:break-all; }
  .path { display:flex; flex-wrap:wrap; gap:4px; margin-bottom:12px; }
  .path span { background:#eef2f8; border-radius:4px; padding:2px 6px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size:12px; }
  .path span + span::before { content:"›"; color:var(--muted); margin-right:6px; }
  table.ev { table-layout:fixed; }
  .ev td { font-size:12px; white-space:normal; max-width:none; word-break:break-word; padding:4px 6px; }
  .ev td.t { color:var(--muted); white-space:nowrap; width:92px; font-size:11px; }
  .ev .to { font-family: ui-monospace, Menlo, Consolas, monospace; color:var(--accent); }
  .ev .dt { color:var(--muted); }
  a.ref { color:var(--accent); cursor:pointer; text-decoration:none; }
</style>
</head>
<body>
<header><h1>mtswarm inspector</h1><span id="conn">connecting…</span><span id="stats"></span></header>
<div class="controls">
  <input id="filter" type="search" placeholder="filter: id, state, event, method, dc…" autofocus>
  <label class="chk"><input id="hideFinished" type="checkbox"> hide finished</label>
  <label class="chk"><input id="showOther" type="checkbox"> show helper actors (sockets, steps)</label>
</div>
<div id="counts"></div>
<main><div id="tables"></div><aside id="detail"><div class="empty">Select an actor to see its state path and last events.</div></aside></main>
<script>
(() => {
  const MAX_ROWS = ${MAX_ROWS_PER_KIND};
  const KINDS = ['account', 'dcConnection', 'handshake', 'rpc', 'other'];
  const actors = new Map();
  let counts = {}, stats = {}, selected = null, dirty = false, detailDirty = false;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&':'&amp;', '<':'&lt;', '>':'&gt;', '"':'&quot;', "'":'&#39;' })[c]);
  const fmt = (n) => Number(n).toLocaleString('en-US');
  const label = (a) => Object.entries(a.label || {}).map(([k, v]) => k + '=' + v).join(' ');
  const stateOf = (a) => a.stateText;
  // 'xstate.after.pingInterval.dcConnection.online…' → 'after pingInterval'
  const evName = (t) => t && t.startsWith('xstate.after.') ? 'after ' + t.slice(13).split('.')[0] : (t || '');
  const name = (a) => a.systemId || a.id;
  // A call that ended in failed/cancelled is 'done' to XState; show it red.
  const dot = (a) => '<span class="st ' + esc(a.status === 'done' && /fail|error|cancel/i.test(a.stateText) ? 'bad' : a.status) + '"></span>';
  const owner = (a) => a.parent && actors.has(a.parent) ? name(actors.get(a.parent)) + ' · ' : '';
  const ago = (ms) => { const s = Math.max(0, (Date.now() - ms) / 1000); return s < 60 ? s.toFixed(1) + ' s' : Math.round(s / 60) + ' min'; };

  function apply(msg, full) {
    if (full) actors.clear();
    for (const a of msg.actors) actors.set(a.sessionId, a);
    for (const id of msg.removed) actors.delete(id);
    counts = msg.counts; stats = msg.stats;
    if (selected && msg.actors.some((a) => a.sessionId === selected)) detailDirty = true;
    pickWanted();
    schedule();
  }
  function schedule() { if (!dirty) { dirty = true; requestAnimationFrame(render); } }

  function render() {
    dirty = false;
    $('stats').textContent = fmt(stats.actors || 0) + ' tracked · ' + fmt(stats.seen || 0) + ' seen · ' + fmt(stats.evicted || 0) + ' evicted · ' + fmt(stats.inspectionEvents || 0) + ' inspection events';
    const showOther = $('showOther').checked;
    $('counts').innerHTML = KINDS.filter((k) => counts[k] && (showOther || k !== 'other')).map((k) => {
      const parts = Object.entries(counts[k]).sort((a, b) => b[1] - a[1]).map(([s, n]) => '<span><i>' + esc(s) + '</i> ' + fmt(n) + '</span>');
      return '<div class="count"><b>' + esc(k) + '</b>' + parts.join('') + '</div>';
    }).join('');
    const q = $('filter').value.trim().toLowerCase();
    const hideFinished = $('hideFinished').checked;
    const groups = new Map(KINDS.map((k) => [k, []]));
    for (const a of actors.values()) {
      if (hideFinished && a.status !== 'active') continue;
      if (!showOther && a.kind === 'other') continue;
      if (q) {
        const hay = (a.id + ' ' + (a.systemId || '') + ' ' + a.machine + ' ' + stateOf(a) + ' ' + (a.lastEvent || '') + ' ' + label(a) + ' ' + a.status).toLowerCase();
        if (!hay.includes(q)) continue;
      }
      groups.get(a.kind).push(a);
    }
    let html = '';
    for (const [kind, list] of groups) {
      if (!list.length) continue;
      // Calls: newest first; long-lived actors (accounts, connections): stable, oldest first.
      list.sort(kind === 'rpc' ? (a, b) => b.createdMs - a.createdMs : (a, b) => a.createdMs - b.createdMs);
      const rows = list.slice(0, MAX_ROWS).map((a) =>
        '<tr data-id="' + esc(a.sessionId) + '"' + (a.sessionId === selected ? ' class="sel"' : '') + '>' +
        '<td title="' + esc(a.sessionId) + '">' + dot(a) + esc(name(a)) + '</td>' +
        '<td title="' + esc(label(a)) + '">' + esc(owner(a)) + esc(label(a)) + '</td>' +
        '<td class="state" title="' + esc(stateOf(a)) + '">' + esc(stateOf(a)) + '</td>' +
        '<td title="' + esc(a.lastEvent || '') + '">' + esc(evName(a.lastEvent)) + '</td>' +
        '<td>' + fmt(a.eventCount) + '</td>' +
        '<td>' + ago(a.updatedMs) + '</td></tr>').join('');
      html += '<section class="kind"><h2>' + esc(kind) + '<small>' + fmt(list.length) + ' shown</small></h2>' +
        '<table><thead><tr><th>actor</th><th>label</th><th>state</th><th>last event</th><th>events</th><th>updated</th></tr></thead><tbody>' +
        rows + '</tbody></table>' + (list.length > MAX_ROWS ? '<div class="more">… ' + fmt(list.length - MAX_ROWS) + ' more (narrow the filter)</div>' : '') + '</section>';
    }
    $('tables').innerHTML = html || '<div class="empty">' + (actors.size ? 'No actor matches.' : 'No actors yet.') + '</div>';
    if (detailDirty) loadDetail();
  }

  async function loadDetail() {
    detailDirty = false;
    if (!selected) return;
    const id = selected;
    let body, why;
    try {
      const r = await fetch('/actor?id=' + encodeURIComponent(id));
      body = r.ok ? await r.json() : null;
      why = 'Actor ' + id + ' is no longer tracked.';
    } catch { body = null; why = 'The inspector is not reachable.'; }
    if (id !== selected) return;
    if (!body) { $('detail').innerHTML = '<div class="empty">' + esc(why) + '</div>'; return; }
    const a = body.actor;
    const parent = a.parent ? (actors.has(a.parent) ? '<a class="ref" data-id="' + esc(a.parent) + '">' + esc(name(actors.get(a.parent))) + '</a>' : esc(a.parent)) : '—';
    const allKids = [...actors.values()].filter((c) => c.parent === a.sessionId);
    const liveKids = allKids.filter((c) => c.status === 'active');
    const kids = liveKids.slice(0, 30).map((c) => '<a class="ref" data-id="' + esc(c.sessionId) + '">' + esc(name(c)) + '</a>').join(', ') +
      (allKids.length > liveKids.length ? ' <span style="color:var(--muted)">(+' + (allKids.length - liveKids.length) + ' ended)</span>' : '') || '—';
    const paths = a.state.length ? a.state : [a.status];
    const crumbs = paths.map((p) => '<div class="path">' + p.split('.').map((s) => '<span>' + esc(s) + '</span>').join('') + '</div>').join('');
    const evs = body.events.slice().reverse().map((e) =>
      '<tr><td class="t">' + new Date(e.atMs).toISOString().slice(11, 23) + '</td><td title="' + esc(e.type) + '"><b>' + esc(evName(e.type)) + '</b>' +
      (e.detail ? ' <span class="dt">' + esc(e.detail) + '</span>' : '') + '<br><span class="to">→ ' + esc(e.state) + '</span></td></tr>').join('');
    $('detail').innerHTML = '<h3>' + esc(name(a)) + '</h3>' +
      '<dl><dt>machine</dt><dd>' + esc(a.machine) + '</dd><dt>status</dt><dd>' + dot(a) + esc(a.status) + '</dd>' +
      '<dt>id</dt><dd>' + esc(a.id) + ' <span style="color:var(--muted)">(' + esc(a.sessionId) + ')</span></dd>' + (a.systemId ? '<dt>systemId</dt><dd>' + esc(a.systemId) + '</dd>' : '') +
      '<dt>label</dt><dd>' + (esc(label(a)) || '—') + '</dd><dt>parent</dt><dd>' + parent + '</dd><dt>children</dt><dd>' + kids + '</dd>' +
      '<dt>events</dt><dd>' + fmt(a.eventCount) + '</dd></dl>' +
      '<h3>State path</h3>' + crumbs +
      '<h3>Last events</h3><table class="ev"><tbody>' + (evs || '<tr><td class="t">none yet</td></tr>') + '</tbody></table>';
  }

  function select(id) { selected = id; detailDirty = true; schedule(); }
  $('tables').addEventListener('click', (e) => { const tr = e.target.closest('tr[data-id]'); if (tr) select(tr.dataset.id); });
  $('detail').addEventListener('click', (e) => { const a = e.target.closest('a.ref'); if (a) select(a.dataset.id); });
  for (const id of ['filter', 'hideFinished', 'showOther']) $(id).addEventListener('input', schedule);

  // Deep links: #q=<filter>&select=<actor id or session id>
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('q')) $('filter').value = hash.get('q');
  if (hash.get('other') === '1') $('showOther').checked = true;
  let wanted = hash.get('select');
  const pickWanted = () => {
    if (!wanted) return;
    for (const a of actors.values()) if (a.sessionId === wanted || a.id === wanted || a.systemId === wanted) { wanted = null; select(a.sessionId); return; }
  };

  const es = new EventSource('/events');
  es.addEventListener('snapshot', (e) => { $('conn').textContent = 'live'; $('conn').className = 'live'; apply(JSON.parse(e.data), true); });
  es.addEventListener('batch', (e) => apply(JSON.parse(e.data), false));
  es.onerror = () => { $('conn').textContent = 'disconnected (retrying)'; $('conn').className = 'down'; };
  setInterval(schedule, 1000);
})();
</script>
</body>
</html>
`
