import { BANK } from './bank.ts';
import { COUNTER } from './counter.ts';
import { LIST_APPEND } from './list-append.ts';
import { REGISTER } from './register.ts';
import { SET } from './set.ts';
import { STALENESS } from './staleness.ts';
import type { WorkloadSpec } from './types.ts';
import { KV_WORKLOADS } from './ycsb.ts';

/** Every workload, by name: YCSB's, then the consistency workloads. */
export const WORKLOADS: Record<string, WorkloadSpec> = Object.fromEntries(
  [...KV_WORKLOADS, REGISTER, SET, BANK, LIST_APPEND, COUNTER, STALENESS].map((w) => [w.name, w]),
);

export const WORKLOAD_NAMES = Object.keys(WORKLOADS);

/** Named sets of workloads for `--workload`. */
export const WORKLOAD_PRESETS: Record<string, string[]> = {
  consistency: ['register', 'set', 'bank', 'list-append', 'counter', 'staleness'],
};
