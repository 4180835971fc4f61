import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AntiEntropy } from './anti-entropy.ts';
import { LEAVES, MerkleIndex } from './merkle.ts';
import type { Request } from './protocol.ts';
import { hash32, Ring } from './ring.ts';
import { merge, type Version } from './vclock.ts';

/** A replica in memory: its data, its trees, and the requests a peer may send it. */
class FakeReplica {
  readonly data = new Map<string, Version[]>();
  readonly index: MerkleIndex;

  constructor(readonly ring: Ring) {
    this.index = new MerkleIndex((key) => {
      const position = hash32(key);
      return { range: ring.rangeAt(position), leaf: position % LEAVES };
    });
  }

  put(key: string, versions: Version[]): void {
    const merged = merge(this.data.get(key) ?? [], versions);
    this.data.set(key, merged);
    this.index.update(key, merged);
  }

  serve(request: Request): unknown {
    switch (request.type) {
      case 'tree-roots':
        return { roots: request.ranges.map((r) => this.index.root(r)) };
      case 'tree-leaves':
        return { leaves: this.index.leaves(request.range) };
      case 'range-keys':
        return {
          entries: this.index
            .keysIn(request.range, request.leaves)
            .map((k) => [k, this.data.get(k) ?? []]),
        };
      case 'replicate':
        this.put(request.key, request.versions);
        return {};
      default:
        throw new Error(`unexpected ${request.type}`);
    }
  }

  antiEntropyWith(self: string, peer: string, other: FakeReplica): AntiEntropy {
    return new AntiEntropy({
      self,
      ring: () => this.ring,
      n: 2,
      index: () => this.index,
      peersUp: () => [peer],
      call: async <T>(_peer: string, request: Request) => other.serve(request) as T,
      own: (key) => this.data.get(key) ?? [],
      apply: async (key, versions) => this.put(key, versions),
      join: (a, b) => merge(a, b),
    });
  }
}

const v = (node: string, counter: number): Version => ({
  value: `${node}:${counter}`,
  dot: { node, counter },
  context: { vv: {} },
});

describe('anti-entropy between two replicas', () => {
  it('one round leaves both holding the merge of every key, and counts exactly the keys that differed', () => {
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.boolean(), fc.boolean()), {
          maxLength: 200,
        }),
        async (writes) => {
          const ring = new Ring(['a', 'b'], 8);
          const a = new FakeReplica(ring);
          const b = new FakeReplica(ring);
          writes.forEach(([k, onA, onB], i) => {
            if (onA) a.put(`k${k}`, [v('x', i + 1)]);
            if (onB) b.put(`k${k}`, [v('y', i + 1)]);
          });
          const keys = new Set([...a.data.keys(), ...b.data.keys()]);
          const differing = [...keys].filter(
            (k) => JSON.stringify(a.data.get(k) ?? []) !== JSON.stringify(b.data.get(k) ?? []),
          ).length;
          const ae = a.antiEntropyWith('a', 'b', b);
          await ae.round();
          for (const k of keys) {
            expect(a.data.get(k)).toEqual(b.data.get(k));
          }
          const stats = ae.snapshot();
          expect(stats.keysRepaired).toBe(differing);
          expect(stats.rounds).toBe(1);
          // A second round finds nothing to do and sends only roots.
          await ae.round();
          expect(ae.snapshot().keysRepaired).toBe(differing);
          expect(ae.snapshot().rangesDiffering).toBe(stats.rangesDiffering);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('never drops a sibling: concurrent versions on each side end as siblings on both', async () => {
    const ring = new Ring(['a', 'b'], 8);
    const a = new FakeReplica(ring);
    const b = new FakeReplica(ring);
    a.put('k', [v('x', 1)]);
    b.put('k', [v('y', 1)]);
    await a.antiEntropyWith('a', 'b', b).round();
    expect(a.data.get('k')!.map((x) => x.value)).toEqual(['x:1', 'y:1']);
    expect(b.data.get('k')!.map((x) => x.value)).toEqual(['x:1', 'y:1']);
  });
});
