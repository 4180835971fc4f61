import { describe, expect, it } from 'vitest';
import type { NodeHandle } from '../types.ts';
import { formed, launchEnv, localIni, vmArgs } from './apache-files.ts';

const node = (n: number): NodeHandle => ({
  id: `n${n}`,
  host: `10.213.15.${n}`,
  port: 5984,
  clientAddress: `10.213.15.${100 + n}`,
});
const nodes = [node(1), node(2), node(3)];
const dir = '/runs/r/nodes/couchdb/n2';

describe('the Apache CouchDB node files', () => {
  it("vm.args: the node's Erlang name at its own address, the cluster's cookie, one distribution port", () => {
    const args = vmArgs(nodes[1]!, 'c00k1e').split('\n');
    expect(args).toContain('-name couchdb@10.213.15.2');
    expect(args).toContain('-setcookie c00k1e');
    expect(args).toContain('-kernel inet_dist_listen_min 9100');
    expect(args).toContain('-kernel inet_dist_listen_max 9100');
  });

  it("local.ini: data in the node's folder, HTTP on its address, the cluster's q and n", () => {
    const ini = localIni(nodes[1]!, dir, { q: 2, n: 3, uuid: 'u1' });
    expect(ini).toContain('database_dir = /runs/r/nodes/couchdb/n2/data');
    expect(ini).toMatch(/\[chttpd\]\nbind_address = 10\.213\.15\.2\nport = 5984/);
    expect(ini).toMatch(/\[cluster\]\nq = 2\nn = 3/);
    expect(ini).toMatch(/\[admins\]\nfaultline = faultline/);
  });

  it("the launcher reads the node's files after the image's default.ini", () => {
    expect(launchEnv(dir)).toEqual({
      COUCHDB_ARGS_FILE: '/runs/r/nodes/couchdb/n2/vm.args',
      ERL_FLAGS: '-couch_ini /opt/couchdb/etc/default.ini /runs/r/nodes/couchdb/n2/local.ini',
    });
  });

  it('formed once every node is a member and connected, as /_membership says', () => {
    const names = nodes.map((n) => `couchdb@${n.host}`);
    expect(formed({ all_nodes: names, cluster_nodes: names }, nodes)).toBe(true);
    // Added to the membership but not connected yet (or cut off).
    expect(formed({ all_nodes: names.slice(0, 2), cluster_nodes: names }, nodes)).toBe(false);
    expect(formed({ all_nodes: names, cluster_nodes: names.slice(1) }, nodes)).toBe(false);
    expect(formed({}, nodes)).toBe(false);
  });
});
