import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingProvider } from '../../test/fake-provider.ts';
import { tempDir } from '../../test/temp-dirs.ts';
import { ApacheCouchCluster } from './apache-cluster.ts';
import { couchSettings } from './settings.ts';

describe('the Apache CouchDB cluster bring-up, up to its first start', () => {
  it("starts the image's couchdb on every node with the node's own vm.args and local.ini, one cookie for all", async () => {
    const { provider, launches } = recordingProvider();
    const dir = tempDir('fl-couch-');
    const cluster = new ApacheCouchCluster(
      { nodes: 3, dir, settings: {}, provider, image: 'couchdb:3' },
      couchSettings.parse({}),
    );
    await expect(cluster.create()).rejects.toThrow(/did not start \(exited\)/);
    expect(launches.map((l) => [l.launch.program, l.launch.env?.COUCHDB_ARGS_FILE])).toEqual(
      ['n1', 'n2', 'n3'].map((n) => ['/opt/couchdb/bin/couchdb', join(dir, n, 'vm.args')]),
    );
    const cookies = ['n1', 'n2', 'n3'].map(
      (n) => /-setcookie (\S+)/.exec(readFileSync(join(dir, n, 'vm.args'), 'utf8'))?.[1],
    );
    expect(new Set(cookies).size).toBe(1);
    expect(existsSync(join(dir, 'n3', 'local.ini'))).toBe(true);
    expect(readFileSync(join(dir, 'n2', 'local.ini'), 'utf8')).toMatch(/q = 2\nn = 3/);
    await cluster.teardown();
  });
});
