import { describe, expect, it } from 'vitest';
import type { NodeHandle } from '../types.ts';
import { allDataNodesStarted, ndbConfigIni, ndbMyCnf, ndbStartScript } from './ndb-files.ts';

const host = (n: number): NodeHandle => ({
  id: `n${n}`,
  host: `10.213.16.${n}`,
  port: 3306,
  clientAddress: `10.213.16.${100 + n}`,
});
const hosts = [host(1), host(2), host(3)];
const dirOf = (n: NodeHandle) => `/runs/r/nodes/mysql-cluster/${n.id}`;

/** A config.ini's sections, each as its key=value map. */
function sections(ini: string): { name: string; keys: Record<string, string> }[] {
  return ini.split(/\n(?=\[)/).map((block) => {
    const [head, ...lines] = block.trim().split('\n');
    const keys = Object.fromEntries(
      lines.filter((l) => l.includes('=')).map((l) => l.split('=', 2) as [string, string]),
    );
    return { name: head!.replace(/[[\]]/g, ''), keys };
  });
}

describe('the NDB cluster files', () => {
  it('config.ini: one node group (a replica per host), the management server on n1, a data and an SQL node per host', () => {
    const parts = sections(ndbConfigIni(hosts, dirOf));
    expect(parts.find((p) => p.name === 'ndbd default')!.keys).toMatchObject({
      NoOfReplicas: '3',
      StopOnError: '0',
    });
    expect(parts.filter((p) => p.name === 'ndb_mgmd').map((p) => p.keys.HostName)).toEqual([
      '10.213.16.1',
    ]);
    const data = parts.filter((p) => p.name === 'ndbd');
    expect(data.map((p) => [p.keys.NodeId, p.keys.HostName])).toEqual([
      ['11', '10.213.16.1'],
      ['12', '10.213.16.2'],
      ['13', '10.213.16.3'],
    ]);
    expect(data[1]!.keys.DataDir).toBe('/runs/r/nodes/mysql-cluster/n2/ndb');
    expect(parts.filter((p) => p.name === 'mysqld').map((p) => p.keys.NodeId)).toEqual([
      '21',
      '22',
      '23',
    ]);
  });

  it('refuses more hosts than NDB keeps replicas', () => {
    expect(() => ndbConfigIni([...hosts, host(4), host(5)], dirOf)).toThrow(/at most 4/);
  });

  it("my.cnf: the SQL node's id matches config.ini's, on its own address, NDB by default", () => {
    const cnf = ndbMyCnf(hosts[1]!, 1, hosts[0]!, dirOf(hosts[1]!));
    expect(cnf).toContain('ndb-nodeid=22');
    expect(cnf).toContain('ndb-connectstring=10.213.16.1:1186');
    expect(cnf).toContain('bind-address=10.213.16.2');
    expect(cnf).toContain('default_storage_engine=ndbcluster');
  });

  it('the start script: the management server on n1 only; --initial on the first start only; mysqld in the foreground', () => {
    const first = ndbStartScript(0, hosts[0]!, dirOf(hosts[0]!), dirOf(hosts[0]!));
    const second = ndbStartScript(1, hosts[0]!, dirOf(hosts[1]!), undefined);
    expect(first).toMatch(/^ndb_mgmd .*--ndb-nodeid=1 /m);
    expect(second).not.toContain('ndb_mgmd');
    expect(second).toMatch(/^ndbmtd .*--ndb-nodeid=12 \$initial &$/m);
    expect(second).toContain('if [ ! -e /runs/r/nodes/mysql-cluster/n2/ndb/.faultline-started ]');
    expect(second.trim().split('\n').pop()).toBe(
      'exec mysqld --defaults-file=/runs/r/nodes/mysql-cluster/n2/my.cnf',
    );
  });

  it('the cluster is formed once every data node is STARTED', () => {
    const rows = [
      { node_id: 11, status: 'STARTED' },
      { node_id: 12, status: 'STARTED' },
      { node_id: 13, status: 'STARTING' },
    ];
    expect(allDataNodesStarted(rows, 3)).toBe(false);
    expect(allDataNodesStarted([...rows.slice(0, 2), { node_id: 13, status: 'STARTED' }], 3)).toBe(
      true,
    );
  });
});
