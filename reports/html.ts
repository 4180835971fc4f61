import type { CheckResult } from '../harness/checkers/types.ts';
import type { RunResults } from '../harness/results.ts';
import type { SystemResult } from '../harness/run.ts';
import { esc } from './escape.ts';
import { renderMatrix } from './matrix.ts';

/**
 * The run's report: one self-contained HTML file (inline CSS and SVG, no
 * script, no network), so it opens from disk and can be mailed or archived.
 */
export function renderReport(run: RunResults): string {
  const title = `faultline ${run.config.workload} — ${run.id}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
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
${run.matrix?.length ? `<h2>Matrix</h2>\n<p class="meta">How each system behaved under this run's faults, beside what Cattell's table claims. Click a cell for its evidence; rules in the README.</p>\n${renderMatrix(run.matrix)}` : ''}
<h2>Summary</h2>
${summaryTable(run.systems)}
${run.systems.map(systemSection).join('\n')}
</main>
<footer>Histories: ${run.systems
    .filter((s) => s.history)
    .map((s) => `<code>${esc(s.history)}</code>`)
    .join(', ')} · machine-readable results: <code>results.json</code></footer>
</body></html>
`;
}

function summaryTable(systems: SystemResult[]): string {
  const rows = systems.map((s) => {
    if (s.status === 'not-applicable') {
      return `<tr><td>${esc(s.system)}<div class="sub">${esc(s.engine)}</div></td><td>${esc(s.workload)}</td>
<td>${esc(s.configuration)}</td><td colspan="7" class="sub">not applicable: ${esc(s.error ?? '')}</td></tr>`;
    }
    const m = s.metrics;
    const lost = s.checkers['lost-writes'];
    const conv = s.checkers.convergence;
    return `<tr>
<td><a href="#${anchor(s)}">${esc(s.system)}</a><div class="sub">${esc(s.engine)}</div></td>
<td>${esc(s.workload)}</td>
<td>${esc(s.configuration)}</td>
<td class="num">${m ? fmt(m.throughput) : '–'}</td>
<td class="num">${m ? `${fmt(m.ok)} / ${fmt(m.fail)} / ${fmt(m.info)}` : '–'}</td>
<td class="num">${latencyCell(s, 'read')}</td>
<td class="num">${latencyCell(s, writeF(s))}</td>
<td>${lost ? verdict(lost.valid, lost.valid === false ? `${lost.lost} lost` : undefined) : '–'}</td>
<td>${conv ? verdict(conv.valid, conv.valid === false ? `${conv.diverged} keys diverged` : undefined) : '–'}</td>
<td>${s.status === 'error' ? `<span class="bad">error</span>` : verdict(s.valid)}</td>
</tr>`;
  });
  return `<table class="summary"><thead><tr><th>System</th><th>Workload</th><th>Configuration</th><th>ops/s</th>
<th>ok / fail / info</th><th>read p50 / p99 ms</th><th>write p50 / p99 ms</th><th>Lost writes</th>
<th>Converged</th><th>Verdict</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
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

/** A section's id: a system runs once per workload. */
function anchor(s: SystemResult): string {
  return esc(`${s.system}-${s.workload}`);
}

function systemSection(s: SystemResult): string {
  if (s.status === 'not-applicable') return '';
  const claims = s.claims;
  return `<section id="${anchor(s)}">
<h2>${esc(s.system)} · ${esc(s.workload)} <span class="sub">${esc(s.engine)} · ${s.nodes} nodes · ${esc(s.configuration)}</span></h2>
${s.error ? `<p class="banner">Error: ${esc(s.error)}</p>` : ''}
${s.image ? `<p class="meta">image <code>${esc(s.image.ref)}</code> · <code>${esc(s.image.digest)}</code></p>` : ''}
<p class="claims">Claimed (Cattell's table): concurrency control <b>${esc(claims.concurrencyControl)}</b>,
storage <b>${esc(claims.dataStorage)}</b>, replication <b>${esc(claims.replication)}</b>,
transactions <b>${esc(claims.transactions)}</b>, CAP <b>${esc(claims.cap)}</b>.</p>
<p class="meta">provision ${s.timings.provisionS} s · load ${s.timings.loadS} s (${fmt(s.load.ok)} ok, ${fmt(s.load.fail + s.load.info)} errors)
· run ${s.timings.runS} s · final reads ${s.timings.finalS} s (${fmt(s.final.keys)} keys, ${fmt(s.final.clusterReads)} cluster + ${fmt(s.final.replicaReads)} replica reads, ${fmt(s.final.failedReads)} failed)</p>
<h3>Throughput and faults</h3>
${timelineChart(s)}
${faultList(s)}
<h3>Latency (ok operations, ms)</h3>
${latencyTable(s)}
<h3>Checks</h3>
${Object.entries(s.checkers)
  .map(([name, r]) => checkerBlock(name, r))
  .join('\n')}
</section>`;
}

function timelineChart(s: SystemResult): string {
  const timeline = s.metrics?.timeline ?? [];
  if (timeline.length === 0) return '<p class="meta">No run-phase operations.</p>';
  const W = 900;
  const H = 220;
  const pad = { l: 60, r: 10, t: 10, b: 30 };
  const seconds = Math.max(
    timeline.length,
    Math.ceil(Math.max(0, ...s.faults.map((f) => f.end ?? 0))),
  );
  const maxY = Math.max(1, ...timeline.map((p) => p.ok + p.fail + p.info));
  const x = (t: number) => pad.l + (t / seconds) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const faults = s.faults
    .map((f) => {
      const x0 = x(Math.max(0, f.start));
      const x1 = x(f.end ?? seconds);
      return `<rect class="fault fault-${esc(f.fault)}" x="${x0.toFixed(1)}" y="${pad.t}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${H - pad.t - pad.b}"><title>${esc(f.fault)} ${esc(f.nodes.join(','))}: ${f.start}–${f.end ?? 'end'} s</title></rect>
<text class="flabel" x="${(x0 + 3).toFixed(1)}" y="${pad.t + 12}">${esc(f.fault)} ${esc(f.nodes.join(','))}</text>`;
    })
    .join('');
  const okLine = timeline.map((p) => `${x(p.t + 0.5).toFixed(1)},${y(p.ok).toFixed(1)}`).join(' ');
  const errBars = timeline
    .filter((p) => p.fail + p.info > 0)
    .map((p) => {
      const w = Math.max(1, x(1) - x(0) - 1);
      return `<rect class="err" x="${x(p.t).toFixed(1)}" y="${y(p.fail + p.info).toFixed(1)}" width="${w.toFixed(1)}" height="${(H - pad.b - y(p.fail + p.info)).toFixed(1)}"><title>${p.t} s: ${p.fail} fail, ${p.info} info</title></rect>`;
    })
    .join('');
  const ticks = Array.from({ length: 5 }, (_, i) => (maxY * i) / 4)
    .map(
      (v) =>
        `<text class="axis" x="${pad.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(Math.round(v))}</text>`,
    )
    .join('');
  const step = Math.max(1, Math.ceil(seconds / 10));
  const xticks = Array.from({ length: Math.floor(seconds / step) + 1 }, (_, i) => i * step)
    .map(
      (t) =>
        `<text class="axis" x="${x(t).toFixed(1)}" y="${H - 10}" text-anchor="middle">${t}s</text>`,
    )
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="operations per second over time">
${faults}${errBars}<polyline class="ok" points="${okLine}"/>
<line class="axisline" x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}"/>${ticks}${xticks}
</svg>
<p class="legend"><span class="k ok"></span> ok ops/s <span class="k err"></span> failed or unknown ops/s <span class="k fault"></span> fault in effect</p>`;
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
function checkerBlock(name: string, r: CheckResult & { examples?: unknown }): string {
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
  return `<div class="check"><h4>${esc(name)} ${verdict(valid)}</h4><p>${facts}</p>${evidence}</div>`;
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
header,main,footer{max-width:1100px;margin:0 auto;padding:0 20px}
header{padding-top:18px}h1{margin:0 0 4px;font-size:22px}h2{margin-top:28px;border-bottom:1px solid #dde1e7;padding-bottom:4px}
.meta,.sub{color:#5b6474;font-size:13px}.sub{font-weight:normal}
table{border-collapse:collapse;margin:8px 0 16px;background:#fff}th,td{border:1px solid #dde1e7;padding:4px 8px;text-align:left}
th{background:#f0f2f5;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.good{color:#17793a;font-weight:600}.bad{color:#b42318;font-weight:600}.unknown{color:#8a6d00;font-weight:600}
.banner{background:#fff4e5;border:1px solid #f5c27a;padding:8px 12px}
.chart{width:100%;max-width:900px;background:#fff;border:1px solid #dde1e7}
.chart .ok{fill:none;stroke:#2563eb;stroke-width:1.5}.chart .err{fill:#dc2626;opacity:.7}
.chart .fault{fill:#f59e0b;opacity:.18}.chart .flabel{font-size:11px;fill:#92400e}
.chart .axis{font-size:11px;fill:#5b6474}.chart .axisline{stroke:#9aa3b2}
.legend .k{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-2px}
.legend .ok{background:#2563eb}.legend .err{background:#dc2626}.legend .fault{background:#f59e0b;opacity:.4}
.check{background:#fff;border:1px solid #dde1e7;padding:6px 12px;margin:8px 0}.check h4{margin:4px 0}
.matrix td{vertical-align:top;font-size:13px;max-width:190px}.matrix summary{cursor:pointer}.matrix ul{margin:4px 0;padding-left:16px;font-size:12px}
.contradicted{background:#fdecea}.wide{overflow-x:auto}
pre{overflow:auto;font-size:12px;background:#f6f8fa;padding:8px}footer{padding:24px 20px;color:#5b6474;font-size:12px}
`;
