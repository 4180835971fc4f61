import { describe, expect, it } from 'vitest';
import { LEAVES, MerkleIndex } from './merkle.ts';
import type { Version } from './vclock.ts';

const version = (node: string, counter: number): Version => ({
  value: counter,
  dot: { node, counter },
  context: { vv: {} },
});

// Two ranges, leaves by the key's number: a fake of the ring's placement.
const locate = (key: string) => {
  const n = Number(key.slice(1));
  return { range: n % 2, leaf: n % LEAVES };
};

describe('Merkle trees over key ranges', () => {
  it('two replicas holding the same versions have the same roots, whatever the order of their writes', () => {
    const a = new MerkleIndex(locate);
    const b = new MerkleIndex(locate);
    for (let i = 0; i < 100; i++) a.update(`k${i}`, [version('n1', i + 1)]);
    for (let i = 99; i >= 0; i--) b.update(`k${i}`, [version('n1', i + 1)]);
    expect(a.root(0)).toBe(b.root(0));
    expect(a.root(1)).toBe(b.root(1));
    expect(a.root(0)).not.toBe(a.root(1));
  });

  it('one differing key changes its range’s root and exactly one leaf, and names that key', () => {
    const a = new MerkleIndex(locate);
    const b = new MerkleIndex(locate);
    for (let i = 0; i < 100; i++) {
      a.update(`k${i}`, [version('n1', i + 1)]);
      b.update(`k${i}`, [version('n1', i + 1)]);
    }
    b.update('k37', [version('n1', 38), version('n2', 1)]);
    expect(a.root(0)).toBe(b.root(0));
    expect(a.root(1)).not.toBe(b.root(1));
    const differing = a.leaves(1).flatMap((h, leaf) => (h === b.leaves(1)[leaf] ? [] : [leaf]));
    expect(differing).toEqual([37 % LEAVES]);
    expect(b.keysIn(1, differing)).toContain('k37');
    // Back in step, the roots agree again (cached hashes were invalidated).
    a.update('k37', [version('n1', 38), version('n2', 1)]);
    expect(a.root(1)).toBe(b.root(1));
  });

  it('an empty range and a range never written hash alike', () => {
    const a = new MerkleIndex(locate);
    a.update('k1', [version('n1', 1)]);
    a.update('k1', []);
    expect(a.root(1)).toBe(new MerkleIndex(locate).root(1));
  });
});
