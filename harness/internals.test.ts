import { describe, expect, it } from 'vitest';
import type { Cluster } from '../core/contracts.ts';
import { InternalsSampler } from './internals.ts';

/** A cluster whose nodes report a counter; `nodes` can change between samples. */
function fakeCluster(ids: string[]) {
  const counters = new Map<string, number>();
  const cluster = {
    system: 'fake',
    nodes: ids.map((id) => ({ id, host: '127.0.0.1', port: 1, clientAddress: '127.0.0.1' })),
    internals: {
      metrics: [{ name: 'hintsPending', label: 'Hints pending' }],
      read: async (id: string) => {
        if (id === 'n2') throw new Error('unreachable');
        return { hintsPending: counters.get(id) ?? 0 };
      },
    },
  } as unknown as Cluster & { nodes: { id: string }[] };
  return { cluster, counters };
}

describe('internals sampler', () => {
  it('lines every node up on the same samples: a node added later starts with nulls, one unreadable reads null', async () => {
    const { cluster, counters } = fakeCluster(['n1', 'n2']);
    let now = 0;
    const sampler = new InternalsSampler(cluster, () => now);
    counters.set('n1', 3);
    await sampler.sample();
    now = 1e9;
    (cluster.nodes as { id: string }[]).push({ id: 'n3' } as never);
    counters.set('n3', 7);
    await sampler.sample();
    const series = sampler.series(0)!;
    expect(series.t).toEqual([0, 1]);
    expect(series.metrics.map((m) => m.name)).toEqual(['hintsPending']);
    expect(Object.fromEntries(series.nodes.map((n) => [n.node, n.values.hintsPending]))).toEqual({
      n1: [3, 3],
      n2: [null, null],
      n3: [null, 7],
    });
  });

  it('gives nothing for a system that reports no internals', async () => {
    const { cluster } = fakeCluster(['n1']);
    const bare = { ...cluster, internals: undefined } as Cluster;
    const sampler = new InternalsSampler(bare, () => 0);
    await sampler.sample();
    expect(sampler.series(0)).toBeUndefined();
  });
});
