import { describe, expect, it } from 'vitest';
import { checkListAppend } from '../harness/checkers/elle/list-append.ts';
import { checkLinearizable } from '../harness/checkers/linearizable/index.ts';
import { checkLostWrites } from '../harness/checkers/lost-writes.ts';
import { history, op } from '../test/histories.ts';
import {
  type CycleExample,
  cycleSvg,
  type LinearizabilityExample,
  type LostWriteExample,
  linearizabilitySvg,
  lostWriteSvg,
} from './counterexamples.ts';
import { esc } from './escape.ts';

/** The text of every <text> element, in order. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)/g)].map((m) => m[1]!);

describe('counterexamples drawn', () => {
  it("linearizability: a stale read (Knossos's definition) on lanes, the linearization numbered and the stuck op red", () => {
    // p0 writes 1 and is acknowledged; then p1 reads 0, which no order allows.
    const h = history(
      ...op(0, 'write', 'k', 0, 'ok'),
      ...op(0, 'write', 'k', 1, 'ok'),
      ...op(1, 'read', 'k', null, 'ok', 0),
    );
    const result = checkLinearizable(h);
    expect(result.valid).toBe(false);
    const failure = result.failures![0]!;
    const svg = linearizabilitySvg(failure.key, failure.counterexample as LinearizabilityExample);
    const labels = texts(svg);
    expect(labels).toContain('process 0');
    expect(labels).toContain('process 1');
    expect(labels).toContain('1. write 0');
    expect(labels).toContain('2. write 1');
    expect(svg).toMatch(
      /<rect [^>]*fill="#fee2e2" stroke="#dc2626"[^>]*\/>\s*<text[^>]*>read → 0</,
    );
    expect(svg).toContain(
      `<figcaption>${failure.counterexample.explanation.replace(/"/g, '&quot;')}`,
    );
  });

  it('an Elle G2-item cycle (write skew, Adya): both transactions on their lanes, each rw edge an arrow with its key', () => {
    const txn = (process: number, ops: unknown[]) => [
      {
        process,
        type: 'invoke' as const,
        f: 'txn',
        value: ops.map((m) => ((m as unknown[])[0] === 'r' ? ['r', (m as unknown[])[1], null] : m)),
      },
      { process, type: 'ok' as const, f: 'txn', value: ops },
    ];
    const result = checkListAppend(
      history(
        ...txn(0, [
          ['r', 'x', []],
          ['append', 'y', 1],
        ]),
        ...txn(1, [
          ['r', 'y', []],
          ['append', 'x', 1],
        ]),
        ...txn(2, [
          ['r', 'x', [1]],
          ['r', 'y', [1]],
        ]),
      ),
    );
    const example = result.anomalies['G2-item']!.examples[0] as CycleExample;
    const svg = cycleSvg('G2-item', example);
    const arrows = [
      ...svg.matchAll(/<path d="M[^"]*"[^>]*stroke="#dc2626"[^>]*marker-end="url\(#arrow-rw\)"/g),
    ];
    expect(arrows).toHaveLength(2);
    const labels = texts(svg);
    expect(labels).toEqual(
      expect.arrayContaining(['rw x', 'rw y', 'r x [] a y 1', 'r y [] a x 1']),
    );
    expect(svg).toContain(esc(example.explanation[0]!));
  });

  it('a lost write on the timeline: inside the fault window it was acknowledged in, beside the final read', () => {
    const s = 1e9;
    const h = history(
      { process: 0, type: 'invoke', f: 'write', key: 'k7', value: 42, time: 11 * s },
      { process: 0, type: 'ok', f: 'write', key: 'k7', value: 42, node: 'n1', time: 12 * s },
      {
        process: 1,
        type: 'invoke',
        f: 'read',
        key: 'k7',
        value: null,
        time: 31 * s,
        final: 'cluster',
      },
      {
        process: 1,
        type: 'ok',
        f: 'read',
        key: 'k7',
        value: null,
        time: 31.2 * s,
        final: 'cluster',
      },
    );
    const result = checkLostWrites(h);
    expect(result.lost).toBe(1);
    const svg = lostWriteSvg(
      result.examples[0] as LostWriteExample,
      [{ fault: 'partition-isolate', nodes: ['n1'], start: 9, end: 14 }],
      1 * s,
      30,
    );
    expect(texts(svg)).toEqual(
      expect.arrayContaining([
        'partition-isolate n1',
        'write 42 acknowledged by n1',
        'final read → null',
      ]),
    );
    expect(svg).toContain(
      'The write of 42 to k7 was acknowledged by n1 at 11 s, during partition-isolate n1 (9–14 s); the final read at 30.2 s returned null',
    );
  });

  it('escapes what a history holds: a value cannot become markup', () => {
    const svg = lostWriteSvg(
      {
        write: { key: '<k>', value: '</text><script>x</script>', node: 'n1', time: 2e9 },
        invokedAt: 1e9,
      },
      [],
      0,
      10,
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(esc('"</text><script>x</script>"'));
  });
});
