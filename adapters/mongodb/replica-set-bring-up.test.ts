import { describe, expect, it } from 'vitest';
import { recordingProvider } from '../../test/fake-provider.ts';
import { tempDir } from '../../test/temp-dirs.ts';
import { MongoReplicaSet } from './replica-set.ts';
import { mongoSettings } from './settings.ts';

describe('the replica set bring-up, up to its first start', () => {
  it('starts one mongod per node, each in the set rs0 at its own address and folder', async () => {
    const { provider, launches } = recordingProvider();
    const dir = tempDir('fl-rs-');
    const cluster = new MongoReplicaSet(
      { nodes: 3, dir, settings: {}, provider, image: 'mongo:7' },
      mongoSettings.parse({}),
    );
    await expect(cluster.create()).rejects.toThrow(/did not start \(exited\)/);
    expect(launches.map((l) => l.node)).toEqual(['n1', 'n2', 'n3']);
    for (const { node, launch } of launches) {
      const host = cluster.nodes.find((n) => n.id === node)!.host;
      expect(launch.program).toBe('mongod');
      expect(launch.args.join(' ')).toContain(`--replSet rs0 --bind_ip ${host} --port 27017`);
      expect(launch.args.join(' ')).toContain(`--dbpath ${dir}/${node}/data`);
    }
    await cluster.teardown();
  });
});
