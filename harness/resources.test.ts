import { describe, expect, it } from 'vitest';
import type { Cluster, NodeHandle } from '../core/contracts.ts';
import type { NodeUsage } from '../core/usage.ts';
import { ResourceSampler } from './resources.ts';

const MB = 2 ** 20;

/** A cluster whose nodes report the usage the test sets (a unit test's fake). */
function fakeCluster(usage: Map<string, NodeUsage | undefined>): Cluster {
  const nodes: NodeHandle[] = ['n1', 'n2'].map((id, i) => ({
    id,
    host: `127.0.99.${i + 1}`,
    port: 1,
    clientAddress: `127.0.99.${i + 101}`,
  }));
  return {
    system: 'fake',
    nodes,
    usage: async (id: string) => usage.get(id),
  } as unknown as Cluster;
}

describe('resource sampling', () => {
  it('turns counters into rates a second, sums totals, leaves gaps while a node is down and carries on after its restart', async () => {
    let now = 0;
    const usage = new Map<string, NodeUsage | undefined>();
    const sampler = new ResourceSampler(fakeCluster(usage), () => now, false);
    const at = async (seconds: number, n1: Partial<NodeUsage> | undefined) => {
      now = seconds * 1e9;
      usage.set(
        'n1',
        n1 && {
          cpuSeconds: 0,
          memoryBytes: 0,
          diskReadBytes: 0,
          diskWriteBytes: 0,
          netRxBytes: 0,
          netTxBytes: 0,
          ...n1,
        },
      );
      usage.set('n2', {
        cpuSeconds: seconds / 2,
        memoryBytes: 10 * MB,
        diskReadBytes: 0,
        diskWriteBytes: 0,
      });
      await sampler.sample();
    };
    await at(0, { cpuSeconds: 1, memoryBytes: 100 * MB, diskWriteBytes: 0, netTxBytes: 0 });
    await at(1, {
      cpuSeconds: 1.5,
      memoryBytes: 120 * MB,
      diskWriteBytes: 2 * MB,
      netTxBytes: 512 * 1024,
    });
    await at(2, undefined); // killed
    await at(3, { cpuSeconds: 0.25, memoryBytes: 50 * MB, diskWriteBytes: 0, netTxBytes: 0 }); // restarted
    await at(4, { cpuSeconds: 1.25, memoryBytes: 60 * MB, diskWriteBytes: MB, netTxBytes: 1024 });

    const series = sampler.series(1e9)!;
    const [n1, n2] = series.nodes;
    expect(n1!.t).toEqual([-1, 0, 1, 2, 3]);
    expect(n1!.cpu).toEqual([null, 0.5, null, null, 1]);
    expect(n1!.memoryMB).toEqual([100, 120, null, 50, 60]);
    expect(n1!.diskWriteKBps).toEqual([null, 2048, null, null, 1024]);
    expect(n1!.netTxKBps).toEqual([null, 512, null, null, 1]);
    expect(n1!.totals).toMatchObject({ cpuSeconds: 1.5, peakMemoryMB: 120, diskWriteMB: 3 });
    // n2 reports no network (processes on a shared loopback without the ss reading): null, not 0.
    expect(n2!.netRxKBps).toEqual([null, null, null, null, null]);
    expect(n2!.cpu.slice(1)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(series.totals.cpuSeconds).toBe(1.5 + 2);
    expect(series.totals.peakMemoryMB).toBe(130);
    expect(series.network).toBe('interface');
  });

  it('is not sampled where the cluster cannot tell usage', () => {
    const cluster = { system: 'x', nodes: [] } as unknown as Cluster;
    expect(new ResourceSampler(cluster, () => 0, false).series(0)).toBeUndefined();
  });
});
