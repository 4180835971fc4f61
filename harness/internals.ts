import type { Cluster } from '../core/contracts.ts';

/** One node's internal counters at each sample; null where it was not a member or could not be read. */
export interface NodeInternals {
  node: string;
  values: Record<string, (number | null)[]>;
}

/**
 * What a system reports of its own machinery while it runs (the built-in
 * store's hints pending and delivered, keys repaired by anti-entropy),
 * plotted beside the fault windows.
 */
export interface InternalsSeries {
  intervalS: number;
  /** Each counter's name and what it counts, in the order to plot them. */
  metrics: { name: string; label: string }[];
  /** Seconds from the start of the run phase of each sample (negative: provisioning and load). */
  t: number[];
  nodes: NodeInternals[];
}

const INTERVAL_MS = 1000;

/** Samples Cluster.internals of every node once a second, for systems that have it. */
export class InternalsSampler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  /** When each sample was taken, and every node's reading at it (a node added later has none before). */
  private readonly ats: number[] = [];
  private readonly readings = new Map<string, Map<number, Record<string, number>>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly clock: () => number,
  ) {}

  start(): void {
    if (!this.cluster.internals) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes one reading of every node now; a slow one is skipped, not queued. */
  async sample(): Promise<void> {
    const internals = this.cluster.internals;
    if (!internals || this.busy) return;
    this.busy = true;
    try {
      const at = this.clock();
      const nodes = this.cluster.nodes.map((n) => n.id);
      const readings = await Promise.all(
        nodes.map((id) => internals.read(id).catch(() => undefined)),
      );
      const tick = this.ats.push(at) - 1;
      nodes.forEach((id, i) => {
        const byTick = this.readings.get(id) ?? new Map<number, Record<string, number>>();
        this.readings.set(id, byTick);
        const reading = readings[i];
        if (reading) byTick.set(tick, reading);
      });
    } finally {
      this.busy = false;
    }
  }

  /** The samples so far, timed from `originNs` (the run phase's start). */
  series(originNs: number): InternalsSeries | undefined {
    const internals = this.cluster.internals;
    if (!internals || this.ats.length === 0) return undefined;
    return {
      intervalS: INTERVAL_MS / 1000,
      metrics: internals.metrics,
      t: this.ats.map((at) => Math.round((at - originNs) / 1e6) / 1000),
      nodes: [...this.readings].map(([node, byTick]) => ({
        node,
        values: Object.fromEntries(
          internals.metrics.map(({ name }) => [
            name,
            this.ats.map((_, tick) => byTick.get(tick)?.[name] ?? null),
          ]),
        ),
      })),
    };
  }
}
