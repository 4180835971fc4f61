import { describe, expect, it } from 'vitest';
import { localImage } from '../core/provider.ts';
import { WORKLOADS } from '../workloads/index.ts';
import { SYSTEMS } from './index.ts';
import { capabilitiesOf } from './types.ts';

describe('the registry', () => {
  it("gives each workload's client kind to at least one system, and the built-in store the key-value kinds", () => {
    for (const spec of Object.values(WORKLOADS)) {
      const kind = spec.create({ keys: 1, seed: 1 }).client;
      expect(
        Object.values(SYSTEMS).some((s) => s.clients[kind]),
        `${spec.name} (${kind})`,
      ).toBe(true);
    }
    expect(Object.keys(SYSTEMS.dynamo!.clients).sort()).toEqual(['kv', 'register', 'set']);
  });

  it("says what a system offers as its clients' kinds and its features", () => {
    expect(capabilitiesOf(SYSTEMS['redis-cluster']!).sort()).toEqual(
      ['bank', 'cas', 'counter', 'kv', 'list-append', 'register', 'replica-read', 'set'].sort(),
    );
    // cas is a feature of a register client: a system without one cannot claim it.
    for (const system of Object.values(SYSTEMS))
      if (system.features.includes('cas'))
        expect(system.clients.register, system.name).toBeDefined();
  });

  it('on an image, a system stays its row (name, claims) and says which engine runs: official images give the rows no local image may claim', () => {
    for (const system of Object.values(SYSTEMS)) {
      const local = system.onImage?.(localImage(system.image)) ?? system;
      expect(local.engine, system.name).toBe(system.engine);
      if (!system.officialImage) continue;
      const official = system.onImage?.(system.officialImage) ?? system;
      expect(official.name).toBe(system.name);
      expect(official.claims).toEqual(system.claims);
      expect(official.engine, system.name).toContain(system.officialImage);
    }
    const mongo = SYSTEMS.mongodb!;
    expect(mongo.engine).toMatch(/not mongod/);
    const replicaSet = mongo.onImage!('mongo:7');
    expect(replicaSet.engine).toMatch(/^MongoDB replica set \(mongod/);
    expect(replicaSet.defaultNodes).toBe(3);
    expect(Object.keys(replicaSet.clients)).toEqual(
      expect.arrayContaining(['bank', 'list-append']),
    );
    expect(SYSTEMS['mysql-cluster']!.engine).toMatch(/^MariaDB Galera/);
    expect(SYSTEMS['mysql-cluster']!.onImage!('mysql/mysql-cluster:8.4').engine).toMatch(
      /^MySQL NDB Cluster/,
    );
    expect(SYSTEMS['mysql-cluster']!.onImage!('mariadb:11').engine).toMatch(/^MariaDB Galera/);
    expect(SYSTEMS.couchdb!.onImage!('couchdb:3').engine).toMatch(/^Apache CouchDB cluster/);
    expect(SYSTEMS.couchdb!.engine).toMatch(/not Apache CouchDB/);
  });

  it('validates a row against the engine its image runs', () => {
    const settings = (name: string) => SYSTEMS[name]!.settings.parse({});
    const mongo = SYSTEMS.mongodb!;
    const on = (image: string, nodes: number) =>
      (mongo.onImage!(image) ?? mongo).validate?.({
        nodes,
        settings: settings('mongodb'),
        provider: 'docker',
        image,
      });
    // Before the image is chosen, docker may yet run a replica set.
    expect(
      mongo.validate!({ nodes: 3, settings: settings('mongodb'), provider: 'docker' }),
    ).toBeUndefined();
    expect(on('faultline/ferretdb:local', 3)).toMatch(/single node/);
    expect(on('mongo:7', 3)).toBeUndefined();
    expect(on('mongo:7', 2)).toMatch(/odd number of voting members/);
    expect(
      SYSTEMS['mysql-cluster']!.onImage!('mysql/mysql-cluster:8.4').validate!({
        nodes: 5,
        settings: settings('mysql-cluster'),
        provider: 'docker',
        image: 'mysql/mysql-cluster:8.4',
      }),
    ).toMatch(/3 or 4 hosts/);
  });
});
