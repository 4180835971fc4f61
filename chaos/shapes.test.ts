import { describe, expect, it } from 'vitest';
import { seededRng } from '../core/rng.ts';
import { cutsFor, describeCuts } from './shapes.ts';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const seen = (shape: Parameters<typeof cutsFor>[0], seed = 1) =>
  describeCuts(nodes, cutsFor(shape, nodes, seededRng(seed)));

describe('partition shapes', () => {
  it('isolate: one node sees nobody, the others see each other', () => {
    const view = seen('isolate');
    const alone = nodes.filter((n) => view[n]!.length === 0);
    expect(alone).toHaveLength(1);
    for (const n of nodes.filter((x) => x !== alone[0])) expect(view[n]).toHaveLength(3);
  });

  it('halves: two groups of 2 and 3 that do not see each other', () => {
    const sizes = Object.values(seen('halves'))
      .map((v) => v.length + 1)
      .sort();
    expect(sizes).toEqual([2, 2, 3, 3, 3]);
  });

  it('bridge: one node sees everyone, the two halves only it and their own side', () => {
    const view = seen('bridge');
    expect(nodes.filter((n) => view[n]!.length === 4)).toHaveLength(1);
    expect(
      Object.values(view)
        .map((v) => v.length)
        .sort(),
    ).toEqual([2, 2, 2, 2, 4]);
  });

  it('majority-ring: every node sees a majority, and no two see the same one', () => {
    for (const seed of [1, 2, 3]) {
      const view = seen('majority-ring', seed);
      const majorities = nodes.map((n) => [n, ...view[n]!].sort().join(','));
      for (const m of majorities) expect(m.split(',').length).toBe(3);
      expect(new Set(majorities).size).toBe(5);
    }
  });

  it('primaries: each primary alone, the other nodes together', () => {
    const view = describeCuts(nodes, cutsFor('primaries', nodes, seededRng(1), ['n2', 'n4']));
    expect(view).toEqual({
      n1: ['n3', 'n5'],
      n2: [],
      n3: ['n1', 'n5'],
      n4: [],
      n5: ['n1', 'n3'],
    });
    expect(cutsFor('primaries', nodes, seededRng(1), [])).toEqual([]);
  });

  it('primary: one of the primaries alone, everyone else together', () => {
    const view = describeCuts(nodes, cutsFor('primary', nodes, seededRng(3), ['n2', 'n4']));
    const alone = nodes.filter((n) => view[n]!.length === 0);
    expect(alone).toHaveLength(1);
    expect(['n2', 'n4']).toContain(alone[0]);
    expect(cutsFor('primary', nodes, seededRng(1), [])).toEqual([]);
  });

  it('repeats for the same seed', () => {
    expect(cutsFor('halves', nodes, seededRng(9))).toEqual(cutsFor('halves', nodes, seededRng(9)));
  });
});
