import type { MatrixRow, Tone } from '../harness/matrix.ts';
import { OBSERVED } from '../harness/matrix.ts';
import type { RunResults } from '../harness/results.ts';
import { OBSERVED_LABELS } from './matrix.ts';

const MARK: Record<Tone, string> = { good: '✓', bad: '✗', neutral: '', unknown: '?' };

/**
 * The matrix of one or more runs as Markdown (a CI job summary, an issue):
 * a row per system and configuration with the workload and faults it ran
 * under, each observed cell its verdict mark and words, claims an
 * observation contradicts listed under the table.
 */
export function matrixMarkdown(runs: readonly RunResults[]): string {
  const head = ['System', 'Configuration', 'Run', ...OBSERVED.map((k) => OBSERVED_LABELS[k])];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const contradictions: string[] = [];
  for (const run of runs) {
    const under = `${run.config.workload} · ${run.config.nemesis.join(',') || 'no faults'} · ${run.config.provider}`;
    for (const row of run.matrix) {
      const cells = OBSERVED.map((k) => text(row, k));
      lines.push(
        `| ${[row.system, row.configuration, under, ...cells].map(markdownCell).join(' | ')} |`,
      );
      for (const c of row.contradictions)
        contradictions.push(
          `- **${row.system}** (${row.configuration}): claimed ${c.claim} ${row.claimed[c.claim]}: ${c.reason}`,
        );
    }
  }
  const parts = [lines.join('\n')];
  if (contradictions.length > 0) parts.push(`Claims contradicted:\n\n${contradictions.join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

function text(row: MatrixRow, key: (typeof OBSERVED)[number]): string {
  const cell = row.observed[key];
  return `${MARK[cell.tone]} ${cell.value}`.trim();
}

function markdownCell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
