import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../core/contracts.ts';
import { pick, type Rng } from '../core/rng.ts';
import type { FaultRecord, Nemesis } from './types.ts';

/** A fixed skew: an offset in seconds, a rate (2 = twice as fast), or both. */
export interface Skew {
  offsetS?: number;
  rate?: number;
}

/**
 * Clock skew: restart a node under libfaketime (Debian's `faketime`), its
 * wall clock shifted by an offset (`clock`) or running at another rate
 * (`clock-drift`, so the skew grows while the fault lasts). The monotonic
 * clock is left alone, so timeouts still work; what the node stamps on data
 * (and any last-write-wins rule) feels the skew. Ending the fault restarts
 * the node on the real clock.
 */
export class ClockNemesis implements Nemesis {
  readonly name: string;
  readonly endName = 'clock-reset';
  private readonly skewed = new Set<string>();

  /**
   * `drift` false: a random offset of ±30–120 s; true: a random rate of
   * 0.5–0.8× or 1.25–2×, starting from the true time. `fixed` overrides.
   */
  constructor(
    private readonly drift = false,
    private readonly fixed?: Skew,
  ) {
    this.name = drift ? 'clock-drift' : 'clock';
  }

  blocker(): string | undefined {
    return libfaketime() ? undefined : CLOCK_BLOCKER;
  }

  async start(cluster: Cluster, rng: Rng): Promise<FaultRecord> {
    const library = libfaketime();
    if (!library) throw new Error(`clock ${CLOCK_BLOCKER}`);
    const running = cluster.nodes.map((n) => n.id).filter((id) => cluster.isUp(id));
    if (running.length === 0) throw new Error('clock: no running node to act on');
    const node = pick(rng, running);
    const skew = this.fixed ?? this.randomSkew(rng);
    const offset = skew.offsetS ?? 0;
    this.skewed.add(node);
    await cluster.kill(node);
    await cluster.start(node, {
      env: {
        LD_PRELOAD: library,
        // libfaketime's spec: "+60s" shifts, "+0s x2" also runs twice as fast.
        FAKETIME: `${offset >= 0 ? '+' : ''}${offset}s${skew.rate ? ` x${skew.rate}` : ''}`,
        FAKETIME_DONT_FAKE_MONOTONIC: '1',
      },
    });
    return { f: this.name, value: { nodes: [node], offsetS: offset, rate: skew.rate ?? 1 } };
  }

  private randomSkew(rng: Rng): Skew {
    if (!this.drift) return { offsetS: Math.round((30 + rng() * 90) * (rng() < 0.5 ? -1 : 1)) };
    const rate = rng() < 0.5 ? 0.5 + rng() * 0.3 : 1.25 + rng() * 0.75;
    return { rate: Math.round(rate * 100) / 100 };
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
