import { type Op, pairs } from '../history.ts';
import { faultWindows, windowAt } from './faults.ts';
import type { CheckResult } from './types.ts';

export interface Share {
  ok: number;
  total: number;
  /** ok / total, or null when no op was attempted. */
  fraction: number | null;
}

/**
 * Availability: the fraction of client operations that succeeded (`ok`),
 * healthy and during faults, and during partitions split by side: ops of
 * workers pinned to a minority node (the partition op's `nodes`) against
 * the rest. A `fail` or `info` counts as refused or unanswered, and so
 * does an `ok` that came only once the fault began to lift: a request held
 * until the partition healed (TCP retransmits it, the coordinator's timeout
 * has not run out) was not served during the partition. The heal itself
 * takes time (iptables runs as a child process, and a loaded machine
 * records the heal's end late), so "during" ends when the healing action
 * starts. Left out: ops invoked while the heal runs, final-phase reads and
 * reads of one replica's own copy (measurements), and compare-and-sets,
 * whose `fail` is most often an answer (the register did not hold the
 * expected value), not a refusal. Not a verdict: valid is always true.
 */
export function checkAvailability(history: readonly Op[]): CheckResult {
  const windows = faultWindows(history);
  const tally = { healthy: share(), fault: share(), minority: share(), majority: share() };
  for (const { invoke, complete } of pairs(history)) {
    if (invoke.final || invoke.replica || invoke.f === 'cas') continue;
    const window = windowAt(windows, invoke.time);
    if (window && invoke.time >= window.lifting) continue;
    const ok = complete?.type === 'ok' && (!window || complete.time < window.lifting);
    add(window ? tally.fault : tally.healthy, ok);
    if (window?.fault.startsWith('partition-')) {
      add(
        invoke.node !== undefined && window.nodes.includes(invoke.node)
          ? tally.minority
          : tally.majority,
        ok,
      );
    }
  }
  return {
    valid: true,
    partitions: windows.filter((w) => w.fault.startsWith('partition-')).length,
    ...Object.fromEntries(Object.entries(tally).map(([k, v]) => [k, finish(v)])),
  };
}

function share(): Share {
  return { ok: 0, total: 0, fraction: null };
}

function add(s: Share, ok: boolean): void {
  s.total++;
  if (ok) s.ok++;
}

function finish(s: Share): Share {
  return { ...s, fraction: s.total ? Math.round((s.ok / s.total) * 10_000) / 10_000 : null };
}
