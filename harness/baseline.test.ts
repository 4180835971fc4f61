import { describe, expect, it } from 'vitest';
import { baselineOf, changesFrom, parseBaseline } from './baseline.ts';
import { type Cell, type MatrixRow, OBSERVED, type Tone } from './matrix.ts';
import type { RunResults } from './results.ts';

const cell = (tone: Tone, value = tone): Cell => ({ value, tone, evidence: [] });

function row(system: string, tones: Partial<Record<(typeof OBSERVED)[number], Tone>>): MatrixRow {
  return {
    system,
    engine: system,
    configuration: 'default',
    claimed: {
      concurrencyControl: '',
      dataStorage: '',
      replication: '',
      transactions: 'N',
      cap: 'CP',
    },
    observed: Object.fromEntries(
      OBSERVED.map((k) => [k, cell(tones[k] ?? 'unknown')]),
    ) as MatrixRow['observed'],
    contradictions: [],
  };
}

function run(rows: MatrixRow[], nemesis = ['partition-primary']): RunResults {
  return {
    config: { workload: 'write-heavy', nemesis, provider: 'docker' },
    matrix: rows,
  } as unknown as RunResults;
}

describe('the chaos baseline', () => {
  const before = run([row('example', { lostWrites: 'bad', converged: 'good' })]);

  it('keeps each row as it ran (system, configuration, workload, faults) with every cell verdict', () => {
    const baseline = baselineOf([before]);
    expect(Object.keys(baseline.verdicts)).toEqual([
      'example · default · write-heavy · partition-primary',
    ]);
    expect(baseline.verdicts['example · default · write-heavy · partition-primary']).toMatchObject({
      lostWrites: 'bad',
      converged: 'good',
      cap: 'unknown',
    });
    expect(parseBaseline(JSON.stringify(baseline))).toEqual(baseline);
  });

  it('reports a verdict that changed, and nothing when the same verdicts come again', () => {
    const baseline = baselineOf([before]);
    expect(changesFrom(baseline, [before])).toEqual({ changes: [], unknown: [] });
    const after = run([row('example', { lostWrites: 'good', converged: 'good' })]);
    expect(changesFrom(baseline, [after]).changes).toEqual([
      {
        key: 'example · default · write-heavy · partition-primary',
        cell: 'lostWrites',
        was: 'bad',
        now: 'good',
        value: 'good',
      },
    ]);
  });

  it('counts a row under other faults as new, not changed; --write merges it in', () => {
    const baseline = baselineOf([before]);
    const other = run([row('example', { lostWrites: 'good' })], ['kill']);
    expect(changesFrom(baseline, [other])).toEqual({
      changes: [],
      unknown: ['example · default · write-heavy · kill'],
    });
    expect(Object.keys(baselineOf([other], baseline).verdicts)).toHaveLength(2);
  });

  it('refuses a file that is not a baseline, in one line', () => {
    expect(() => parseBaseline('{"rows": []}')).toThrow(/^not a faultline baseline/);
    expect(() => parseBaseline('nope')).toThrow(/^not JSON/);
  });
});
