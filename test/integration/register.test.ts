import { describe, expect, it } from 'vitest';
import { resultOf } from '../../harness/checkers/index.ts';
import { compareDynamo } from '../runs.ts';

async function registerRun(concurrency: number) {
  const { results } = await compareDynamo({
    workload: 'register',
    concurrency: String(concurrency),
    duration: '4',
    seed: '5',
  });
  return results.systems[0]!;
}

describe('register workload on the built-in store (N=3 R=2 W=2)', () => {
  it('one client alone is linearizable (R+W>N: it reads its own writes)', async () => {
    const dynamo = await registerRun(1);
    expect(dynamo.checkers.linearizable).toMatchObject({ valid: true, model: 'register' });
    expect(resultOf(dynamo.checkers, 'linearizable')!.ops).toBeGreaterThan(500);
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
