import { afterAll, describe, expect, it } from 'vitest';
import { SYSTEMS } from '../../adapters/index.ts';
import { rootFaultBlocker } from '../../chaos/support.ts';
import { chooseImage } from '../../docker/image-choice.ts';
import { dockerLeftovers } from '../../docker/leftovers.ts';
import { dockerAnswers } from '../../docker/runtime.ts';
import type { MatrixRow } from '../../harness/matrix.ts';
import { OFFICIAL_IMAGE_TAG, skipUnlessImage } from '../engines.ts';
import { compareDynamo } from '../runs.ts';

/**
 * The rows only an official image can give: MongoDB as a mongod replica
 * set (mongo:7), MySQL NDB Cluster (mysql/mysql-cluster) and Apache
 * CouchDB as a real cluster (couchdb:3). They run wherever the image can be
 * pulled (the nightly workflow); where no registry answers (this
 * project's CI machine) they skip with the reason printed, counted apart
 * from FAULTLINE_REQUIRE_ENGINES (test/engines.ts: skipUnlessImage).
 */
async function officialImage(system: string): Promise<string | undefined> {
  if (!(await dockerAnswers())) return 'needs a Docker daemon';
  const blocker = rootFaultBlocker('iptables');
  if (blocker) return blocker;
  const declared = SYSTEMS[system]!;
  const lines: string[] = [];
  const chosen = await chooseImage(declared, undefined, (l) => lines.push(l)).catch(
    (error: Error) => ({ source: 'none', ref: error.message }),
  );
  if (chosen.source !== 'official') {
    const why = /could not be pulled \((.*)\); running/.exec(lines.at(-1) ?? '')?.[1] ?? chosen.ref;
    return `needs the official image ${declared.officialImage}, which could not be pulled here (${why})`;
  }
  return undefined;
}

const verdicts = (row: MatrixRow) => ({
  lostWrites: row.observed.lostWrites.tone,
  converged: row.observed.converged.value,
  minority: row.observed.noQuorumSide.value.split(' ')[0],
});

const run = async (flags: Record<string, string>) => {
  const { results } = await compareDynamo({
    provider: 'docker',
    duration: '15',
    nemesisInterval: '2',
    nemesisDuration: '6',
    ...flags,
  });
  for (const s of results.systems)
    expect(s.status, `${s.system} ${s.workload}: ${s.error ?? ''}`).toBe('complete');
  return results;
};

const skipMongo = skipUnlessImage('the mongod replica set', await officialImage('mongodb'));
const skipNdb = skipUnlessImage('MySQL NDB Cluster', await officialImage('mysql-cluster'));
const skipCouch = skipUnlessImage('the Apache CouchDB cluster', await officialImage('couchdb'));

describe(`${OFFICIAL_IMAGE_TAG} rows of official images`, () => {
  afterAll(async () => {
    if (!(await dockerAnswers())) return;
    const left = await dockerLeftovers();
    expect(left.containers.map((c) => c.name)).toEqual([]);
  });

  it.skipIf(skipMongo)(
    `${OFFICIAL_IMAGE_TAG} mongodb on mongo:7: a replica set of 3; w:majority loses nothing when the primary is cut off, and the report names mongod and the digest`,
    async () => {
      const results = await run({
        systems: 'mongodb',
        workload: 'write-heavy,register',
        nemesis: 'partition-primary',
        mongodbWriteConcern: 'majority',
        mongodbReadConcern: 'linearizable',
      });
      const [writeHeavy] = results.systems;
      expect(writeHeavy!.engine).toMatch(/^MongoDB replica set \(mongod/);
      expect(writeHeavy!.nodes).toBe(3);
      expect(writeHeavy!.image?.digest).toMatch(/sha256:/);
      expect(verdicts(results.matrix[0]!)).toMatchObject({ lostWrites: 'good', converged: 'yes' });
    },
    600_000,
  );

  it.skipIf(skipMongo)(
    `${OFFICIAL_IMAGE_TAG} mongodb on mongo:7: bank and list-append run as multi-document transactions`,
    async () => {
      const results = await run({
        systems: 'mongodb',
        workload: 'bank,list-append',
        nemesis: 'kill',
      });
      for (const s of results.systems) expect(s.metrics!.ok).toBeGreaterThan(100);
    },
    600_000,
  );

  it.skipIf(skipCouch)(
    `${OFFICIAL_IMAGE_TAG} couchdb on couchdb:3: a cluster of 3 (q=2 n=3) serves both sides of a cut and loses nothing`,
    async () => {
      const results = await run({
        systems: 'couchdb',
        workload: 'write-heavy',
        nemesis: 'partition-isolate,kill',
        seed: '1',
      });
      expect(results.systems[0]!.engine).toMatch(/^Apache CouchDB cluster/);
      expect(verdicts(results.matrix[0]!)).toMatchObject({ lostWrites: 'good', minority: 'none:' });
    },
    600_000,
  );

  it.skipIf(skipNdb)(
    `${OFFICIAL_IMAGE_TAG} mysql-cluster on mysql/mysql-cluster: NDB loses nothing under an isolated host and kills; the minority refuses`,
    async () => {
      const results = await run({
        systems: 'mysql-cluster',
        workload: 'write-heavy',
        nemesis: 'partition-isolate,kill',
        seed: '3',
      });
      expect(results.systems[0]!.engine).toMatch(/^MySQL NDB Cluster/);
      expect(verdicts(results.matrix[0]!)).toMatchObject({
        lostWrites: 'good',
        converged: 'yes',
        minority: 'refused',
      });
    },
    600_000,
  );
});
