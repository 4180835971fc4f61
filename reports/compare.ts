import { relative } from 'node:path';
import { OBSERVED } from '../harness/matrix.ts';
import type { RunResults } from '../harness/results.ts';
import { compareRuns } from './comparison.ts';
import { esc } from './escape.ts';
import { OBSERVED_LABELS, shortOf } from './matrix.ts';

/**
 * `faultline report --compare`: runs side by side in one self-contained
 * page, the first run the reference. A verdict whose tone differs from the
 * reference's is highlighted, and so are throughput and p99 changes of more
 * than 10%.
 */
export function renderComparison(
  runs: { dir: string; results: RunResults }[],
  /** Where run i's report is (default: its report.html relative to the current folder). */
  reportHref: (i: number) => string = (i) => relative(process.cwd(), `${runs[i]!.dir}/report.html`),
): string {
  const c = compareRuns(runs.map((r) => r.results));
  const runHeads = c.runs
    .map((r, i) => {
      const link = reportHref(i);
      return `<th><a href="${esc(link)}">${esc(r.id)}</a><div class="sub">${esc(r.workload)} · ${esc(r.faults)} · seed ${r.seed}${i === 0 ? ' · reference' : ''}</div></th>`;
    })
    .join('');
  const changedRows = c.verdicts.filter((v) => v.changed.length > 0).length;
  const verdictRows = c.verdicts
    .flatMap((v) =>
      OBSERVED.map((cell, i) => {
        const changed = v.changed.includes(cell);
        const cells = v.cells[cell]
          .map((x) => {
            if (!x) return '<td class="sub">not in this run</td>';
            const { symbol, words } = shortOf(x);
            return `<td title="${esc(x.value)}"><span class="${x.tone}">${symbol}</span> ${esc(words)}</td>`;
          })
          .join('');
        const head =
          i === 0 ? `<th rowspan="${OBSERVED.length}" class="row">${esc(v.key)}</th>` : '';
        return `<tr class="${changed ? 'changed' : ''}">${head}<td>${OBSERVED_LABELS[cell]}${changed ? ' <b class="bad">changed</b>' : ''}</td>${cells}</tr>`;
      }),
    )
    .join('');
  const metricRows = c.metrics
    .map((m) => {
      const cells = m.throughput
        .map((t, i) => {
          const p = m.p99[i] ?? null;
          const tc = i === 0 ? null : (m.throughputChange[i] ?? null);
          const pc = i === 0 ? null : (m.p99Change[i] ?? null);
          if (t === null) return '<td class="sub">not in this run</td>';
          return `<td class="num">${fmt(t)} ops/s${delta(tc, true)}<br>p99 ${p ?? '–'} ms${delta(pc, false)}</td>`;
        })
        .join('');
      return `<tr><th class="row">${esc(m.key)}</th>${cells}</tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>faultline comparison</title>
<style>${CSS}</style></head><body><main>
<h1>faultline: ${c.runs.length} runs compared</h1>
<p class="meta">The first run is the reference. ${changedRows} of ${c.verdicts.length} system rows have a verdict that changed.</p>
<h2>Verdicts</h2>
<table class="compare"><thead><tr><th>System · configuration</th><th>Cell</th>${runHeads}</tr></thead><tbody>${verdictRows}</tbody></table>
<h2>Throughput and p99</h2>
<table class="compare"><thead><tr><th>System · workload · configuration</th>${runHeads}</tr></thead><tbody>${metricRows}</tbody></table>
</main></body></html>
`;
}

/** " (+25%)", marked when the change is over 10% in the bad direction or the good one. */
function delta(change: number | null, higherIsBetter: boolean): string {
  if (change === null) return '';
  const text = `${change > 0 ? '+' : ''}${Math.round(change * 100)}%`;
  if (Math.abs(change) <= 0.1) return ` <span class="sub">(${text})</span>`;
  const better = higherIsBetter ? change > 0 : change < 0;
  return ` <span class="${better ? 'good' : 'bad'}">(${text})</span>`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
main{max-width:1400px;margin:0 auto;padding:16px}
.meta,.sub{color:#5b6474;font-size:12px}.good{color:#17793a;font-weight:600}.bad{color:#b42318;font-weight:600}
.unknown{color:#8a6d00;font-weight:600}.neutral{color:#334155}
table{border-collapse:collapse;background:#fff;margin:8px 0 16px;font-size:12px}th,td{border:1px solid #dde1e7;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f0f2f5}th.row{background:#f7f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.changed td{background:#fff4e5}
`;
