import type { ListAppendResult } from '../harness/checkers/elle/list-append.ts';
import type { LinearizableResult } from '../harness/checkers/linearizable/index.ts';
import type { LostWritesResult } from '../harness/checkers/lost-writes.ts';
import type { CheckResult } from '../harness/checkers/types.ts';
import type { MatrixRow } from '../harness/matrix.ts';
import type { RunResults } from '../harness/results.ts';
import type { SystemResult } from '../harness/run.ts';
import { reportAssets, scriptText } from './assets.ts';
import { type ReportData, reportData, type SystemCharts, sectionId } from './chart-data.ts';
import {
  type CycleExample,
  cycleSvg,
  type LinearizabilityExample,
  type LostWriteExample,
  linearizabilitySvg,
  lostWriteSvg,
} from './counterexamples.ts';
import { esc } from './escape.ts';
import { renderMatrix } from './matrix.ts';

/**
 * The run's report: one self-contained HTML file (inline CSS, uPlot and the
 * charts' data; no network), so it opens from disk and can be mailed or
 * archived. `runDir` is where the histories are: the latency charts are
 * drawn from them (without it, from results.json alone).
 */
export function renderReport(run: RunResults, runDir?: string): string {
  const title = `faultline ${run.config.workload} — ${run.id}`;
  const data = reportData(run, runDir);
  const assets = reportAssets();
  const sectionOf = (row: MatrixRow, workload: string) =>
    sectionId({ system: row.system, workload, configuration: row.configuration });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${assets.uplotCss}</style>
<style>${CSS}</style></head>
<body>
<header>
<h1>faultline report</h1>
<p class="meta">run <b>${esc(run.id)}</b> · workload <b>${esc(run.config.workload)}</b> ·
${run.config.concurrency} workers · ${run.config.duration} s · faults: ${esc(run.config.nemesis.join(', ') || 'none')} ·
seed ${run.config.seed} · ${esc(run.startedAt)}</p>
${run.status === 'incomplete' ? `<p class="banner">Incomplete run${run.interrupted ? ` (interrupted by ${esc(run.interrupted)})` : ''}: results cover what was recorded before it stopped.</p>` : ''}
</header>
<main>
${run.matrix?.length ? `<h2 id="matrix">Matrix</h2>\n<p class="meta">How each system behaved under this run's faults, beside what Cattell's table claims. ✓ as claimed or safe, ✗ an anomaly or a contradicted claim, • a measurement, ? unknown, – not observed by this run (the flag that fills it). Click a cell for its sentence and evidence; rules in the README.</p>\n${renderMatrix(run.matrix, sectionOf)}` : ''}
${sideBySide(data)}
<h2>Summary</h2>
${summaryTable(run.systems)}
${run.systems.map((s) => systemSection(s, data)).join('\n')}
</main>
<footer>Histories: ${run.systems
    .filter((s) => s.history)
    .map((s) => `<code>${esc(s.history)}</code>`)
    .join(', ')} · machine-readable results: <code>results.json</code></footer>
<script type="application/json" id="faultline-data">${jsonText(data)}</script>
<script>${scriptText(assets.uplotJs)}</script>
<script>${scriptText(assets.chartsJs)}</script>
</body></html>
`;
}

/** JSON inside a script element: "<" escaped, so no text of the data can end it. */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function chartBox(kind: string, caption: string, attributes = ''): string {
  return `<figure class="chart"><div data-chart="${kind}"${attributes}></div><figcaption>${esc(caption)}</figcaption></figure>`;
}

/** The systems side by side, and each swept system's configurations as one picture. */
function sideBySide(data: ReportData): string {
  if (data.sideBySide.length === 0) return '';
  const charts = [
    chartBox('side-throughput', 'Throughput: ok operations per second over the run phase.'),
    chartBox('side-p99', 'p99 latency of the slowest op type, ok operations.'),
    chartBox('side-lost', 'Acknowledged writes lost (lost-writes and set checkers).'),
    chartBox(
      'side-availability',
      'Share of operations ok during partitions, on sides without and with their quorum.',
    ),
  ];
  const sweeps = data.sweeps.map((sweep, i) =>
    chartBox(
      'sweep',
      `${sweep.system}: each configuration by p99 latency (across) and anomalies (up), with its availability without a quorum.`,
      ` data-index="${i}"`,
    ),
  );
  return `<h2 id="side-by-side">Systems side by side</h2><div class="grid">${charts.join('')}</div>${sweeps.length ? `<h3>Configurations</h3><div class="grid">${sweeps.join('')}</div>` : ''}`;
}

function summaryTable(systems: SystemResult[]): string {
  const rows = systems.map((s) => {
    if (s.status === 'not-applicable') {
      return `<tr><td>${esc(s.system)}<div class="sub">${esc(s.engine)}</div></td><td>${esc(s.workload)}</td>
<td>${esc(s.configuration)}</td><td colspan="8" class="sub">not applicable: ${esc(s.error ?? '')}</td></tr>`;
    }
    const m = s.metrics;
    const lost = s.checkers['lost-writes'];
    const conv = s.checkers.convergence;
    return `<tr>
<td><a href="#${esc(sectionId(s))}">${esc(s.system)}</a><div class="sub">${esc(s.engine)}</div></td>
<td>${esc(s.workload)}</td>
<td>${esc(s.configuration)}</td>
<td class="num">${m ? fmt(m.throughput) : '–'}</td>
<td class="num">${m ? `${fmt(m.ok)} / ${fmt(m.fail)} / ${fmt(m.info)}` : '–'}</td>
<td class="num">${latencyCell(s, 'read')}</td>
<td class="num">${latencyCell(s, writeF(s))}</td>
<td>${lost ? verdict(lost.valid, lost.valid === false ? `${lost.lost} lost` : undefined) : '–'}</td>
<td>${conv ? verdict(conv.valid, conv.valid === false ? `${conv.diverged} keys diverged` : undefined) : '–'}</td>
<td>${s.status === 'error' ? `<span class="bad">error</span>` : verdict(s.valid)}</td>
<td class="sub">${resourcesCell(s)}</td>
</tr>`;
  });
  return `<table class="summary"><thead><tr><th>System</th><th>Workload</th><th>Configuration</th><th>ops/s</th>
<th>ok / fail / info</th><th>read p50 / p99 ms</th><th>write p50 / p99 ms</th><th>Lost writes</th>
<th>Converged</th><th>Verdict</th><th>Resources (all nodes)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The cost side of a system's guarantees: what its nodes used over the whole run. */
function resourcesCell(s: SystemResult): string {
  const t = s.resources?.totals;
  if (!t) return '–';
  return `${fmt(Math.round(t.cpuSeconds))} CPU s · ${fmt(Math.round(t.peakMemoryMB))} MB peak · ${fmt(Math.round(t.diskWriteMB))} MB written · ${fmt(Math.round(t.netRxMB + t.netTxMB))} MB network`;
}

function writeF(s: SystemResult): string {
  const fs = Object.keys(s.metrics?.byF ?? {});
  return (
    ['update', 'insert', 'rmw', 'write', 'add', 'cas', 'transfer', 'txn'].find((f) =>
      fs.includes(f),
    ) ?? 'update'
  );
}

function latencyCell(s: SystemResult, f: string): string {
  const l = s.metrics?.byF[f]?.all.latencyMs;
  return l ? `${l.p50} / ${l.p99}` : '–';
}

function systemSection(s: SystemResult, data: ReportData): string {
  if (s.status === 'not-applicable') return '';
  const claims = s.claims;
  const id = sectionId(s);
  const charts = data.systems.find((c) => c.id === id);
  return `<section id="${esc(id)}">
<h2>${esc(s.system)} · ${esc(s.workload)} <span class="sub">${esc(s.engine)} · ${s.nodes} nodes · ${esc(s.configuration)}</span></h2>
${s.error ? `<p class="banner">Error: ${esc(s.error)}</p>` : ''}
${s.image ? `<p class="meta">image <code>${esc(s.image.ref)}</code> · <code>${esc(s.image.digest)}</code></p>` : ''}
<p class="claims">Claimed (Cattell's table): concurrency control <b>${esc(claims.concurrencyControl)}</b>,
storage <b>${esc(claims.dataStorage)}</b>, replication <b>${esc(claims.replication)}</b>,
transactions <b>${esc(claims.transactions)}</b>, CAP <b>${esc(claims.cap)}</b>${claims.nodeAddition ? `, node addition <b>${esc(claims.nodeAddition)}</b> (the design notes)` : ''}.</p>
<p class="meta">provision ${s.timings.provisionS} s · load ${s.timings.loadS} s (${fmt(s.load.ok)} ok, ${fmt(s.load.fail + s.load.info)} errors)
· run ${s.timings.runS} s · final reads ${s.timings.finalS} s (${fmt(s.final.keys)} keys, ${fmt(s.final.clusterReads)} cluster + ${fmt(s.final.replicaReads)} replica reads, ${fmt(s.final.failedReads)} failed)</p>
${charts ? systemCharts(charts) : ''}
${faultList(s)}
<h3>Latency (ok operations, ms)</h3>
${latencyTable(s)}
<h3>Checks</h3>
${Object.entries(s.checkers)
  .map(([name, r]) => checkerBlock(name, r, s))
  .join('\n')}
</section>`;
}

function systemCharts(c: SystemCharts): string {
  const on = ` data-system="${esc(c.id)}"`;
  const boxes: string[] = [];
  if (c.series) {
    boxes.push(
      chartBox(
        'scatter',
        'Every operation: latency against the time it was invoked, by op type, ok / fail / info; fault windows shaded. Downsampled series say how many of their ops they show (the slowest of each stretch kept).',
        on,
      ),
      chartBox('quantiles', 'Latency quantiles of ok operations, per second.', on),
    );
  }
  if (c.series || c.timeline.t.length)
    boxes.push(chartBox('throughput', 'Operations per second, by op type and outcome.', on));
  if (c.availability.length)
    boxes.push(
      chartBox(
        'availability',
        'Per partition: share of ops ok on the sides without and with their quorum (after the detection time).',
        on,
      ),
    );
  if (c.tVisibility)
    boxes.push(
      chartBox(
        'tvisibility',
        "PBS t-visibility: the probability that a read begun t ms after a write's acknowledgement sees it (healthy periods).",
        on,
      ),
    );
  if (c.resources?.nodes.some((n) => n.t.length > 1)) {
    const network =
      c.resources.network === 'loopback-tcp'
        ? "bytes of the node's TCP connections on the shared loopback"
        : "bytes through the node's own network interface";
    boxes.push(
      chartBox(
        'resources',
        'CPU cores busy, per node, sampled each second.',
        `${on} data-metric="cpu"`,
      ),
      chartBox('resources', 'Resident memory per node (MB).', `${on} data-metric="memory"`),
      chartBox('resources', 'Disk read and written per node (KB/s).', `${on} data-metric="disk"`),
      chartBox(
        'resources',
        `Network received and sent per node (KB/s): ${network}.`,
        `${on} data-metric="network"`,
      ),
    );
  }
  for (const metric of c.internals?.metrics ?? []) {
    boxes.push(
      chartBox(
        'internals',
        `${metric.label}, per node.`,
        `${on} data-metric="${esc(metric.name)}"`,
      ),
    );
  }
  if (boxes.length === 0) return '<p class="meta">No run-phase operations.</p>';
  return `<h3>Charts</h3><div class="charts">${boxes.join('')}</div>`;
}

function faultList(s: SystemResult): string {
  if (s.faults.length === 0) return '<p class="meta">No faults injected.</p>';
  return `<table><thead><tr><th>Fault</th><th>Nodes</th><th>From (s)</th><th>To (s)</th></tr></thead><tbody>${s.faults
    .map(
      (f) =>
        `<tr><td>${esc(f.fault)}</td><td>${esc(f.nodes.join(', '))}</td><td class="num">${f.start}</td><td class="num">${f.end ?? '–'}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function latencyTable(s: SystemResult): string {
  const byF = s.metrics?.byF ?? {};
  const rows = Object.entries(byF).flatMap(([f, phases]) =>
    (['all', 'healthy', 'fault'] as const)
      .filter((p) => phases[p])
      .map((p) => {
        const o = phases[p]!;
        const l = o.latencyMs;
        const cells = l
          ? [l.p50, l.p95, l.p99, l.p999, l.max].map((v) => `<td class="num">${v}</td>`).join('')
          : '<td colspan="5">–</td>';
        return `<tr><td>${esc(f)}</td><td>${p}</td><td class="num">${fmt(o.ok)}</td><td class="num">${fmt(o.fail)}</td><td class="num">${fmt(o.info)}</td>${cells}</tr>`;
      }),
  );
  return `<table><thead><tr><th>op</th><th>phase</th><th>ok</th><th>fail</th><th>info</th><th>p50</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// Any checker's result: its counts, then its examples, as the result holds them.
function checkerBlock(
  name: string,
  r: CheckResult & { examples?: unknown },
  s: SystemResult,
): string {
  const { valid, examples, ...counts } = r;
  const facts = Object.entries(counts)
    .map(
      ([k, v]) => `${esc(k)}: <b>${esc(typeof v === 'object' ? JSON.stringify(v) : String(v))}</b>`,
    )
    .join(' · ');
  const evidence =
    Array.isArray(examples) && examples.length > 0
      ? `<details><summary>${examples.length} example(s)</summary><pre>${esc(examples.map((e) => JSON.stringify(e)).join('\n'))}</pre></details>`
      : '';
  return `<div class="check"><h4>${esc(name)} ${verdict(valid)}</h4><p>${facts}</p>${drawings(name, r, s)}${evidence}</div>`;
}

/** How many counterexamples of one kind a report draws (results.json has them all). */
const DRAWN = 3;

/** The checker's counterexamples drawn: lanes of a key's ops, an Elle cycle, a lost write on the timeline. */
function drawings(name: string, r: CheckResult, s: SystemResult): string {
  if (r.valid !== false) return '';
  if (name === 'linearizable') {
    const failures = (r as LinearizableResult).failures ?? [];
    return failures
      .slice(0, DRAWN)
      .map((x) => linearizabilitySvg(x.key, x.counterexample as LinearizabilityExample))
      .join('');
  }
  if (name === 'list-append') {
    return Object.entries((r as ListAppendResult).anomalies)
      .flatMap(([type, a]) =>
        (a.examples as Partial<CycleExample>[])
          .filter((e): e is CycleExample => typeof e?.cycle === 'string' && Array.isArray(e.txns))
          .map((e) => cycleSvg(type, e)),
      )
      .slice(0, DRAWN)
      .join('');
  }
  if (name === 'lost-writes' && s.runPhase) {
    return (r as LostWritesResult).examples
      .slice(0, DRAWN)
      .map((e) =>
        lostWriteSvg(
          e as LostWriteExample,
          s.faults,
          s.runPhase!.startNs,
          s.metrics?.durationS ?? (s.runPhase!.endNs - s.runPhase!.startNs) / 1e9,
        ),
      )
      .join('');
  }
  return '';
}

function verdict(valid: unknown, detail?: string): string {
  if (valid === true) return `<span class="good">valid</span>`;
  if (valid === false) return `<span class="bad">${esc(detail ?? 'anomalies found')}</span>`;
  return `<span class="unknown">unknown</span>`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
header,main,footer{max-width:1400px;margin:0 auto;padding:0 16px;box-sizing:border-box}
header{padding-top:18px}h1{margin:0 0 4px;font-size:22px}h2{margin-top:28px;border-bottom:1px solid #dde1e7;padding-bottom:4px}
.meta,.sub{color:#5b6474;font-size:13px}.sub{font-weight:normal}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff}th,td{border:1px solid #dde1e7;padding:4px 8px;text-align:left}
th{background:#f0f2f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#17793a;font-weight:600}.bad{color:#b42318;font-weight:600}.unknown{color:#8a6d00;font-weight:600}.neutral{color:#334155}
.banner{background:#fff4e5;border:1px solid #f5c27a;padding:8px 12px}
.matrix{width:100%;table-layout:fixed;font-size:12px}.matrix th{font-size:12px;padding:3px 4px}
.matrix td{vertical-align:top;padding:3px 4px;position:relative;overflow-wrap:anywhere}.matrix col.sys{width:112px}.matrix col.claim{width:58px}
.matrix summary{cursor:pointer;list-style:none}.matrix summary::-webkit-details-marker{display:none}
.matrix .pop{position:absolute;z-index:5;top:100%;left:0;width:360px;background:#fff;border:1px solid #9aa3b2;box-shadow:0 4px 14px rgba(0,0,0,.15);padding:6px 10px;font-size:12px}
.matrix .pop p{margin:2px 0 4px}.matrix ul{margin:4px 0;padding-left:16px}
.contradicted{background:#fdecea}.cell-bad{background:#fff5f4}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}.charts{display:grid;gap:10px}
figure.chart{margin:0;background:#fff;border:1px solid #dde1e7;padding:6px}figure.chart figcaption{color:#5b6474;font-size:12px;margin-top:4px}
figure.chart [data-chart]{min-height:200px}
.counterexample{margin:8px 0;background:#fff;border:1px solid #e5e7eb;padding:4px}.counterexample figcaption{font-size:12px;color:#334155;margin:2px 4px}
.check{background:#fff;border:1px solid #dde1e7;padding:6px 12px;margin:8px 0}.check h4{margin:4px 0}
pre{overflow:auto;font-size:12px;background:#f6f8fa;padding:8px}footer{padding:24px 16px;color:#5b6474;font-size:12px}
`;
