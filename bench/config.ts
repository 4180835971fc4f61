import { type CompareConfig, parseCompareOptions } from '../harness/config.ts';

/**
 * A bench case's configuration: compare's flags with the bench's fixed
 * choices (no faults, 1,000 records, seed 1, no rate limit) under `flags`.
 */
export function benchConfig(flags: Record<string, string>): CompareConfig {
  return parseCompareOptions({
    provider: 'local',
    rate: '0',
    keys: '1000',
    nemesis: 'none',
    nemesisInterval: '10',
    nemesisDuration: '5',
    seed: '1',
    ...flags,
  });
}
