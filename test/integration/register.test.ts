import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare } from '../../harness/compare.ts';
import { parseCompareOptions } from '../../harness/config.ts';

async function registerRun(concurrency: number) {
  process.env.FAULTLINE_STATE_DIR = mkdtempSync(join(tmpdir(), 'fl-state-'));
  const config = parseCompareOptions({
    workload: 'register',
    systems: 'dynamo',
    provider: 'local',
    concurrency: String(concurrency),
    duration: '4',
    rate: '0',
    keys: '10',
    nemesis: 'none',
    nemesisInterval: '10',
    nemesisDuration: '5',
    seed: '5',
    out: mkdtempSync(join(tmpdir(), 'fl-runs-')),
  });
  const { results } = await compare(config, () => {});
  return results.systems[0]!;
}

describe('register workload on the built-in store (N=3 R=2 W=2)', () => {
  it('one client alone is linearizable (R+W>N: it reads its own writes)', async () => {
    const dynamo = await registerRun(1);
    expect(dynamo.checkers.linearizable).toMatchObject({ valid: true, model: 'register' });
    expect(Number(dynamo.checkers.linearizable?.ops)).toBeGreaterThan(500);
  }, 30_000);

  it('concurrent writers make siblings, which the checker shows as non-linearizable', async () => {
    const dynamo = await registerRun(16);
    const result = dynamo.checkers.linearizable as {
      valid: unknown;
      failures: { counterexample: { explanation: string } }[];
    };
    expect(result.valid).toBe(false);
    expect(result.failures.some((f) => /siblings/.test(f.counterexample.explanation))).toBe(true);
    // No acknowledged write is lost: Dynamo keeps them all, as siblings.
    expect(dynamo.checkers['lost-writes']!.valid).toBe(true);
  }, 30_000);
});
