import { PartitionNemesis } from './partition.ts';
import { KillNemesis, PauseNemesis } from './process-faults.ts';
import { SHAPES } from './shapes.ts';
import { rootFaultBlocker } from './support.ts';
import type { Nemesis } from './types.ts';

/** Every fault `--nemesis` accepts, by name. Latency and clock faults come next. */
export const NEMESES: Record<string, () => Nemesis> = {
  kill: () => new KillNemesis(),
  pause: () => new PauseNemesis(),
  ...Object.fromEntries(
    SHAPES.map((shape) => [`partition-${shape}`, () => new PartitionNemesis(shape)]),
  ),
};

export const NEMESIS_NAMES = Object.keys(NEMESES);

/** Why a fault cannot be injected on this machine, or undefined when it can. */
export function faultBlocker(name: string): string | undefined {
  return name.startsWith('partition-') ? rootFaultBlocker('iptables') : undefined;
}
