import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { mongodbBlocker } from '../../adapters/mongodb/engine.ts';
import { mongodb } from '../../adapters/mongodb/index.ts';
import type { Client, Cluster } from '../../adapters/types.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import type { ClientKind } from '../../core/contracts.ts';
import type { AvailabilityResult } from '../../harness/checkers/availability.ts';
import { skipUnless } from '../engines.ts';
import { compareDynamo } from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

const skip = skipUnless('mongodb tests', mongodbBlocker());
const noIptables = skipUnless('mongodb partition test', rootFaultBlocker('iptables'));

let cluster: Cluster | undefined;
const clients: Client[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await cluster?.teardown();
  cluster = undefined;
});

async function ferret(settings: Record<string, unknown> = {}) {
  const started = Date.now();
  cluster = await mongodb.provision('local', {
    nodes: 1,
    dir: tempDir('fl-mongo-'),
    settings: mongodb.settings.parse(settings),
  });
  console.info(`mongodb: FerretDB up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const client = async (kind: ClientKind) => {
    const c = await mongodb.clients[kind]!(
      cluster!,
      cluster!.nodes[0]!,
      mongodb.settings.parse(settings),
    );
    clients.push(c);
    return c;
  };
  return { cluster, client };
}

describe.skipIf(skip)('the MongoDB adapter against FerretDB (local, single node)', () => {
  it('reads, writes, cas, counters and sets do what the workloads expect', async () => {
    const { client } = await ferret();
    const kv = await client('register');
    expect(await kv.invoke({ f: 'read', key: 'k' })).toEqual({ type: 'ok', value: null });
    // cas on an absent key is an insert; a second one finds the key taken.
    expect(await kv.invoke({ f: 'cas', key: 'k', value: [null, 1] })).toMatchObject({ type: 'ok' });
    expect(await kv.invoke({ f: 'cas', key: 'k', value: [null, 9] })).toMatchObject({
      type: 'fail',
      error: expect.stringMatching(/duplicate key|E11000/i),
    });
    expect(await kv.invoke({ f: 'cas', key: 'k', value: [1, 2] })).toMatchObject({ type: 'ok' });
    expect(await kv.invoke({ f: 'cas', key: 'k', value: [1, 3] })).toEqual({
      type: 'fail',
      error: 'cas: expected value not found',
    });
    expect(await kv.invoke({ f: 'write', key: 'k', value: 4 })).toMatchObject({ type: 'ok' });
    expect(await kv.invoke({ f: 'read', key: 'k' })).toEqual({ type: 'ok', value: 4 });

    const counter = await client('counter');
    expect(await counter.invoke({ f: 'read', key: 'c' })).toEqual({ type: 'ok', value: 0 });
    for (const n of [1, 2, 3]) await counter.invoke({ f: 'add', key: 'c', value: n });
    expect(await counter.invoke({ f: 'read', key: 'c' })).toEqual({ type: 'ok', value: 6 });

    const set = await client('set');
    for (const e of [3, 1, 2, 1]) await set.invoke({ f: 'add', key: 's', value: e });
    expect(await set.invoke({ f: 'read', key: 's' })).toEqual({ type: 'ok', value: [1, 2, 3] });
    // Collections per workload: the register's `k` is not the set's.
    expect(await set.invoke({ f: 'read', key: 'k' })).toEqual({ type: 'ok', value: [] });
  }, 60_000);

  it('maps errors on the real server: a paused node leaves a write unknown, a killed one fails it, a restart keeps acknowledged data', async () => {
    const { cluster, client } = await ferret({ clientTimeoutMs: 500 });
    const kv = await client('register');
    expect(await kv.invoke({ f: 'write', key: 'k', value: 1 })).toMatchObject({ type: 'ok' });

    // Sent over an open connection to a stopped process: it may yet be applied.
    await cluster.pause('n1');
    const paused = await kv.invoke({ f: 'write', key: 'k', value: 2 });
    expect(paused).toMatchObject({ type: 'info' });
    expect(await kv.invoke({ f: 'read', key: 'k' })).toMatchObject({ type: 'fail' });
    await cluster.resume('n1');

    // Nobody listens: the write was never sent.
    await cluster.kill('n1');
    const killed = await kv.invoke({ f: 'write', key: 'k', value: 3 });
    expect(killed).toMatchObject({ type: 'fail' });

    await cluster.start('n1');
    const read = await kv.invoke({ f: 'read', key: 'k' });
    // The paused write was applied once the process resumed, or never: 1 or 2, never 3.
    expect(read.type).toBe('ok');
    expect([1, 2]).toContain((read as { value: number }).value);
  }, 60_000);

  it('compare under kill -9: nothing acknowledged is lost, and concurrent $inc and cas lose updates on FerretDB 1.x', async () => {
    const { results } = await compareDynamo({
      systems: 'mongodb',
      workload: 'write-heavy,register,counter',
      duration: '8',
      nemesis: 'kill',
      nemesisInterval: '2',
      nemesisDuration: '2',
    });
    for (const run of results.systems) {
      expect(run.status, `${run.workload}: ${run.error ?? ''}`).toBe('complete');
      expect(run.faults.map((f) => f.fault)).toContain('kill');
    }
    const [writeHeavy, register, counter] = results.systems;
    // SQLite commits before FerretDB answers: a crash loses no acknowledged write.
    expect(writeHeavy!.checkers['lost-writes']).toMatchObject({ valid: true, lost: 0 });
    expect(register!.checkers['lost-writes']).toMatchObject({ valid: true, lost: 0 });
    // FerretDB 1.x reads, then writes, without a transaction around them
    // (findAndModify and update with operators), so 12 workers on a few
    // keys overwrite each other: lost increments and non-linearizable cas.
    expect(counter!.checkers.counter).toMatchObject({ valid: false });
    expect(register!.checkers.linearizable).toMatchObject({ valid: false });
    const row = results.matrix[0]!;
    expect(row.engine).toMatch(/^FerretDB .*not mongod/);
    expect(row.observed.cap.value).toMatch(/partition/);
  }, 180_000);

  it.skipIf(noIptables)(
    'partition-isolate on one node cuts half of its clients off it: they are refused, the rest served',
    async () => {
      const { results } = await compareDynamo({
        systems: 'mongodb',
        workload: 'write-heavy',
        duration: '10',
        nemesis: 'partition-isolate',
        nemesisInterval: '2',
        nemesisDuration: '4',
        mongodbClientTimeout: '500',
      });
      const run = results.systems[0]!;
      expect(run.status, run.error).toBe('complete');
      expect(run.faultsNotApplicable ?? []).toEqual([]);
      const availability = run.checkers.availability as AvailabilityResult;
      expect(availability.partitions).toBeGreaterThan(0);
      expect(availability.byPartition[0]!.sides).toEqual([
        { nodes: ['n1'], quorum: true, why: '1 of 1 voters: n1' },
        { nodes: ['clients'], quorum: false, why: '0 of 1 voters' },
      ]);
      // Margins for a loaded machine: a cut-off client's op can only succeed
      // if it was answered before the rules went in.
      expect(availability.noQuorumSide.total).toBeGreaterThan(0);
      expect(availability.noQuorumSide.fraction!).toBeLessThanOrEqual(0.1);
      expect(availability.quorumSide.total).toBeGreaterThan(0);
      expect(availability.quorumSide.fraction!).toBeGreaterThanOrEqual(0.9);
      const row = results.matrix[0]!;
      expect(row.observed.noQuorumSide.value).toMatch(/^refused/);
      expect(row.observed.quorumSide.value).toMatch(/^served/);
    },
    120_000,
  );

  it('a run whose parent stops reading and sends SIGTERM still stops its FerretDB (no watchdog of its own)', () => {
    const out = tempDir('fl-runs-');
    const bin = fileURLToPath(new URL('../../cli/bin/faultline.js', import.meta.url));
    // spawnSync's timeout sends SIGTERM and closes the pipes: every later
    // log line hits a closed stderr.
    const result = spawnSync(
      process.execPath,
      [bin, 'compare', '--systems=mongodb', '--duration=60', '--keys=50', `--out=${out}`],
      {
        timeout: 8000,
        encoding: 'utf8',
        env: { ...process.env, FAULTLINE_STATE_DIR: tempDir('fl-state-') },
      },
    );
    expect(result.status).toBe(130);
    const running = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(out);
        } catch {
          return false;
        }
      });
    expect(running).toEqual([]);
  }, 60_000);
});
