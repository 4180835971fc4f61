import type { Claims } from '../adapters/types.ts';
import {
  type Cell,
  type MatrixRow,
  OBSERVED,
  type Observed,
  type Tone,
} from '../harness/matrix.ts';
import { esc } from './escape.ts';

const CLAIMED: [keyof Claims, string, string][] = [
  ['concurrencyControl', 'Conc.', 'Concurrency control'],
  ['dataStorage', 'Storage', 'Data storage'],
  ['replication', 'Repl.', 'Replication'],
  ['transactions', 'Tx', 'Transactions'],
  ['cap', 'CAP', 'CAP'],
  ['nodeAddition', 'Node add.', 'Node addition'],
];

/** Each observed column's name in full (Markdown, tooltips) and as the narrow table heads it. */
export const OBSERVED_LABELS: Record<Observed, string> = {
  lostWrites: 'Acknowledged writes lost',
  noQuorumSide: 'Side without its quorum, in partitions',
  quorumSide: 'Side with its quorum',
  staleReads: 'Stale reads',
  linearizable: 'Linearizable',
  conflicts: 'Concurrent writes',
  transactions: 'Transaction anomalies',
  converged: 'Converged after heal',
  membership: 'Membership change under load',
  cap: 'Observed CAP',
};

const SHORT_LABELS: Record<Observed, string> = {
  lostWrites: 'Lost writes',
  noQuorumSide: 'No-quorum side',
  quorumSide: 'Quorum side',
  staleReads: 'Stale reads',
  linearizable: 'Linearizable',
  conflicts: 'Concurrent writes',
  transactions: 'Transactions',
  converged: 'Converged',
  membership: 'Membership',
  cap: 'Observed CAP',
};

const SYMBOLS: Record<Tone, string> = { good: '✓', bad: '✗', unknown: '?', neutral: '•' };

/**
 * A cell in a symbol and a few words, for a matrix that fits a 1400 px
 * screen: the sentence is the cell's value, shown with its evidence on
 * click. A cell the run could not observe shows the flag that fills it.
 */
export function shortOf(c: Pick<Cell, 'value' | 'tone'>): { symbol: string; words: string } {
  const fill = /^– \(.*: run `([^`]+)`\)$/.exec(c.value);
  if (fill) return { symbol: '–', words: fill[1]! };
  if (c.value.startsWith('– ')) return { symbol: '–', words: 'not observed' };
  const share = /^([a-z][a-z ]*) \((\d+(?:\.\d+)?%) of /.exec(c.value);
  const words = share ? `${share[1]} ${share[2]}` : c.value.split(/ \(|: |; |, /)[0]!;
  return { symbol: SYMBOLS[c.tone], words };
}

/**
 * The matrix as an HTML table: claimed cells (Cattell's table) beside
 * observed ones; a claimed cell an observation contradicts is marked, and
 * every cell unfolds its sentence and evidence, linking to the section of
 * the workload it came from.
 */
export function renderMatrix(
  rows: readonly MatrixRow[],
  sectionOf: (row: MatrixRow, workload: string) => string,
): string {
  if (rows.length === 0) return '';
  const head = `<colgroup><col class="sys">${CLAIMED.map(() => '<col class="claim">').join('')}${OBSERVED.map(() => '<col>').join('')}</colgroup>
<thead><tr><th rowspan="2">System</th><th colspan="${CLAIMED.length}">Claimed (Cattell)</th><th colspan="${OBSERVED.length}">Observed in this run</th></tr>
<tr>${CLAIMED.map(([, label, full]) => `<th title="${esc(full)}">${label}</th>`).join('')}${OBSERVED.map((k) => `<th title="${esc(OBSERVED_LABELS[k])}">${SHORT_LABELS[k]}</th>`).join('')}</tr></thead>`;
  const body = rows.map((row) => {
    const claimed = CLAIMED.map(([key]) => {
      const value = esc(row.claimed[key] ?? '–');
      const against = row.contradictions.filter((c) => c.claim === key);
      if (against.length === 0) return `<td>${value}</td>`;
      return `<td class="contradicted"><details><summary>${value} <span class="bad">✗</span></summary><div class="pop">${against.map((c) => `<p>${esc(c.reason)}</p>`).join('')}</div></details></td>`;
    });
    const observed = OBSERVED.map((key) => cell(row, row.observed[key], sectionOf));
    return `<tr data-system="${esc(row.system)}"><td><b>${esc(row.system)}</b><div class="sub">${esc(row.configuration)}</div></td>${claimed.join('')}${observed.join('')}</tr>`;
  });
  return `<table class="matrix">${head}<tbody>${body.join('')}</tbody></table>`;
}

function cell(
  row: MatrixRow,
  c: Cell,
  sectionOf: (row: MatrixRow, workload: string) => string,
): string {
  const { symbol, words } = shortOf(c);
  const summary = `<span class="${c.tone}">${symbol}</span> ${esc(words)}`;
  const items = c.evidence.map((e) => {
    const where = `<a href="#${esc(sectionOf(row, e.workload))}">${esc(e.workload)}</a> · ${esc(e.checker)}`;
    const ops = e.ops?.length
      ? ` · ops ${e.ops.map((i) => `#${i}`).join(', ')} in <code>${esc(e.history)}</code>`
      : '';
    return `<li>${where}: ${esc(e.detail)}${ops}</li>`;
  });
  const list = items.length ? `<ul>${items.join('')}</ul>` : '';
  return `<td class="cell-${c.tone}"><details><summary>${summary}</summary><div class="pop"><p>${esc(c.value)}</p>${list}</div></details></td>`;
}
