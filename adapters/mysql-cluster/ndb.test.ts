import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingProvider } from '../../test/fake-provider.ts';
import { tempDir } from '../../test/temp-dirs.ts';
import { SOCKETS } from './my-cnf.ts';
import { NdbCluster } from './ndb.ts';

describe('the NDB cluster bring-up, up to its first start', () => {
  it("reads the image's mysql account, writes each host's files, initializes each SQL node, then starts every host's script", async () => {
    const { provider, launches, tools } = recordingProvider({
      answers: {
        id: `uid=${process.getuid?.() ?? 0}(mysql) gid=${process.getgid?.() ?? 0}(mysql)`,
      },
    });
    const dir = tempDir('fl-ndb-');
    const cluster = new NdbCluster(
      { nodes: 3, dir, settings: {}, provider, image: 'mysql/mysql-cluster:8.4' },
      3306,
    );
    await expect(cluster.create()).rejects.toThrow(/did not start \(exited\)/);
    expect(tools.map((t) => [t.node, t.program, t.args.at(-2)])).toEqual([
      ['n1', 'id', undefined],
      ['n1', 'mysqld', '--initialize-insecure'],
      ['n2', 'mysqld', '--initialize-insecure'],
      ['n3', 'mysqld', '--initialize-insecure'],
    ]);
    expect(readFileSync(join(dir, 'n1', 'config.ini'), 'utf8')).toMatch(/NoOfReplicas=3/);
    for (const n of ['n1', 'n2', 'n3']) {
      expect(existsSync(join(dir, n, 'my.cnf')), n).toBe(true);
      expect(existsSync(join(dir, n, 'start.sh')), n).toBe(true);
    }
    expect(readFileSync(join(dir, 'n1', 'start.sh'), 'utf8')).toContain('ndb_mgmd');
    expect(readFileSync(join(dir, 'n2', 'start.sh'), 'utf8')).not.toContain('ndb_mgmd');
    expect(launches.map((l) => [l.launch.program, l.launch.args])).toEqual(
      ['n1', 'n2', 'n3'].map((n) => ['bash', [join(dir, n, 'start.sh')]]),
    );
    expect(launches[0]!.launch.shared).toEqual([SOCKETS]);
    await cluster.teardown();
  });
});
