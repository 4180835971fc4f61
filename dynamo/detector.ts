/**
 * The phi accrual failure detector (Hayashibara et al., 2004), as Cassandra
 * runs it over gossip: for each peer, the intervals between the arrivals of
 * its fresh heartbeats; phi is how unlikely the silence since the last one
 * is, -log10 P(an interval this long), under an exponential distribution of
 * the recorded mean. A peer is down while phi is at or above the threshold,
 * and up again at its next fresh heartbeat. Pure: the caller passes the time.
 */
export interface DetectorOptions {
  /** Phi at which a peer is down (Cassandra's phi_convict_threshold: 8). */
  threshold: number;
  /** The interval assumed before any has been seen: the gossip period. */
  expectedIntervalMs: number;
  /** Intervals remembered per peer. */
  window?: number;
}

interface Arrivals {
  last: number;
  intervals: number[];
  sum: number;
}

const LOG10_E = Math.log10(Math.E);

export class PhiAccrualDetector {
  private readonly peers = new Map<string, Arrivals>();
  private readonly window: number;

  constructor(private readonly options: DetectorOptions) {
    if (!(options.threshold > 0)) throw new Error('the phi threshold must be positive');
    if (!(options.expectedIntervalMs > 0))
      throw new Error('the expected interval must be positive');
    this.window = options.window ?? 100;
  }

  /** A fresh heartbeat of `peer` arrived at `now` (ms). */
  heartbeat(peer: string, now: number): void {
    const arrivals = this.peers.get(peer);
    if (!arrivals) {
      // The first heartbeat starts the clock at the expected interval, so
      // a peer that never speaks again is still convicted.
      const first = this.options.expectedIntervalMs;
      this.peers.set(peer, { last: now, intervals: [first], sum: first });
      return;
    }
    const interval = now - arrivals.last;
    arrivals.last = now;
    // A silence past the threshold is a failure, not a sample: a peer back
    // from a partition would otherwise teach the detector to wait longer.
    if (this.phiOf(arrivals, interval) >= this.options.threshold) return;
    arrivals.intervals.push(interval);
    arrivals.sum += interval;
    if (arrivals.intervals.length > this.window) arrivals.sum -= arrivals.intervals.shift()!;
  }

  /** Suspicion of `peer` at `now`; 0 for a peer never heard of (nothing to suspect yet). */
  phi(peer: string, now: number): number {
    const arrivals = this.peers.get(peer);
    return arrivals ? this.phiOf(arrivals, now - arrivals.last) : 0;
  }

  isUp(peer: string, now: number): boolean {
    return this.phi(peer, now) < this.options.threshold;
  }

  /** The mean interval between `peer`'s heartbeats, as recorded (ms). */
  meanIntervalMs(peer: string): number | undefined {
    const arrivals = this.peers.get(peer);
    return arrivals ? arrivals.sum / arrivals.intervals.length : undefined;
  }

  /** The silence after which a peer with this mean interval is convicted (ms). */
  static convictionMs(threshold: number, meanIntervalMs: number): number {
    return (threshold / LOG10_E) * meanIntervalMs;
  }

  private phiOf(arrivals: Arrivals, silenceMs: number): number {
    const mean = Math.max(1, arrivals.sum / arrivals.intervals.length);
    return (Math.max(0, silenceMs) / mean) * LOG10_E;
  }
}
