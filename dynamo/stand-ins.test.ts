import { describe, expect, it } from 'vitest';
import { type Target, withStandIns } from './stand-ins.ts';

/** Calls that succeed, except for the nodes named as failing. */
function calls(failing: string[]) {
  const made: Target[] = [];
  const call = async (t: Target) => {
    made.push(t);
    await new Promise((r) => setTimeout(r, 1));
    if (failing.includes(t.node)) throw new Error(`${t.node} down`);
  };
  return { made, call };
}

describe('stand-ins (sloppy quorum)', () => {
  it('replaces each failed target with the next spare, holding a hint for the owner it replaces', async () => {
    const { made, call } = calls(['n2']);
    const { done, all } = withStandIns([{ node: 'n1' }, { node: 'n2' }], ['n4', 'n5'], 2, call);
    expect(await done).toBe(2);
    await all;
    expect(made).toEqual([{ node: 'n1' }, { node: 'n2' }, { node: 'n4', hint: 'n2' }]);
  });

  it('a failed stand-in hands its hint on to the next spare', async () => {
    const { made, call } = calls(['n2', 'n4']);
    const { done } = withStandIns([{ node: 'n1' }, { node: 'n2' }], ['n4', 'n5'], 2, call);
    expect(await done).toBe(2);
    expect(made.at(-1)).toEqual({ node: 'n5', hint: 'n2' });
  });

  it('gives the successes so far when no spare is left', async () => {
    const { call } = calls(['n2', 'n3']);
    const { done, all } = withStandIns(
      [{ node: 'n1' }, { node: 'n2' }, { node: 'n3' }],
      [],
      2,
      call,
    );
    expect(await done).toBe(1);
    await all;
  });

  it('with no targets, resolves at once with none', async () => {
    const { done, all } = withStandIns([], ['n4'], 1, calls([]).call);
    expect(await done).toBe(0);
    await all;
  });
});
