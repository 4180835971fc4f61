import type { Cluster } from '../core/contracts.ts';
import { LoopbackTraffic, type NodeUsage } from '../core/usage.ts';

/** One node's resources, a sample a second; null where it was down or could not be read. */
export interface NodeResources {
  node: string;
  /** Seconds from the start of the run phase (negative: provisioning and load). */
  t: number[];
  /** CPU cores busy (1 = one core all the time). */
  cpu: (number | null)[];
  memoryMB: (number | null)[];
  diskReadKBps: (number | null)[];
  diskWriteKBps: (number | null)[];
  netRxKBps: (number | null)[];
  netTxKBps: (number | null)[];
  totals: ResourceTotals;
}

export interface ResourceTotals {
  cpuSeconds: number;
  /** The highest memory seen (for a system: the sum of its nodes' peaks). */
  peakMemoryMB: number;
  diskReadMB: number;
  diskWriteMB: number;
  netRxMB: number;
  netTxMB: number;
}

/** What the report plots beside the fault windows, and sums per system. */
export interface ResourceSeries {
  intervalS: number;
  /**
   * How network bytes were counted: per node's own interface (containers),
   * or per node's TCP sockets on the shared loopback (local processes).
   */
  network: 'interface' | 'loopback-tcp';
  nodes: NodeResources[];
  totals: ResourceTotals;
}

const INTERVAL_MS = 1000;

interface Reading {
  at: number;
  usage: NodeUsage;
}

/** One reading of a node: cpu, memory, disk read and write, net rx and tx. */
interface Sample {
  at: number;
  values: (number | null)[];
}

/**
 * Samples every node's usage once a second while a system runs: CPU,
 * memory, disk and network, from /proc (local nodes) or the container's
 * counters (docker). A restarted node's counters start again from zero;
 * its rates and totals carry on from there.
 */
export class ResourceSampler {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private readonly last = new Map<string, Reading>();
  private readonly samples = new Map<string, Sample[]>();
  private readonly totals = new Map<string, ResourceTotals>();
  private readonly loopback: LoopbackTraffic | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly clock: () => number,
    shareLoopback: boolean,
  ) {
    this.loopback = shareLoopback
      ? new LoopbackTraffic(cluster.nodes.map((n) => n.host))
      : undefined;
    for (const node of cluster.nodes) this.track(node.id);
  }

  /** A node's series, begun at its first sample (a node added mid-run starts late). */
  private track(node: string): { samples: Sample[]; totals: ResourceTotals } {
    if (!this.samples.has(node)) {
      this.samples.set(node, []);
      this.totals.set(node, emptyTotals());
    }
    return { samples: this.samples.get(node)!, totals: this.totals.get(node)! };
  }

  start(): void {
    if (!this.cluster.usage) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The samples so far, timed from `originNs` on the run clock (the run phase's start). */
  series(originNs: number): ResourceSeries | undefined {
    if (!this.cluster.usage) return undefined;
    // Every node sampled, those removed by a membership change included.
    const nodes = [...this.samples.keys()].map((id): NodeResources => {
      const samples = this.samples.get(id)!;
      const column = (i: number) => samples.map((s) => s.values[i] ?? null);
      return {
        node: id,
        t: samples.map((s) => round((s.at - originNs) / 1e9, 3)),
        cpu: column(0),
        memoryMB: column(1),
        diskReadKBps: column(2),
        diskWriteKBps: column(3),
        netRxKBps: column(4),
        netTxKBps: column(5),
        totals: roundTotals(this.totals.get(id)!),
      };
    });
    const totals = emptyTotals();
    for (const n of nodes)
      for (const key of Object.keys(totals) as (keyof ResourceTotals)[])
        totals[key] += n.totals[key];
    return {
      intervalS: INTERVAL_MS / 1000,
      network: this.loopback ? 'loopback-tcp' : 'interface',
      nodes,
      totals: roundTotals(totals),
    };
  }

  /** Takes one reading of every node now (start() does so every second). */
  async sample(): Promise<void> {
    // A slow reading (a loaded docker daemon) is skipped rather than queued.
    if (this.busy) return;
    this.busy = true;
    try {
      const at = this.clock();
      const [usages, traffic] = await Promise.all([
        Promise.all(
          this.cluster.nodes.map((n) => this.cluster.usage!(n.id).catch(() => undefined)),
        ),
        this.loopback?.read().catch(() => undefined),
      ]);
      this.cluster.nodes.forEach((node, i) => {
        let usage = usages[i];
        const net = traffic?.get(node.host);
        if (usage && net) usage = { ...usage, netRxBytes: net.rx, netTxBytes: net.tx };
        this.record(node.id, at, usage);
      });
    } finally {
      this.busy = false;
    }
  }

  private record(node: string, at: number, usage: NodeUsage | undefined): void {
    const { samples, totals } = this.track(node);
    if (!usage) {
      this.last.delete(node);
      samples.push({ at, values: [null, null, null, null, null, null] });
      return;
    }
    const memoryMB = usage.memoryBytes / 2 ** 20;
    totals.peakMemoryMB = Math.max(totals.peakMemoryMB, memoryMB);
    const before = this.last.get(node);
    this.last.set(node, { at, usage });
    if (!before) {
      samples.push({ at, values: [null, round(memoryMB, 1), null, null, null, null] });
      return;
    }
    const seconds = (at - before.at) / 1e9;
    // Counters that went back mean a restart: the new process counted from zero.
    const delta = (key: keyof NodeUsage) => {
      const now = usage[key];
      const then = before.usage[key];
      if (now === undefined || then === undefined) return undefined;
      return now >= then ? now - then : now;
    };
    const cpu = delta('cpuSeconds') ?? 0;
    const diskRead = delta('diskReadBytes') ?? 0;
    const diskWrite = delta('diskWriteBytes') ?? 0;
    const rx = delta('netRxBytes');
    const tx = delta('netTxBytes');
    totals.cpuSeconds += cpu;
    totals.diskReadMB += diskRead / 2 ** 20;
    totals.diskWriteMB += diskWrite / 2 ** 20;
    totals.netRxMB += (rx ?? 0) / 2 ** 20;
    totals.netTxMB += (tx ?? 0) / 2 ** 20;
    const rate = (bytes: number | undefined) =>
      bytes === undefined ? null : round(bytes / 1024 / seconds, 1);
    samples.push({
      at,
      values: [
        round(cpu / seconds, 3),
        round(memoryMB, 1),
        rate(diskRead),
        rate(diskWrite),
        rate(rx),
        rate(tx),
      ],
    });
  }
}

function emptyTotals(): ResourceTotals {
  return { cpuSeconds: 0, peakMemoryMB: 0, diskReadMB: 0, diskWriteMB: 0, netRxMB: 0, netTxMB: 0 };
}

function roundTotals(t: ResourceTotals): ResourceTotals {
  return Object.fromEntries(
    Object.entries(t).map(([k, v]) => [k, round(v, 2)]),
  ) as unknown as ResourceTotals;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
