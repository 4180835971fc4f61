import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeHandle } from '../types.ts';
import { GALERA_PROVIDER } from './engine.ts';
import type { GaleraSettings } from './settings.ts';

/** Galera's ports beside the SQL port: group communication, state transfer, incremental transfer. */
export const GALERA_PORTS = { gcomm: 4567, sst: 4444, ist: 4568 } as const;

/**
 * The node's unix socket: outside its folder, whose path may be longer than
 * a socket path can be (107 bytes), named by a hash of the folder.
 */
export function socketPath(dir: string): string {
  const id = createHash('sha256').update(dir).digest('hex').slice(0, 16);
  return join(SOCKETS, `${id}.sock`);
}

/**
 * The sockets' folder, open to all with the sticky bit as /tmp is (the
 * server drops to `mysql`); shared with a node's container, so the harness
 * reaches the socket there too.
 */
export const SOCKETS = join(tmpdir(), 'faultline-mysqld');

/**
 * What every server's section starts with, MariaDB's or MySQL's: its own
 * folder for everything, its socket in the shared folder, its own address.
 */
export function ownPlace(node: NodeHandle, dir: string): string[] {
  return [
    '[mysqld]',
    'user=mysql',
    `datadir=${join(dir, 'data')}`,
    `socket=${socketPath(dir)}`,
    `pid-file=${join(dir, 'mysqld.pid')}`,
    `log-error=${join(dir, 'error.log')}`,
    `tmpdir=${join(dir, 'tmp')}`,
    `bind-address=${node.host}`,
    `port=${node.port}`,
    'skip-name-resolve',
    'performance_schema=OFF',
  ];
}

/** ISO 8601 duration, as Galera's provider options take them. */
const duration = (ms: number) => `PT${ms / 1000}S`;

/**
 * The server section every node shares: its own folder for everything, its
 * own address, and a small buffer pool (six servers share this machine).
 * `user=mysql`: rsync state transfer fails when mariadbd runs as root.
 */
function serverSection(node: NodeHandle, dir: string): string[] {
  return [
    ...ownPlace(node, dir),
    'innodb_buffer_pool_size=64M',
    'max_connections=1000',
    'binlog_format=ROW',
    'default_storage_engine=InnoDB',
  ];
}

/** A Galera node: synchronous multi-master replication among `peers`. */
export function galeraCnf(
  node: NodeHandle,
  peers: readonly NodeHandle[],
  dir: string,
  settings: GaleraSettings,
): string {
  const provider = [
    // Galera binds its outgoing sockets to these, so partitions by address cut them.
    `gmcast.listen_addr=tcp://${node.host}:${GALERA_PORTS.gcomm}`,
    `ist.recv_addr=${node.host}:${GALERA_PORTS.ist}`,
    `evs.suspect_timeout=${duration(settings.suspectTimeoutMs)}`,
    `evs.inactive_timeout=${duration(settings.inactiveTimeoutMs)}`,
    `evs.keepalive_period=${duration(Math.min(500, settings.suspectTimeoutMs / 4))}`,
    `evs.inactive_check_period=${duration(Math.min(500, settings.suspectTimeoutMs / 4))}`,
    `evs.install_timeout=${duration(settings.inactiveTimeoutMs)}`,
  ];
  return [
    ...serverSection(node, dir),
    'innodb_autoinc_lock_mode=2',
    'wsrep_on=ON',
    `wsrep_provider=${GALERA_PROVIDER}`,
    'wsrep_cluster_name=faultline',
    `wsrep_cluster_address=gcomm://${peers.map((p) => `${p.host}:${GALERA_PORTS.gcomm}`).join(',')}`,
    `wsrep_node_address=${node.host}:${GALERA_PORTS.gcomm}`,
    `wsrep_node_name=${node.id}`,
    `wsrep_sst_receive_address=${node.host}:${GALERA_PORTS.sst}`,
    'wsrep_sst_method=rsync',
    `wsrep_sync_wait=${settings.syncWait}`,
    `wsrep_provider_options="${provider.join(';')}"`,
    '',
  ].join('\n');
}

/**
 * A node of the async pair: binary log with GTIDs (strict, so a diverged
 * node stops replicating instead of silently mixing histories).
 */
export function asyncCnf(node: NodeHandle, serverId: number, dir: string): string {
  return [
    ...serverSection(node, dir),
    `server-id=${serverId}`,
    `log-bin=${join(dir, 'data', 'binlog')}`,
    `relay-log=${join(dir, 'data', 'relay')}`,
    'log_slave_updates=ON',
    'gtid_strict_mode=ON',
    'sync_binlog=1',
    '',
  ].join('\n');
}
