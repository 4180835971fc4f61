import { describe, expect, it } from 'vitest';
import { describeSides, quorumOf, sidesOf } from '../core/quorum.ts';
import { seededRng } from '../core/rng.ts';
import { cutsFor, describeCuts } from './shapes.ts';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const sees = (shape: Parameters<typeof cutsFor>[0]) =>
  describeCuts(nodes, cutsFor(shape, nodes, seededRng(3)));

describe('sides of a cut', () => {
  it('halves and isolate have clean sides; a bridge and a majority ring overlap', () => {
    expect(sidesOf(sees('halves'))).toMatchObject({ overlapping: false });
    expect(
      sidesOf(sees('halves'))
        .sides.map((s) => s.length)
        .sort(),
    ).toEqual([2, 3]);
    expect(
      sidesOf(sees('isolate'))
        .sides.map((s) => s.length)
        .sort(),
    ).toEqual([1, 4]);
    expect(sidesOf(sees('bridge')).overlapping).toBe(true);
    expect(sidesOf(sees('majority-ring')).overlapping).toBe(true);
  });

  it('a majority rule cannot tell the sides of overlapping views', () => {
    const rule = { rule: 'majority' as const, of: 'nodes', members: nodes, graceMs: 0 };
    expect(describeSides(rule, sees('bridge')).every((s) => s.quorum === null)).toBe(true);
    const holds = quorumOf(rule, sees('bridge'));
    expect(nodes.map((node) => holds({ node, f: 'write' }))).toEqual(nodes.map(() => null));
  });

  it('replicas without placement: a side holds min(size, N) of every key', () => {
    const rule = {
      rule: 'replicas' as const,
      replicas: 3,
      read: 1,
      write: 3,
      level: 'R=1 W=3',
      graceMs: 0,
    };
    const cut = sees('isolate');
    const alone = nodes.find((n) => cut[n]!.length === 0)!;
    const other = nodes.find((n) => n !== alone)!;
    const holds = quorumOf(rule, cut);
    expect(holds({ node: alone, f: 'read' })).toBe(true);
    expect(holds({ node: alone, f: 'write' })).toBe(false);
    expect(holds({ node: other, f: 'write' })).toBe(true);
    // Reads may, writes may not: the side's role depends on the op.
    expect(describeSides(rule, cut).find((s) => s.nodes.includes(alone))!.quorum).toBeNull();
  });
});
