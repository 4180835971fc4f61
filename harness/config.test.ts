import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SYSTEM_NAMES, SYSTEMS } from '../adapters/index.ts';
import { UsageError } from '../core/errors.ts';
import { tempDir } from '../test/temp-dirs.ts';
import { configurationsOf, parseCompareOptions } from './config.ts';

const defaults = {
  workload: 'write-heavy',
  systems: 'all',
  provider: 'local',
  concurrency: '16',
  duration: '30',
  rate: '0',
  keys: '1000',
  nemesis: 'kill,pause',
  nemesisInterval: '10',
  nemesisDuration: '5',
  out: 'runs',
};

function error(overrides: Record<string, unknown>): string {
  try {
    parseCompareOptions({ ...defaults, ...overrides });
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a usage error');
}

describe('compare options', () => {
  it('takes the consistency model list-append checks, and names the valid ones', () => {
    expect(
      parseCompareOptions({ ...defaults, consistencyModel: 'strict-serializable' }),
    ).toMatchObject({ consistencyModel: 'strict-serializable' });
    expect(parseCompareOptions(defaults).consistencyModel).toBeUndefined();
    expect(error({ consistencyModel: 'linearizable' })).toBe(
      '--consistency-model: valid: serializable, strong-session-serializable, strict-serializable',
    );
  });

  it('takes --image as system=ref pairs, and refuses an unknown system or a ref docker would not take', () => {
    const config = parseCompareOptions({
      ...defaults,
      systems: 'dynamo',
      provider: 'docker',
      image: 'dynamo=example/store:1.2,dynamo=faultline/node:local',
    });
    expect(config.image).toEqual({ dynamo: 'faultline/node:local' });
    expect(parseCompareOptions({ ...defaults, systems: 'dynamo' }).image).toEqual({});
    expect(error({ image: 'nosuch=redis:7' })).toMatch(
      /^--image: give system=image, .* got nosuch=redis:7$/,
    );
    expect(error({ image: 'dynamo=a b' })).toMatch(/got dynamo=a b$/);
    expect(error({ image: 'dynamo=--privileged' })).toMatch(/got dynamo=--privileged$/);
    expect(error({ image: 'dynamo' })).toMatch(/got dynamo$/);
  });

  it('reads latency and jitter in ms, and refuses jitter above the latency', () => {
    const config = parseCompareOptions({ ...defaults, latency: '0.2s', latencyJitter: '20ms' });
    expect([config.latency, config.latencyJitter]).toEqual([200, 20]);
    expect(parseCompareOptions(defaults).latency).toBe(50);
    expect(error({ latency: '10', latencyJitter: '20' })).toMatch(
      /^--latency-jitter: must not exceed --latency/,
    );
    expect(error({ latency: 'slow' })).toMatch(/^--latency: "slow" is not a delay/);
  });

  it('accepts the defaults and fills in a seed and the dynamo settings', () => {
    const config = parseCompareOptions({ ...defaults, n: '3', duration: '2m' });
    // `all`: every system whose engine is installed here (the built-in store always).
    expect(config.systems).toEqual(
      SYSTEM_NAMES.filter((name) => !SYSTEMS[name]!.blocker?.('local')),
    );
    expect(config.systems).toContain('dynamo');
    expect(config.duration).toBe(120);
    expect(config.nemesis).toEqual(['kill', 'pause']);
    expect(Number.isInteger(config.seed)).toBe(true);
    expect(config.settings.dynamo).toEqual({ n: 3 });
  });

  it('takes several workloads, and the consistency preset', () => {
    expect(parseCompareOptions({ ...defaults, workload: 'set,register' }).workloads).toEqual([
      'set',
      'register',
    ]);
    expect(parseCompareOptions({ ...defaults, workload: 'consistency,set' }).workloads).toEqual([
      'register',
      'set',
      'bank',
      'list-append',
      'counter',
      'staleness',
    ]);
  });

  it('names the valid workloads for an unknown one', () => {
    expect(error({ workload: 'nope' })).toMatch(
      /--workload: unknown workload "nope"; valid: consistency, write-heavy, read-heavy/,
    );
  });

  it('names the valid systems for an unknown one', () => {
    expect(error({ systems: 'dynamo,oracle' })).toMatch(
      /--systems: unknown system "oracle"; valid: all, dynamo/,
    );
  });

  it('rejects a negative or malformed duration', () => {
    expect(error({ duration: '-5' })).toMatch(/--duration: must be more than 0 seconds/);
    expect(error({ duration: 'soon' })).toMatch(/--duration: "soon" is not a duration/);
  });

  it('rejects fewer nodes than replicas', () => {
    expect(error({ systems: 'dynamo', nodes: '1' })).toMatch(
      /--nodes=1 is fewer than dynamo's replication factor N=3/,
    );
  });

  it('mongodb refuses any node count but one (or says what it lacks here)', () => {
    expect(error({ systems: 'mongodb', nodes: '4' })).toMatch(
      /runs FerretDB as a single node|needs (Go|FerretDB)/,
    );
  });

  it('rejects quorums larger than N', () => {
    expect(error({ n: '3', w: '4' })).toMatch(/R and W at most N/);
  });

  it('rejects an --out that is a file', () => {
    const file = join(tempDir('fl-'), 'file');
    writeFileSync(file, '');
    expect(error({ out: file })).toMatch(/--out=.* is a file/);
  });

  it('rejects unknown faults and lists the valid ones', () => {
    expect(error({ nemesis: 'kill,meteor' })).toMatch(
      /unknown fault "meteor"; valid: none, standard, partitions, network, crashes, pauses, clocks, kill, kill-minority/,
    );
  });

  it('expands presets and drops duplicates', () => {
    const { nemesis } = parseCompareOptions({ ...defaults, nemesis: 'standard,kill,crashes' });
    // As root with iptables (CI) the partitions stay; elsewhere they are skipped with a reason.
    expect(nemesis.filter((f) => !f.startsWith('partition-'))).toEqual([
      'kill',
      'pause',
      'kill-minority',
      'kill-majority',
      'kill-all',
    ]);
  });
});

describe('configurations', () => {
  it('a listed setting runs the system once per value, each with a label', () => {
    expect(configurationsOf({ consistency: ['one', 'all'], heapMb: 512 })).toEqual([
      { label: 'consistency-one', settings: { consistency: 'one', heapMb: 512 } },
      { label: 'consistency-all', settings: { consistency: 'all', heapMb: 512 } },
    ]);
    expect(configurationsOf({ writeConcern: ['1', 'majority'], readConcern: ['local'] })).toEqual([
      { label: 'writeConcern-1', settings: { writeConcern: '1', readConcern: 'local' } },
      {
        label: 'writeConcern-majority',
        settings: { writeConcern: 'majority', readConcern: 'local' },
      },
    ]);
    expect(configurationsOf({ n: 3 })).toEqual([{ settings: { n: 3 } }]);
    expect(configurationsOf({})).toEqual([{ settings: {} }]);
  });

  it('--cassandra-consistency and the MongoDB concerns take lists, checked value by value', () => {
    const config = parseCompareOptions({
      ...defaults,
      systems: 'dynamo',
      cassandraConsistency: 'one,quorum,one',
      mongodbReadConcern: 'local,linearizable',
    });
    expect(config.settings.cassandra).toEqual({ consistency: ['one', 'quorum'] });
    expect(config.settings.mongodb).toEqual({ readConcern: ['local', 'linearizable'] });
    // One configuration, its settings whole: config.json says what was measured.
    expect(config.configurations.dynamo).toEqual([{ settings: SYSTEMS.dynamo!.settings.parse() }]);
    expect(config.configurations.dynamo![0]!.settings).toMatchObject({ n: 3, r: 2, w: 2 });
    expect(error({ cassandraConsistency: 'one,two' })).toBe(
      '--cassandra-consistency: unknown value "two"; valid: one, quorum, all',
    );
    expect(error({ mongodbWriteConcern: 'majority,2' })).toBe(
      '--mongodb-write-concern: unknown value "2"; valid: 1, majority',
    );
  });
});
