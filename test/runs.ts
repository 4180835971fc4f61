import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import type { Client, Cluster } from '../adapters/types.ts';
import { DynamoClients } from '../dynamo/client.ts';
import { resultOf } from '../harness/checkers/index.ts';
import { compare } from '../harness/compare.ts';
import { parseCompareOptions } from '../harness/config.ts';
import { renderReport } from '../reports/html.ts';
import { tempDir } from './temp-dirs.ts';

/** Helpers of the integration tests: runs on disk, waiting, test clients. */

/** The node PIDs of a run, from the ready line each node logs. */
export function nodePids(runDir: string): number[] {
  const nodes = join(runDir, 'nodes', 'dynamo');
  return readdirSync(nodes).flatMap((n) =>
    readFileSync(join(nodes, n, 'node.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"ready":true'))
      .map((l) => JSON.parse(l).pid as number),
  );
}

/** The folder of the only run in `out`. */
export function onlyRun(out: string): string {
  return join(out, readdirSync(out)[0]!);
}

export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs `compare` on the built-in store with a fresh state folder and run
 * folder; `options` are compare's flags (as strings), over test defaults.
 */
export async function compareDynamo(options: Record<string, string>) {
  process.env.FAULTLINE_STATE_DIR = tempDir('fl-state-');
  const config = parseCompareOptions({
    workload: 'write-heavy',
    systems: 'dynamo',
    provider: 'local',
    concurrency: '12',
    duration: '5',
    rate: '0',
    keys: '100',
    nemesis: 'none',
    nemesisInterval: '10',
    nemesisDuration: '5',
    seed: '1',
    out: tempDir('fl-runs-'),
    ...options,
  });
  return compare(config, { log: () => {}, renderReport });
}

/**
 * Redis Cluster under the membership nemesis with set adds (a later add
 * cannot hide a lost one, as a later put would): a master added (add-node,
 * rebalance) first, then a node removed, and no acknowledged add lost.
 * `options`: more compare flags (the provider).
 */
export async function redisAddsUnderMembership(options: Record<string, string> = {}) {
  const { results } = await compareDynamo({
    systems: 'redis-cluster',
    workload: 'set',
    duration: '30',
    nemesis: 'membership',
    nemesisInterval: '4',
    nemesisDuration: '10',
    seed: '5',
    ...options,
  });
  const [run] = results.systems;
  expect(run!.status).toBe('complete');
  const set = resultOf(run!.checkers, 'set')!;
  console.info(
    `membership (redis${options.provider ? ` on ${options.provider}` : ''}): ${set.lost} of ${set.acknowledged} acknowledged adds lost, ${set.unexpected} unexpected; faults ${JSON.stringify(run!.faults)}`,
  );
  expect(run!.faults.length).toBeGreaterThanOrEqual(1);
  expect(run!.faults[0]!.nodes).toEqual(['n7']);
  expect(set).toMatchObject({ lost: 0, unexpected: 0 });
  expect(set.acknowledged).toBeGreaterThan(2000);
}

/**
 * A write-heavy compare run of `system` under the membership nemesis: it
 * completes, every change completes, at least one whole change each way
 * happens (n4 joins, then a node leaves), and no acknowledged write is
 * lost. Returns the changes as "grow n4", "shrink n2", ... (`options`:
 * more compare flags).
 */
export async function changedUnderLoad(
  system: string,
  timing: { duration: string; nemesisInterval: string; nemesisDuration: string },
  atLeast: number,
  options: Record<string, string> = {},
): Promise<string[]> {
  const { results } = await compareDynamo({
    systems: system,
    workload: 'write-heavy',
    nemesis: 'membership',
    seed: '3',
    ...timing,
    ...options,
  });
  const [run] = results.systems;
  expect(run!.status).toBe('complete');
  const lost = resultOf(run!.checkers, 'lost-writes')!;
  const moves = resultOf(run!.checkers, 'membership')!;
  console.info(
    `membership (${system}): ${lost.lost} of ${lost.acknowledged} acknowledged writes lost; changes ${JSON.stringify(moves.changes)}`,
  );
  expect(moves.failed).toEqual([]);
  expect(lost).toMatchObject({ valid: true, lost: 0, unknownKeys: 0 });
  expect(lost.acknowledged).toBeGreaterThan(atLeast);
  expect(run!.checkers.convergence?.valid).not.toBe(false);
  const changes = moves.changes.map((c) => `${c.change} ${c.node}`);
  expect(changes[0]).toBe('grow n4');
  expect(changes[1]).toMatch(/^shrink n[1-4]$/);
  return changes;
}

/**
 * After each test: heal the partition a test made by hand, close its
 * clients, stop its cluster (each idempotent, so a cluster of an earlier
 * test is not harmed by being stopped again).
 */
export function stopAfterEach(
  started: () => {
    cluster?: Cluster;
    nemesis?: { heal(): Promise<void> };
    clients: Client[] | DynamoClients;
  },
): void {
  afterEach(async () => {
    const { cluster, nemesis, clients } = started();
    await nemesis?.heal();
    if (clients instanceof DynamoClients) clients.closeAll();
    else for (const c of clients.splice(0)) await c.close();
    await cluster?.teardown();
  });
}
