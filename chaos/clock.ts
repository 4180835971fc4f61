import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../adapters/types.ts';
import { pick, type Rng } from '../workloads/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/**
 * Clock skew: restart a node under libfaketime (Debian's `faketime`), its
 * wall clock shifted by an offset. The monotonic clock is left alone, so
 * timeouts still work; what the node stamps on data (and any last-write-wins
 * rule) feels the skew. Ending the fault restarts the node on the real clock.
 */
export class ClockNemesis implements Nemesis {
  readonly name = 'clock';
  readonly endName = 'clock-reset';
  private readonly skewed = new Set<string>();

  /** `offsetS`: fixed offset in seconds; by default a random ±30–120 s. */
  constructor(private readonly offsetS?: number) {}

  blocker(): string | undefined {
    return libfaketime() ? undefined : CLOCK_BLOCKER;
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const library = libfaketime();
    if (!library) throw new Error(`clock ${CLOCK_BLOCKER}`);
    const running = cluster.nodes.map((n) => n.id).filter((id) => cluster.isUp(id));
    if (running.length === 0) throw new Error('clock: no running node to act on');
    const node = pick(rng, running);
    const offset = this.offsetS ?? Math.round((30 + rng() * 90) * (rng() < 0.5 ? -1 : 1));
    this.skewed.add(node);
    await cluster.kill(node);
    await cluster.start(node, {
      env: {
        LD_PRELOAD: library,
        FAKETIME: `${offset >= 0 ? '+' : ''}${offset}s`,
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    });
    return { f: this.name, value: { nodes: [node], offsetS: offset } };
  }

  async stop(cluster: Cluster): Promise<FaultRecord> {
    const nodes = [...this.skewed];
    for (const node of nodes) {
      await cluster.kill(node);
      await cluster.start(node);
    }
    this.skewed.clear();
    return { f: this.endName, value: { nodes } };
  }

  async heal(cluster: Cluster): Promise<void> {
    await this.stop(cluster).catch(() => {});
  }
}

export const CLOCK_BLOCKER = 'needs libfaketime (apt-get install faketime)';

/** The path of libfaketime.so.1, or undefined when it is not installed. */
export function libfaketime(): string | undefined {
  const roots = ['/usr/lib', '/usr/local/lib'];
  for (const root of roots) {
    const direct = join(root, 'faketime', 'libfaketime.so.1');
    if (existsSync(direct)) return direct;
    let entries: string[] = [];
    try {
      entries = readdirSync(root);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(root, entry, 'faketime', 'libfaketime.so.1');
      if (existsSync(path)) return path;
    }
  }
  return undefined;
}
