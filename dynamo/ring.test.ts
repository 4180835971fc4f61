import { describe, expect, it } from 'vitest';
import { Ring } from './ring.ts';

const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`);

describe('consistent hashing ring', () => {
  it('gives N distinct nodes, the same for every caller', () => {
    const ring = new Ring(['n1', 'n2', 'n3', 'n4', 'n5'], 32);
    const other = new Ring(['n5', 'n4', 'n3', 'n2', 'n1'], 32);
    for (const key of keys.slice(0, 200)) {
      const list = ring.preferenceList(key, 3);
      expect(new Set(list).size).toBe(3);
      expect(other.preferenceList(key, 3)).toEqual(list);
    }
  });

  it('caps N at the node count', () => {
    expect(new Ring(['a', 'b'], 8).preferenceList('k', 3)).toHaveLength(2);
  });

  it('spreads keys evenly with virtual nodes', () => {
    const ring = new Ring(['n1', 'n2', 'n3', 'n4'], 64);
    const owners = new Map<string, number>();
    for (const key of keys) {
      const owner = ring.preferenceList(key, 1)[0]!;
      owners.set(owner, (owners.get(owner) ?? 0) + 1);
    }
    for (const count of owners.values()) {
      expect(count).toBeGreaterThan(keys.length / 4 / 1.6);
      expect(count).toBeLessThan((keys.length / 4) * 1.6);
    }
  });

  it('moves only the keys the new node takes when a node joins', () => {
    const before = new Ring(['n1', 'n2', 'n3', 'n4'], 64);
    const after = new Ring(['n1', 'n2', 'n3', 'n4', 'n5'], 64);
    let moved = 0;
    for (const key of keys) {
      const a = before.preferenceList(key, 1)[0];
      const b = after.preferenceList(key, 1)[0];
      if (a !== b) {
        moved++;
        expect(b).toBe('n5');
      }
    }
    // About a fifth of the keys move, all of them to the new node.
    expect(moved / keys.length).toBeGreaterThan(0.1);
    expect(moved / keys.length).toBeLessThan(0.3);
  });
});
