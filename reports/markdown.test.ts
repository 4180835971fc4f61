import { describe, expect, it } from 'vitest';
import { type Cell, type MatrixRow, OBSERVED, type Observed } from '../harness/matrix.ts';
import type { RunResults } from '../harness/results.ts';
import { matrixMarkdown } from './markdown.ts';

describe('the matrix as Markdown', () => {
  it('gives a row per system with the conditions it ran under, verdict marks, and the contradicted claims below', () => {
    const unknown: Cell = { value: 'n/a', tone: 'unknown', evidence: [] };
    const observed = Object.fromEntries(OBSERVED.map((k) => [k, unknown])) as Record<
      Observed,
      Cell
    >;
    observed.lostWrites = { value: '3 of 10 lost | async', tone: 'bad', evidence: [] };
    const row: MatrixRow = {
      system: 'example',
      engine: 'example 1',
      configuration: 'w=1',
      claimed: {
        concurrencyControl: 'L',
        dataStorage: 'RAM',
        replication: 'Async',
        transactions: 'N',
        cap: 'CP',
      },
      observed,
      contradictions: [{ claim: 'cap', reason: 'acknowledged writes lost' }],
    };
    const text = matrixMarkdown([
      {
        config: { workload: 'write-heavy', nemesis: ['kill'], provider: 'docker' },
        matrix: [row],
      } as unknown as RunResults,
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\| System \| Configuration \| Run \| Acknowledged writes lost \|/);
    expect(lines[2]).toContain(
      '| example | w=1 | write-heavy · kill · docker | ✗ 3 of 10 lost \\| async | ? n/a |',
    );
    expect(text).toContain('- **example** (w=1): claimed cap CP: acknowledged writes lost');
  });
});
