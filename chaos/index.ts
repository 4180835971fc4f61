import { KillNemesis, PauseNemesis } from './process-faults.ts';
import type { Nemesis } from './types.ts';

/** Every fault `--nemesis` accepts, by name. Partitions, latency and clocks come next. */
export const NEMESES: Record<string, () => Nemesis> = {
  kill: () => new KillNemesis(),
  pause: () => new PauseNemesis(),
};

export const NEMESIS_NAMES = Object.keys(NEMESES);
