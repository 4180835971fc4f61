import type { Claims } from '../adapters/types.ts';
import { type Cell, type MatrixRow, OBSERVED, type Observed } from '../harness/matrix.ts';
import { esc } from './escape.ts';

const CLAIMED: [keyof Claims, string][] = [
  ['concurrencyControl', 'Concurrency control'],
  ['dataStorage', 'Data storage'],
  ['replication', 'Replication'],
  ['transactions', 'Tx'],
  ['cap', 'CAP'],
];

export const OBSERVED_LABELS: Record<Observed, string> = {
  lostWrites: 'Acknowledged writes lost',
  noQuorumSide: 'Side without its quorum, in partitions',
  quorumSide: 'Side with its quorum',
  staleReads: 'Stale reads',
  linearizable: 'Linearizable',
  conflicts: 'Concurrent writes',
  transactions: 'Transaction anomalies',
  converged: 'Converged after heal',
  cap: 'Observed CAP',
};

/**
 * The matrix as an HTML table: claimed cells (Cattell's table) beside
 * observed ones; a claimed cell an observation contradicts is marked, and
 * each observed cell unfolds its evidence, linking to the section of the
 * workload it came from.
 */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  if (rows.length === 0) return '';
  const head = `<tr><th rowspan="2">System</th><th colspan="${CLAIMED.length}">Claimed (Cattell)</th><th colspan="${OBSERVED.length}">Observed in this run</th></tr>
<tr>${CLAIMED.map(([, label]) => `<th>${label}</th>`).join('')}${OBSERVED.map((k) => `<th>${OBSERVED_LABELS[k]}</th>`).join('')}</tr>`;
  const body = rows.map((row) => {
    const claimed = CLAIMED.map(([key]) => {
      const against = row.contradictions.filter((c) => c.claim === key);
      if (against.length === 0) return `<td>${esc(String(row.claimed[key]))}</td>`;
      const why = against.map((c) => c.reason).join('; ');
      return `<td class="contradicted" title="${esc(why)}">${esc(String(row.claimed[key]))} <span class="bad">✗</span><div class="sub">${esc(why)}</div></td>`;
    });
    const observed = OBSERVED.map((key) => cell(row, row.observed[key]));
    return `<tr><td><b>${esc(row.system)}</b><div class="sub">${esc(row.configuration)}</div></td>${claimed.join('')}${observed.join('')}</tr>`;
  });
  return `<div class="wide"><table class="matrix"><thead>${head}</thead><tbody>${body.join('')}</tbody></table></div>`;
}

function cell(row: MatrixRow, c: Cell): string {
  const tone = c.tone === 'neutral' ? '' : ` class="${c.tone}"`;
  if (c.evidence.length === 0) return `<td><span${tone}>${esc(c.value)}</span></td>`;
  const items = c.evidence.map((e) => {
    const where = `<a href="#${esc(`${row.system}-${e.workload}`)}">${esc(e.workload)}</a> · ${esc(e.checker)}`;
    const ops = e.ops?.length
      ? ` · ops ${e.ops.map((i) => `#${i}`).join(', ')} in <code>${esc(e.history)}</code>`
      : '';
    return `<li>${where}: ${esc(e.detail)}${ops}</li>`;
  });
  return `<td><details><summary><span${tone}>${esc(c.value)}</span></summary><ul>${items.join('')}</ul></details></td>`;
}
