import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../adapters/index.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { chooseImage } from '../../docker/image-choice.ts';
import { localImage } from '../../docker/images.ts';
import { dockerLeftovers } from '../../docker/leftovers.ts';
import { dockerAnswers } from '../../docker/runtime.ts';
import type { MatrixRow } from '../../harness/matrix.ts';
import { dockerImageBlocker, skipUnless } from '../engines.ts';
import {
  changedUnderLoad,
  compareDynamo,
  onlyRun,
  redisAddsUnderMembership,
  waitFor,
} from '../runs.ts';
import { tempDir } from '../temp-dirs.ts';

/**
 * The docker provider against the local one: the same system, workload,
 * faults and seed on both, and the verdicts compared cell by cell. Needs
 * a Docker daemon (.ci/run starts one: docker/dockerd.sh) and the local
 * images (npm run images); with no registry reached, each system runs in
 * faultline's own image (the official ones are tried first).
 */
async function dockerBlocker(): Promise<string | undefined> {
  if (!(await dockerAnswers()))
    return 'needs a Docker daemon (docker/dockerd.sh start <dir>, then DOCKER_HOST)';
  return rootFaultBlocker('iptables');
}

/** Why one system cannot be compared on both providers here, or undefined. */
async function systemBlocker(name: string): Promise<string | undefined> {
  const system = SYSTEMS[name]!;
  const image = localImage(system.image);
  const missing = await dockerImageBlocker(image);
  if (missing) return missing;
  const onDocker = system.onImage?.(image) ?? system;
  return system.blocker?.('local') ?? onDocker.blocker?.('docker');
}

const skip = skipUnless('docker provider tests', await dockerBlocker());
/** Per system: true to skip it (the reason printed), asked only where docker answers. */
const skipSystem: Record<string, boolean> = {};
if (!skip)
  for (const name of Object.keys(SYSTEMS))
    skipSystem[name] = skipUnless(`docker provider tests of ${name}`, await systemBlocker(name));
const BIN = fileURLToPath(new URL('../../cli/bin/faultline.js', import.meta.url));

const faultlineRules = () =>
  execFileSync('iptables', ['-S'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes('FAULTLINE'));
const bridgeAddresses = () =>
  execFileSync('ip', ['-o', 'address'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => / faultline\d+ /.test(l));

/** No container, network, rule or workers' bridge address of faultline's is left. */
async function expectNothingLeft(): Promise<void> {
  const left = await dockerLeftovers();
  expect(left.containers.map((c) => c.name)).toEqual([]);
  expect(left.networks.map((n) => n.name)).toEqual([]);
  expect(faultlineRules()).toEqual([]);
  expect(bridgeAddresses()).toEqual([]);
}

/** Runs one compare on each provider with the same flags; the matrix rows, docker's first. */
async function onBoth(options: Record<string, string>): Promise<[MatrixRow[], MatrixRow[]]> {
  const docker = await compareDynamo({ ...options, provider: 'docker' });
  const local = await compareDynamo({ ...options, provider: 'local' });
  for (const { results } of [docker, local])
    for (const s of results.systems) {
      expect(s.status, `${s.system} ${s.workload}`).toBe('complete');
      // Every node's resources were sampled: from the container's counters, or /proc and ss.
      const totals = s.resources?.totals;
      expect(totals?.cpuSeconds, `${s.system} CPU`).toBeGreaterThan(0);
      expect(totals?.peakMemoryMB, `${s.system} memory`).toBeGreaterThan(1);
      expect(
        (totals?.netRxMB ?? 0) + (totals?.netTxMB ?? 0),
        `${s.system} network`,
      ).toBeGreaterThan(0);
    }
  return [docker.results.matrix, local.results.matrix];
}

/** The cells a fault decides, as a person would compare them. */
const verdicts = (row: MatrixRow) => ({
  lostWrites: row.observed.lostWrites.tone,
  converged: row.observed.converged.value,
  minority: row.observed.noQuorumSide.value.split(' ')[0],
});

describe.skipIf(skip)('the docker provider', () => {
  afterAll(expectNothingLeft);

  it.skipIf(skipSystem.dynamo!)(
    'dynamo: write-heavy and register under an isolated node and kills give the local verdicts (nothing lost, minority refuses, converged)',
    async () => {
      const [docker, local] = await onBoth({
        systems: 'dynamo',
        workload: 'write-heavy,register',
        duration: '12',
        nemesis: 'partition-isolate,kill',
        nemesisInterval: '2',
        nemesisDuration: '4',
        seed: '7',
      });
      console.info(
        `dynamo docker: ${JSON.stringify(docker.map(verdicts))}; local: ${JSON.stringify(local.map(verdicts))}`,
      );
      expect(docker.map(verdicts)).toEqual(local.map(verdicts));
      expect(verdicts(docker[0]!)).toMatchObject({ lostWrites: 'good', minority: 'refused' });
    },
    240_000,
  );

  it.skipIf(skipSystem.dynamo!)(
    'dynamo: a node added to and one decommissioned from the cluster in containers, under write-heavy, lose no acknowledged write',
    async () => {
      const timing = { duration: '20', nemesisInterval: '3', nemesisDuration: '5' };
      await changedUnderLoad('dynamo', timing, 5000, { provider: 'docker' });
    },
    180_000,
  );

  it.skipIf(skipSystem.couchdb!)(
    'CouchDB: a peer joined to the replication mesh and one removed from it, in containers, lose no acknowledged write',
    async () => {
      const timing = { duration: '40', nemesisInterval: '5', nemesisDuration: '8' };
      await changedUnderLoad('couchdb', timing, 1000, { provider: 'docker' });
    },
    300_000,
  );

  it.skipIf(skipSystem['mysql-cluster']!)(
    'Galera: a node joined by state transfer and one that left cleanly, in containers, lose no acknowledged write',
    async () => {
      const timing = { duration: '60', nemesisInterval: '5', nemesisDuration: '10' };
      const changes = await changedUnderLoad('mysql-cluster', timing, 5000, {
        provider: 'docker',
      });
      expect(changes[2]).toBe('grow n5');
    },
    300_000,
  );

  it.skipIf(skipSystem.cassandra!)(
    "Cassandra at QUORUM: a node bootstrapped and one decommissioned (nodetool in the node's container), in containers, lose no acknowledged write",
    async () => {
      // As on loopback: a JVM bootstraps in about a minute, so the run is
      // long enough for the join to finish inside it.
      const timing = { duration: '90', nemesisInterval: '5', nemesisDuration: '5' };
      await changedUnderLoad('cassandra', timing, 2000, { provider: 'docker' });
    },
    420_000,
  );

  it.skipIf(skipSystem['redis-cluster']!)(
    'Redis Cluster: a master added (add-node, rebalance) and a node removed in containers while set adds go on lose no acknowledged add',
    () => redisAddsUnderMembership({ provider: 'docker' }),
    300_000,
  );

  it.skipIf(skipSystem['redis-cluster']!)(
    'redis-cluster: a cut master acknowledges writes lost at failover, in containers as on loopback',
    async () => {
      const [docker, local] = await onBoth({
        systems: 'redis-cluster',
        // Set adds: no later write hides an add the cut master acknowledged
        // (write-heavy's updates on 10,000 keys left 0 to 11 lost, 0 once in CI).
        workload: 'set',
        duration: '14',
        nemesis: 'partition-primary',
        nemesisInterval: '2',
        nemesisDuration: '6',
        seed: '5',
        redisClientTimeout: '300',
      });
      console.info(
        `redis docker: ${docker[0]!.observed.lostWrites.value}; local: ${local[0]!.observed.lostWrites.value}`,
      );
      expect(docker[0]!.observed.lostWrites.tone).toBe('bad');
      expect(local[0]!.observed.lostWrites.tone).toBe('bad');
    },
    240_000,
  );

  it("the image: --image first, then the official image, else faultline's own, saying why", async () => {
    const lines: string[] = [];
    const redis = SYSTEMS['redis-cluster']!;
    const chosen = await chooseImage(redis, undefined, (l) => lines.push(l));
    if (chosen.source === 'local') {
      expect(chosen.ref).toBe('faultline/redis:local');
      expect(lines.at(-1)).toMatch(
        /the official image redis:7 could not be pulled \(.+\); running faultline's faultline\/redis:local instead/,
      );
    } else expect(chosen).toMatchObject({ ref: 'redis:7', source: 'official' });
    expect(chosen.digest).toMatch(/sha256:[0-9a-f]{64}/);
    const named = await chooseImage(redis, 'faultline/node:local', () => {});
    expect(named).toMatchObject({ ref: 'faultline/node:local', source: 'flag' });
    await expect(chooseImage(redis, 'faultline/none:local', () => {})).rejects.toThrow(
      /--image faultline\/none:local is not here and could not be pulled/,
    );
  }, 120_000);

  /**
   * Each remaining system under the faults its own integration test puts
   * it through, the cells those faults decide expected on both providers.
   */
  const CASES: {
    system: string;
    title: string;
    flags: Record<string, string>;
    expected: Partial<ReturnType<typeof verdicts>>;
  }[] = [
    {
      system: 'mysql-cluster',
      title: 'Galera loses nothing under an isolated node and kills; the minority refuses',
      flags: { workload: 'write-heavy', nemesis: 'partition-isolate,kill', seed: '3' },
      expected: { lostWrites: 'good', converged: 'yes', minority: 'refused' },
    },
    {
      system: 'mysql-async',
      title: 'the async pair loses acknowledged writes at failover',
      flags: { workload: 'set,write-heavy', nemesis: 'partition-isolate,kill', seed: '3' },
      expected: { lostWrites: 'bad' },
    },
    {
      system: 'couchdb',
      title: 'CouchDB serves both sides of a cut, loses nothing and converges',
      flags: { workload: 'write-heavy', nemesis: 'partition-isolate,kill', seed: '1' },
      expected: { lostWrites: 'good', converged: 'yes', minority: 'none:' },
    },
    {
      system: 'cassandra',
      title: 'Cassandra at QUORUM loses nothing under an isolated node; the minority refuses',
      flags: {
        workload: 'write-heavy',
        nemesis: 'partition-isolate',
        seed: '3',
        cassandraConsistency: 'quorum',
      },
      expected: { lostWrites: 'good', minority: 'refused' },
    },
    {
      system: 'mongodb',
      title: 'FerretDB loses nothing acknowledged across kill -9',
      flags: { workload: 'write-heavy', nemesis: 'kill', seed: '1' },
      expected: { lostWrites: 'good' },
    },
  ];

  for (const { system, title, flags, expected } of CASES) {
    it.skipIf(skipSystem[system]!)(
      `${system}: ${title}, in containers as on loopback`,
      async () => {
        const [docker, local] = await onBoth({
          systems: system,
          duration: '12',
          nemesisInterval: '2',
          nemesisDuration: '5',
          ...flags,
        });
        const pick = (row: MatrixRow) => {
          const all = verdicts(row);
          return Object.fromEntries(
            Object.keys(expected).map((k) => [k, all[k as keyof typeof all]]),
          );
        };
        console.info(
          `${system} docker: ${JSON.stringify(verdicts(docker[0]!))} (${docker[0]!.observed.lostWrites.value}); local: ${JSON.stringify(verdicts(local[0]!))} (${local[0]!.observed.lostWrites.value})`,
        );
        expect(pick(docker[0]!)).toEqual(expected);
        expect(pick(local[0]!)).toEqual(expected);
      },
      360_000,
    );
  }

  describe('a docker run that ends abruptly', () => {
    const env = { ...process.env, FAULTLINE_STATE_DIR: tempDir('fl-state-') };
    const start = (out: string): ChildProcess =>
      spawn(
        process.execPath,
        [
          BIN,
          'compare',
          '--provider=docker',
          '--systems=dynamo',
          '--workload=write-heavy',
          '--duration=60',
          '--nemesis=partition-isolate',
          '--nemesis-interval=1',
          '--nemesis-duration=60',
          `--out=${out}`,
        ],
        { env, stdio: 'ignore' },
      );
    const partitioned = () => faultlineRules().some((l) => l.includes('DROP'));
    const exited = (child: ChildProcess) =>
      new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    it('Ctrl-C: the run heals, removes its containers and network, and keeps its history', async () => {
      const out = tempDir('fl-runs-');
      const child = start(out);
      await waitFor('the partition', partitioned, 60_000);
      child.kill('SIGINT');
      await exited(child);
      const history = join(onlyRun(out), 'history');
      expect(readdirSync(history).some((f) => statSync(join(history, f)).size > 0)).toBe(true);
      await expectNothingLeft();
    }, 120_000);

    it('SIGKILL: containers, network and rules stay; faultline heal removes them all', async () => {
      const out = tempDir('fl-runs-');
      const child = start(out);
      await waitFor('the partition', partitioned, 60_000);
      child.kill('SIGKILL');
      await exited(child);
      const left = await dockerLeftovers();
      expect(left.containers.length).toBe(3);
      expect(left.networks.length).toBe(1);
      const heal = spawnSync(process.execPath, [BIN, 'heal'], { env, encoding: 'utf8' });
      expect(heal.status).toBe(0);
      expect(heal.stderr).toMatch(/removed 3 container\(s\) and 1 network\(s\)/);
      expect(heal.stderr).toMatch(/removed faultline's iptables chain/);
      await expectNothingLeft();
    }, 120_000);
  });
});
