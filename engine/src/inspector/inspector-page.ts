// The inspector's single page: inline CSS and JS (page-script.ts), no framework, no external URL.
// It reads `/events`, `/actor?id=` and `/chart?machine=`; it knows only the JSON shapes of
// inspector-server.ts and the `data-state` marks of the statechart SVG.
import { PAGE_SCRIPT, ROW_HEIGHT_PX } from './page-script.js'

export const INSPECTOR_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mtswarm inspector</title>
<link rel="icon" href="data:,">
<style>
  :root { --bg:#f6f7f9; --panel:#fff; --ink:#1d232b; --muted:#6a7380; --line:#e2e5ea; --accent:#2f6fde;
          --ok:#1f8a4c; --bad:#c53030; --sel:#dbe8fd; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:8px 14px; background:var(--panel); border-bottom:1px solid var(--line); }
  header h1 { font-size:15px; margin:0; font-weight:600; }
  #conn { font-size:12px; padding:2px 8px; border-radius:10px; background:#eee; color:var(--muted); }
  #conn.live { background:#e3f5ea; color:var(--ok); } #conn.down { background:#fdeaea; color:var(--bad); }
  #stats { color:var(--muted); font-size:12px; margin-left:auto; }
  #counts { display:flex; gap:8px; flex-wrap:wrap; padding:8px 14px 0; }
  .count { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:6px 10px; }
  .count b { display:block; font-size:12px; margin-bottom:2px; }
  .count span { display:inline-block; margin-right:10px; white-space:nowrap; cursor:pointer; }
  .count span[hidden] { display:none; }
  .count span i { font-style:normal; color:var(--muted); font-family:var(--mono); font-size:12px; }
  .controls { display:flex; gap:8px; align-items:center; padding:8px 14px; flex-wrap:wrap; }
  .controls input, .controls select { padding:4px 7px; border:1px solid var(--line); border-radius:6px; font:inherit; }
  .controls input { width:150px; }
  #shown { color:var(--muted); font-size:12px; }
  main { display:grid; grid-template-columns: minmax(0, 1fr) minmax(420px, 44%); gap:10px; padding:0 14px 14px; }
  .grid { background:var(--panel); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
  .row { display:grid; grid-template-columns: 2.2fr 1fr 2.4fr 0.5fr 1.4fr 1.5fr 0.6fr; height:${ROW_HEIGHT_PX}px; align-items:center;
         border-bottom:1px solid var(--line); padding:0 8px; cursor:pointer; }
  .row > span { overflow:hidden; text-overflow:ellipsis; white-space:nowrap; padding-right:8px; }
  .row.head { font-weight:500; color:var(--muted); font-size:12px; background:#fafbfc; cursor:default; }
  .row.head span { cursor:pointer; user-select:none; } .row.head span.sorted::after { content:" ▾"; } .row.head span.sorted.up::after { content:" ▴"; }
  #body { height:calc(100vh - 190px); min-height:240px; overflow:auto; position:relative; }
  #spacer { position:relative; }
  #spacer .row { position:absolute; left:0; right:0; }
  #spacer .row:hover { background:#f3f6fb; } #spacer .row.sel { background:var(--sel); }
  .row .state, .row .ev { font-family:var(--mono); font-size:12px; }
  .row .err { color:var(--bad); }
  .st { display:inline-block; width:7px; height:7px; border-radius:50%; margin-right:6px; background:var(--accent); }
  .st.done { background:var(--ok); } .st.error { background:var(--bad); } .st.stopped { background:#a0a7b1; }
  aside { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 12px; height:calc(100vh - 150px); overflow:auto; }
  aside h3 { margin:0 0 6px; font-size:14px; } aside h4 { margin:12px 0 4px; font-size:12px; color:var(--muted); font-weight:600; }
  .empty { color:var(--muted); padding:24px; text-align:center; }
  #chart { overflow:auto; max-height:52vh; border:1px solid var(--line); border-radius:6px; }
  #chart svg { display:block; }
  #chart.fit svg { width:100%; height:auto; }
  #chart g.state.active > rect:first-child { fill:#fff3c4; stroke:#d4a72c; stroke-width:2.5; }
  #chart g.state.compound.active > rect:first-child { fill:#fffbea; }
  #chart path.edge.fired { stroke:#d4a72c; stroke-width:3; animation: fired 1.6s ease-out; }
  @keyframes fired { from { stroke-width:6; } to { stroke-width:3; } }
  .crumbs a, .tree a { color:var(--accent); cursor:pointer; text-decoration:none; }
  .crumbs a + a::before, .crumbs a + span::before { content:" › "; color:var(--muted); }
  .tree ul { list-style:none; margin:0; padding-left:16px; } .tree > ul { padding-left:0; }
  .tree li { white-space:nowrap; } .tree .tog { display:inline-block; width:14px; cursor:pointer; color:var(--muted); }
  .tree i { font-style:normal; font-family:var(--mono); font-size:12px; color:var(--muted); }
  pre#context { font-family:var(--mono); font-size:12px; background:#f6f8fa; padding:8px; border-radius:6px; max-height:240px; overflow:auto; margin:0; }
  .timeline { max-height:260px; overflow:auto; border:1px solid var(--line); border-radius:6px; }
  table.tl { border-collapse:collapse; font-size:11px; min-width:100%; }
  .tl th { position:sticky; top:0; background:#fafbfc; font-weight:600; text-align:left; padding:3px 6px; white-space:nowrap; border-bottom:1px solid var(--line); }
  .tl td { padding:2px 6px; border-left:1px solid var(--line); white-space:nowrap; vertical-align:top; }
  .tl td.t { font-family:var(--mono); color:var(--muted); border-left:none; }
  .tl td.hit { background:#f3f6fb; } .tl td.hit .to { font-family:var(--mono); color:var(--accent); } .tl td i { color:var(--muted); font-style:normal; }
  table.ev { width:100%; border-collapse:collapse; table-layout:fixed; }
  .ev td { font-size:12px; padding:3px 5px; border-bottom:1px solid var(--line); vertical-align:top; word-break:break-word; }
  .ev td.t { color:var(--muted); width:88px; font-family:var(--mono); font-size:11px; }
  .ev .to { font-family:var(--mono); color:var(--accent); } .ev .dt { color:var(--muted); }
</style>
</head>
<body>
<header><h1>mtswarm inspector</h1><span id="conn">connecting…</span><span id="stats"></span></header>
<div id="counts"></div>
<div class="controls">
  <select id="kind" title="machine">
    <option value="">all machines</option><option value="account" selected>account</option><option value="dcConnection">dcConnection</option>
    <option value="handshake">handshake</option><option value="rpc">rpc</option><option value="other">helpers</option>
  </select>
  <input id="fState" placeholder="state" title="state contains">
  <input id="fDc" placeholder="DC" title="DC id" style="width:60px">
  <input id="fErr" placeholder="error" title="error contains">
  <input id="fId" placeholder="id prefix" title="id starts with">
  <span id="shown"></span>
</div>
<main>
  <div class="grid">
    <div class="row head" id="head"><span data-col="name">actor</span><span data-col="machine">machine</span><span data-col="state">state</span><span data-col="dc">DC</span><span data-col="err">error</span><span data-col="last">last event</span><span data-col="n">events</span></div>
    <div id="body"><div id="spacer"></div></div>
  </div>
  <aside id="detail"><div class="empty">Select an actor: its statechart, context, children and events show here.</div></aside>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`
