import { REGISTER } from './register.ts';
import { SET } from './set.ts';
import type { WorkloadSpec } from './types.ts';
import { KV_WORKLOADS } from './ycsb.ts';

/** Every workload, by name: YCSB's, then the consistency workloads. */
export const WORKLOADS: Record<string, WorkloadSpec> = Object.fromEntries(
  [...KV_WORKLOADS, REGISTER, SET].map((w) => [w.name, w]),
);

export const WORKLOAD_NAMES = Object.keys(WORKLOADS);
