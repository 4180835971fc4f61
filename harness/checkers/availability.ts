import { isSpareThread, type SpareClients } from '../../chaos/types.ts';
import {
  FINAL_CLUSTER,
  FINAL_REPLICA,
  type History,
  OK,
  OpTable,
  REPLICA,
} from '../../core/op-table.ts';
import {
  describeSides,
  type QuorumRule,
  quorumOf,
  type Sees,
  type Side,
} from '../../core/quorum.ts';
import { faultWindows, type Window, windowAt } from './faults.ts';
import type { CheckResult } from './types.ts';

export interface Share {
  ok: number;
  total: number;
  /** ok / total, or null when no op was attempted. */
  fraction: number | null;
}

/** Partition ops by the quorum role of the side they ran on. */
export interface SideShares {
  /** On a side that held the quorum the op needs, after the system's detection time. */
  quorumSide: Share;
  /** On a side that did not, after the detection time: what a CP system must refuse. */
  noQuorumSide: Share;
  /**
   * Invoked within the system's detection time after the cut (e.g. Redis's
   * node timeout), whatever the side: the system has not yet been able to
   * notice which side it is on.
   */
  detecting: Share;
  /** On a side whose role the record cannot tell (no rule, overlapping views). */
  unknownSide: Share;
}

export interface PartitionAvailability extends SideShares {
  fault: string;
  /** History index of the partition's op. */
  index: number;
  /** Nanoseconds since the run started. */
  start: number;
  sides: Side[];
  /** The quorum rule recorded with the cut, or null when the system declares none. */
  rule: QuorumRule | null;
  /** No side held the quorum (an even split, or the rule could not be asked). */
  noQuorumAnywhere: boolean;
}

export interface AvailabilityResult extends CheckResult, SideShares {
  valid: true;
  partitions: number;
  healthy: Share;
  fault: Share;
  byPartition: PartitionAvailability[];
}

/**
 * Availability: the fraction of client operations that succeeded (`ok`),
 * healthy and during faults, and during partitions by the quorum role of
 * the op's side: the partition record says, for the system's own rule
 * (its masters, its primary component, a key's replicas at the level
 * used), whether the side of the worker's node held the quorum the op
 * needs. An even split holds it nowhere; a CP system must refuse only
 * where it does not hold it. Ops invoked within the system's detection
 * time after the cut are counted apart, as are ops whose side's role the
 * record cannot tell.
 *
 * A `fail` or `info` counts as refused or unanswered, and so does an `ok`
 * that came only once the fault began to lift: a request held until the
 * partition healed was not served during it. "During" ends when the
 * healing action starts (iptables runs as a child process, and a loaded
 * machine records the heal's end late). Left out: ops invoked while the
 * heal runs, final-phase reads, reads of one replica's own copy
 * (measurements), and compare-and-sets, whose `fail` is most often an
 * answer (the register did not hold the expected value), not a refusal.
 * On a cluster of one node, the partition cuts half of its clients off it
 * instead, and their ops count on their own side (the record's `clients`).
 * Not a verdict: valid is always true.
 */
export function checkAvailability(history: History): AvailabilityResult {
  const t = OpTable.of(history);
  const windows = faultWindows(t);
  const partitions = windows
    .filter((w) => w.fault.startsWith('partition-'))
    .map((w) => ({ window: w, ...partitionOf(w) }));
  const byWindow = new Map(partitions.map((p) => [p.window, p]));
  const healthy = share();
  const fault = share();
  const total = sideShares();
  const { invokes, completions } = t.pairs();
  const cas = t.fs.find('cas');
  const measurements = FINAL_CLUSTER | FINAL_REPLICA | REPLICA;
  for (let p = 0; p < invokes.length; p++) {
    const invoke = invokes[p]!;
    const complete = completions[p]!;
    if (t.flags[invoke]! & measurements || t.f[invoke] === cas) continue;
    const time = t.time[invoke]!;
    const window = windows.length > 0 ? windowAt(windows, time) : undefined;
    if (window && time >= window.lifting) continue;
    const ok =
      complete !== -1 && t.type[complete] === OK && (!window || t.time[complete]! < window.lifting);
    add(window ? fault : healthy, ok);
    const partition = window && byWindow.get(window);
    if (!partition) continue;
    const side: keyof SideShares =
      time < window.start + partition.graceMs * 1e6
        ? 'detecting'
        : roleShare(
            partition.holds({
              f: t.fName(invoke),
              ...(partition.cutOff(t.process[invoke]!)
                ? { node: partition.clients!.side }
                : t.node[invoke] !== -1
                  ? { node: t.nodes.list[t.node[invoke]!]! }
                  : {}),
              ...(t.key[invoke] !== -1 ? { key: t.keyName(t.key[invoke]!) } : {}),
            }),
          );
    add(partition.shares[side], ok);
    add(total[side], ok);
  }
  return {
    valid: true,
    partitions: partitions.length,
    healthy: finish(healthy),
    fault: finish(fault),
    ...finishSides(total),
    byPartition: partitions.map((p) => ({
      fault: p.window.fault,
      index: p.window.index,
      start: p.window.start,
      sides: p.sides,
      rule: p.rule ?? null,
      noQuorumAnywhere: p.sides.length > 0 && p.sides.every((s) => s.quorum === false),
      ...finishSides(p.shares),
    })),
  };
}

/** A lone node's clients cut off it (chaos/partition.ts), and their side's name in `sees`. */
type CutOffClients = Pick<SpareClients, 'threads' | 'stride'> & { side: string };

/** What one partition's record says of its sides. */
function partitionOf(window: Window) {
  const value = window.value as {
    sees?: Sees;
    sides?: Side[];
    quorum?: QuorumRule;
    clients?: CutOffClients;
  };
  const sees = value.sees ?? {};
  const rule = value.quorum;
  const clients = value.clients;
  return {
    rule,
    clients,
    /** Whether the op of `process` ran on the clients' side, not its node's. */
    cutOff: (process: number) => clients !== undefined && isSpareThread(clients, process),
    sides: value.sides ?? describeSides(rule, sees),
    graceMs: rule?.graceMs ?? 0,
    holds: quorumOf(rule, sees),
    shares: sideShares(),
  };
}

function roleShare(holds: boolean | null): keyof SideShares {
  return holds === null ? 'unknownSide' : holds ? 'quorumSide' : 'noQuorumSide';
}

export function share(): Share {
  return { ok: 0, total: 0, fraction: null };
}

/** Two shares as one (the matrix sums a run's workloads). */
export function sumShares(a: Share, b: Share): Share {
  return finish({ ok: a.ok + b.ok, total: a.total + b.total, fraction: null });
}

function sideShares(): SideShares {
  return { quorumSide: share(), noQuorumSide: share(), detecting: share(), unknownSide: share() };
}

function add(s: Share, ok: boolean): void {
  s.total++;
  if (ok) s.ok++;
}

function finish(s: Share): Share {
  return { ...s, fraction: s.total ? Math.round((s.ok / s.total) * 10_000) / 10_000 : null };
}

function finishSides(s: SideShares): SideShares {
  return {
    quorumSide: finish(s.quorumSide),
    noQuorumSide: finish(s.noQuorumSide),
    detecting: finish(s.detecting),
    unknownSide: finish(s.unknownSide),
  };
}
