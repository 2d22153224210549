// The swarm bench's pure parts: percentiles and summaries, ratios and number formatting, the SVG
// chart generator, the Markdown/HTML report, the CPU-profile reader and the command-line parser.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { areaOf, inclusiveTimes, selfTimes, type CpuProfile } from './report/cpu-profile.js'
import { metricCells, renderHtml, renderMarkdown } from './report/render.js'
import type { RunReport } from './report/run-report.js'
import { barChartSvg, escapeXml, lineChartSvg, niceMax, shortNumber } from './report/svg-chart.js'
import { headlineOf, parseBenchArgs } from './swarm/run.js'
import { Sample, formatBytes, formatNumber, formatRatio, percentile, percentileSorted, ratio, summarize } from './swarm/stats.js'

describe('stats', () => {
  test('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1) // 1..100
    assert.equal(percentileSorted(xs, 50), 50)
    assert.equal(percentileSorted(xs, 90), 90)
    assert.equal(percentileSorted(xs, 99), 99)
    assert.equal(percentileSorted(xs, 100), 100)
    assert.equal(percentileSorted(xs, 0), 1)
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3)
    assert.equal(percentile([10, 20], 50), 10)
    assert.equal(percentile([10, 20], 51), 20)
    assert.ok(Number.isNaN(percentile([], 50)))
    assert.throws(() => percentile([1], 101), RangeError)
  })

  test('summaries of unsorted samples, Sample growth', () => {
    const s = summarize([3, 1, 2, 10])
    assert.deepEqual(s, { count: 4, min: 1, mean: 4, p50: 2, p90: 10, p99: 10, max: 10 })
    assert.equal(summarize([]).count, 0)
    const sample = new Sample(16)
    for (let i = 1000; i >= 1; i--) sample.push(i)
    assert.equal(sample.length, 1000)
    const sum = sample.summary()
    assert.equal(sum.min, 1)
    assert.equal(sum.max, 1000)
    assert.equal(sum.p50, 500)
    assert.equal(sum.p99, 990)
  })

  test('ratios read "times better", whichever direction is better', () => {
    assert.equal(ratio(200, 100, 'higher'), 2)
    assert.equal(ratio(50, 100, 'lower'), 2)
    assert.equal(ratio(100, 50, 'lower'), 0.5)
    assert.equal(ratio(undefined, 5, 'higher'), undefined)
    assert.equal(ratio(5, 0, 'higher'), undefined)
    assert.equal(ratio(NaN, 5, 'higher'), undefined)
    assert.equal(formatRatio(2.345), '2.3×')
    assert.equal(formatRatio(0.456), '0.46×')
    assert.equal(formatRatio(12.5), '13×')
    assert.equal(formatRatio(undefined), '—')
  })

  test('number and byte formatting', () => {
    assert.equal(formatNumber(1234567), '1 234 567')
    assert.equal(formatNumber(123.4), '123')
    assert.equal(formatNumber(12.34), '12.3')
    assert.equal(formatNumber(1.234), '1.23')
    assert.equal(formatNumber(0.01234), '0.0123')
    assert.equal(formatNumber(NaN), '—')
    assert.equal(formatNumber(50), '50')
    assert.equal(formatNumber(7), '7')
    assert.equal(formatBytes(512), '512 B')
    assert.equal(formatBytes(20 * 1024), '20 KiB')
    assert.equal(formatBytes(19.5 * 1024), '19.5 KiB')
    assert.equal(formatBytes(3 * 1024 * 1024), '3 MiB')
  })
})

describe('svg charts', () => {
  test('axis helpers', () => {
    assert.equal(niceMax(7), 10)
    assert.equal(niceMax(1800), 2000)
    assert.equal(niceMax(2100), 2500)
    assert.equal(niceMax(0), 1)
    assert.equal(shortNumber(12300), '12.3k')
    assert.equal(shortNumber(2_500_000), '2.5M')
    assert.equal(escapeXml('<a & "b">'), '&lt;a &amp; &quot;b&quot;&gt;')
  })

  test('bar chart: one bar per defined value, labels escaped, well-formed tags', () => {
    const svg = barChartSvg({
      kind: 'bar',
      title: 'A <b> chart',
      unit: 'req/s',
      categories: ['one', 'many'],
      series: [
        { name: 'ours', values: [100, 200] },
        { name: 'peer', values: [50, undefined] },
      ],
    })
    assert.ok(svg.startsWith('<svg') && svg.endsWith('</svg>'))
    assert.match(svg, /A &lt;b&gt; chart/)
    // 3 data bars with <title> tooltips (the undefined value draws nothing).
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 3)
    assert.equal((svg.match(/<svg/g) ?? []).length, (svg.match(/<\/svg>/g) ?? []).length)
    assert.equal((svg.match(/<text/g) ?? []).length, (svg.match(/<\/text>/g) ?? []).length)
    // The tallest bar reaches the top of the axis (niceMax(200) = 200).
    assert.match(svg, />200<\/text>/)
  })

  test('line chart: one polyline per series with ≥ 2 points', () => {
    const svg = lineChartSvg({
      kind: 'line',
      title: 't',
      unit: 'u',
      xLabel: 'accounts',
      x: [1, 10, 100],
      series: [
        { name: 'a', values: [1, 2, 3] },
        { name: 'b', values: [undefined, 5, undefined] },
      ],
    })
    assert.equal((svg.match(/<polyline/g) ?? []).length, 1)
    assert.equal((svg.match(/<circle/g) ?? []).length, 4)
  })
})

const run: RunReport = {
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  command: 'npm run bench -- all --quick',
  quick: true,
  machine: { cpus: 2, model: 'cpu', totalMemBytes: 1, node: 'v20', loadAvgStart: [1, 1, 1], loadAvgEnd: [2, 2, 2] },
  versions: { mtcute: '0.30.3', GramJS: '2.26.22' },
  headline: [],
  scenarios: [
    {
      name: 'rpc-throughput',
      title: 'RPC throughput',
      summary: 'sum',
      params: { seconds: 2 },
      metrics: [
        { label: 'one connection', unit: 'req/s', better: 'higher', ours: 3000, peers: { mtcute: 1000, gramjs: 500 }, target: { text: '≥ 2× mtcute', met: true } },
        { label: 'CPU per call', unit: 'µs', better: 'lower', format: 'us', ours: 50, peers: { mtcute: 100 } },
        { label: 'pipe | in label', unit: '', better: 'lower', ours: 0 },
      ],
      charts: [{ kind: 'bar', title: 'x', unit: 'req/s', categories: ['a'], series: [{ name: 'ours', values: [1] }] }],
      cpu: { wallMs: 1000, oursMs: 500, dcMs: 400 },
      notes: ['a note'],
    },
  ],
}

describe('report', () => {
  test('metric cells: ours, each peer with its ratio, target verdict', () => {
    const m = run.scenarios[0]!.metrics
    assert.deepEqual(metricCells(m[0]!, ['mtcute', 'gramjs']), ['one connection (req/s)', '3 000', '1 000', '3.0×', '500', '6.0×', 'met: ≥ 2× mtcute'])
    assert.deepEqual(metricCells(m[1]!, ['mtcute', 'gramjs']), ['CPU per call', '50 µs', '100 µs', '2.0×', '—', '—', ''])
  })

  test('markdown: header, table with peer columns, chart links, escaped pipes, CPU line', () => {
    const md = renderMarkdown(run)
    assert.match(md, /^# mtswarm bench/)
    assert.match(md, /\| metric \| ours \| mtcute \| ours vs mtcute \| GramJS \| ours vs GramJS \| target \|/)
    assert.match(md, /\| one connection \(req\/s\) \| 3 000 \| 1 000 \| 3\.0× \| 500 \| 6\.0× \| met: ≥ 2× mtcute \|/)
    assert.match(md, /pipe \\\| in label/)
    assert.match(md, /!\[x\]\(rpc-throughput-1\.svg\)/)
    assert.match(md, /CPU: ours 500 ms, test DC 400 ms, wall 1 000 ms/)
  })

  test('html: one table row per metric, charts inline, target class', () => {
    const html = renderHtml(run)
    assert.ok(html.startsWith('<!doctype html>'))
    assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 3)
    assert.match(html, /<td class="good">met: ≥ 2× mtcute<\/td>/)
    assert.equal((html.match(/<svg /g) ?? []).length, 1)
  })

  test('headline lists every metric with a target', () => {
    const h = headlineOf(run.scenarios)
    assert.equal(h.length, 1)
    assert.match(h[0]!, /ours 3 000; mtcute 1 000 \(3\.0×\), GramJS 500 \(6\.0×\) → target ≥ 2× mtcute: met/)
  })
})

describe('cpu profile reader', () => {
  const profile: CpuProfile = {
    startTime: 1000,
    endTime: 2000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
      { id: 2, callFrame: { functionName: 'microstep', url: 'file:///x/node_modules/xstate/dist/raise.cjs.js', lineNumber: 9 } },
      { id: 3, callFrame: { functionName: 'flush', url: 'file:///work/main/engine/src/runtime/dc-connection.ts', lineNumber: 0 } },
      { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
      { id: 6, callFrame: { functionName: 'writeBuffer', url: '', lineNumber: -1 } },
    ],
    // sample times: 1010 1020 1030 1040 1050 1060 1070
    samples: [2, 2, 3, 4, 5, 6, 2],
    timeDeltas: [10, 10, 10, 10, 10, 10, 10],
  }

  test('self time per function and area, idle excluded from busy', () => {
    const r = selfTimes(profile)
    assert.equal(r.busyUs, 60)
    assert.equal(r.idleUs, 10)
    assert.deepEqual(
      r.areas.map((a) => [a.name, a.selfMs * 1000]),
      [['xstate', 30], ['engine/runtime', 10], ['GC', 10], ['socket writes (native)', 10]],
    )
    assert.equal(r.functions[0]!.name, 'microstep')
    assert.equal(r.functions[0]!.percent, 50)
    assert.equal(r.functions[0]!.where, 'node_modules/xstate/dist/raise.cjs.js:10')
  })

  test('a window keeps only the samples inside it', () => {
    const r = selfTimes(profile, { startUs: 1025, endUs: 1055 })
    assert.equal(r.busyUs, 20) // flush at 1030, GC at 1050
    assert.equal(r.idleUs, 10)
  })

  test('inclusive time counts a function once per sample wherever it is on the stack', () => {
    // root → run (engine) → flush (engine) → writeBuffer; root → run → microstep (xstate); root → idle
    const p = {
      startTime: 0,
      endTime: 100,
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 5] },
        { id: 2, callFrame: { functionName: 'run', url: 'file:///w/engine/src/runtime/runtime.ts', lineNumber: 0 }, children: [3, 6] },
        { id: 3, callFrame: { functionName: 'flush', url: 'file:///w/engine/src/runtime/dc-connection.ts', lineNumber: 0 }, children: [4] },
        { id: 4, callFrame: { functionName: 'writeBuffer', url: '', lineNumber: -1 } },
        { id: 5, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        { id: 6, callFrame: { functionName: 'microstep', url: 'file:///w/node_modules/xstate/x.js', lineNumber: 0 } },
      ],
      samples: [4, 4, 6, 5, 2],
      timeDeltas: [10, 10, 10, 10, 10],
    }
    const inc = inclusiveTimes(p, /\/engine\/src\//)
    assert.deepEqual(
      inc.map((e) => [e.name, e.selfMs * 1000, e.percent]),
      [
        ['run', 40, 100],
        ['flush', 20, 50],
      ],
    )
  })

  test('areas', () => {
    assert.equal(areaOf('x', 'file:///w/node_modules/@mtcute/core/a.js'), '@mtcute/core')
    assert.equal(areaOf('x', 'file:///w/node_modules/tsx/dist/a.cjs'), 'module loading (tsx)')
    assert.equal(areaOf('x', 'file:///w/machines/src/rpc/rpc.machine.ts'), 'machines')
    assert.equal(areaOf('x', 'node:net'), 'node net/streams')
    assert.equal(areaOf('digest', 'node:internal/crypto/hash'), 'node crypto')
  })
})

describe('command line', () => {
  test('flags', () => {
    assert.deepEqual(parseBenchArgs(['--quick', '--accounts', '500']), { quick: true, accounts: 500, peerClients: undefined, noPeers: false, out: undefined })
    assert.equal(parseBenchArgs(['--no-peers']).noPeers, true)
    assert.throws(() => parseBenchArgs(['--accounts', '0']), /positive integer/)
    assert.throws(() => parseBenchArgs(['--nope']))
  })
})
