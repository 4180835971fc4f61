import { join } from 'node:path';
import type { NodeHandle } from '../types.ts';
import type { CouchAuth } from './http.ts';

/**
 * The files of an Apache CouchDB 3 node as faultline starts it in the
 * official `couchdb` image, all in the node's folder (the image's own
 * /opt/couchdb/etc is left as shipped): its Erlang VM arguments
 * (COUCHDB_ARGS_FILE) and its local.ini, read after the image's
 * default.ini (ERL_FLAGS -couch_ini).
 */

/** The installation in the official image. */
export const COUCHDB_HOME = '/opt/couchdb';

/** Erlang distribution between the nodes: epmd, and one fixed port for the nodes' own links. */
export const DIST_PORTS = { epmd: 4369, node: 9100 } as const;

/** Every node's Erlang name: `couchdb@<its address>`, the name the cluster's membership lists. */
export const erlangName = (node: NodeHandle) => `couchdb@${node.host}`;

/** The account of the run (there is no one else on the run's network). */
export const APACHE_AUTH: CouchAuth = { user: 'faultline', password: 'faultline' };

/** vm.args: its name, the cluster's cookie, one distribution port, CouchDB's own VM flags. */
export function vmArgs(node: NodeHandle, cookie: string): string {
  return `${[
    `-name ${erlangName(node)}`,
    `-setcookie ${cookie}`,
    `-kernel inet_dist_listen_min ${DIST_PORTS.node}`,
    `-kernel inet_dist_listen_max ${DIST_PORTS.node}`,
    // A partition is CouchDB's to survive: Erlang must not cut other links to "help".
    '-kernel prevent_overlapping_partitions false',
    '-kernel error_logger silent',
    '-sasl sasl_error_logger false',
    '+K true',
    '+A 16',
    '+Bd',
    '-noinput',
  ].join('\n')}\n`;
}

/**
 * local.ini: data in the node's folder, HTTP on its own address, the
 * run's admin and secret (the same on every node, so a session cookie of
 * one is good on all), and the cluster's shape: q shards of every database,
 * n copies of each shard.
 */
export function localIni(
  node: NodeHandle,
  dir: string,
  shape: { q: number; n: number; uuid: string },
): string {
  return `${[
    '[couchdb]',
    `database_dir = ${join(dir, 'data')}`,
    `view_index_dir = ${join(dir, 'data')}`,
    `uuid = ${shape.uuid}`,
    '',
    '[chttpd]',
    `bind_address = ${node.host}`,
    `port = ${node.port}`,
    '',
    '[chttpd_auth]',
    `secret = ${shape.uuid}`,
    '',
    '[cluster]',
    `q = ${shape.q}`,
    `n = ${shape.n}`,
    '',
    '[log]',
    'writer = stderr',
    'level = warning',
    '',
    '[admins]',
    `${APACHE_AUTH.user} = ${APACHE_AUTH.password}`,
  ].join('\n')}\n`;
}

/** The environment that points the image's launcher at the node's own files. */
export function launchEnv(dir: string): Record<string, string> {
  return {
    COUCHDB_ARGS_FILE: join(dir, 'vm.args'),
    ERL_FLAGS: `-couch_ini ${COUCHDB_HOME}/etc/default.ini ${join(dir, 'local.ini')}`,
  };
}

/** True when a node's `/_membership` lists every node of the cluster as connected. */
export function formed(
  membership: { all_nodes?: string[]; cluster_nodes?: string[] },
  nodes: readonly NodeHandle[],
): boolean {
  const names = nodes.map(erlangName);
  return names.every(
    (name) => membership.all_nodes?.includes(name) && membership.cluster_nodes?.includes(name),
  );
}
