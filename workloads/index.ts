import type { WorkloadSpec } from './types.ts';
import { KV_WORKLOADS } from './ycsb.ts';

/** Every workload, by name. Consistency workloads (register, set, bank, ...) come next. */
export const WORKLOADS: Record<string, WorkloadSpec> = Object.fromEntries(
  KV_WORKLOADS.map((w) => [w.name, w]),
);

export const WORKLOAD_NAMES = Object.keys(WORKLOADS);
