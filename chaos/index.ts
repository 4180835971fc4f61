import { ClockNemesis } from './clock.ts';
import { LatencyNemesis } from './latency.ts';
import { LossNemesis } from './loss.ts';
import { MembershipNemesis } from './membership.ts';
import { PartitionNemesis } from './partition.ts';
import { PROCESS_FAULTS } from './process-faults.ts';
import { SHAPES } from './shapes.ts';
import type { Nemesis, NemesisOptions } from './types.ts';

/** Every fault `--nemesis` accepts, by name. */
export const NEMESES: Record<string, (options: NemesisOptions) => Nemesis> = {
  ...PROCESS_FAULTS,
  clock: () => new ClockNemesis(),
  'clock-drift': () => new ClockNemesis(true),
  latency: (options) => new LatencyNemesis(options),
  loss: () => new LossNemesis(),
  grow: () => new MembershipNemesis('grow'),
  shrink: () => new MembershipNemesis('shrink'),
  membership: () => new MembershipNemesis('membership'),
  ...Object.fromEntries(
    SHAPES.map((shape) => [
      `partition-${shape}`,
      (options: NemesisOptions) => new PartitionNemesis(shape, options),
    ]),
  ),
};

export const NEMESIS_NAMES = Object.keys(NEMESES);

/** Named sets of faults for `--nemesis`. */
export const PRESETS: Record<string, string[]> = {
  standard: ['partition-halves', 'partition-isolate', 'kill', 'pause'],
  partitions: SHAPES.map((shape) => `partition-${shape}`),
  network: ['partition-halves', 'partition-isolate', 'latency', 'loss'],
  crashes: ['kill', 'kill-minority', 'kill-majority', 'kill-all'],
  pauses: ['pause', 'pause-minority', 'pause-majority', 'pause-all'],
  clocks: ['clock', 'clock-drift'],
};

/**
 * `--nemesis` when none is given: a partition first, so that the first
 * command observes both sides' availability, then a crash and a pause.
 * Where a partition cannot be made (no root or iptables) it is skipped with
 * the reason and the run goes on with the other two.
 */
export const DEFAULT_NEMESIS = 'partition-isolate,kill,pause';

/** Why a fault cannot be injected on this machine, or undefined when it can. */
export function faultBlocker(name: string): string | undefined {
  return NEMESES[name]?.({}).blocker();
}
