import { join } from 'node:path';
import type { NodeHandle } from '../types.ts';
import { ownPlace } from './my-cnf.ts';

/**
 * The files of a MySQL NDB Cluster where each node is one host: a data
 * node (ndbmtd) and an SQL node (mysqld) on every host, the management
 * server (ndb_mgmd) beside them on the first. Node ids: 1 the management
 * server, 10+n the data node of host n, 20+n its SQL node.
 */
export const NDB_PORTS = { management: 1186, data: 11860 } as const;

/** NDB's heartbeat between data nodes; a node missing 4 in a row is declared dead. */
export const HEARTBEAT_MS = 500;

export const dataNodeId = (index: number) => 11 + index;
export const sqlNodeId = (index: number) => 21 + index;

/**
 * config.ini of the management server: one node group holding every
 * host's data node, each row on all of them (NoOfReplicas = hosts, up to
 * NDB's 4), small memory (several hosts share one machine), and
 * StopOnError off, so a data node shut down by arbitration is restarted
 * by its angel process and rejoins after a heal, as an operator's would.
 */
export function ndbConfigIni(
  hosts: readonly NodeHandle[],
  dirOf: (n: NodeHandle) => string,
): string {
  if (hosts.length < 1 || hosts.length > 4)
    throw new Error(`NDB keeps at most 4 replicas of a row: 1 to 4 hosts (got ${hosts.length})`);
  const lines = [
    '[ndbd default]',
    `NoOfReplicas=${hosts.length}`,
    'DataMemory=96M',
    'StopOnError=0',
    `HeartbeatIntervalDbDb=${HEARTBEAT_MS}`,
    `HeartbeatIntervalDbApi=${HEARTBEAT_MS}`,
    `ServerPort=${NDB_PORTS.data}`,
    '',
    '[ndb_mgmd]',
    'NodeId=1',
    `HostName=${hosts[0]!.host}`,
    `PortNumber=${NDB_PORTS.management}`,
    `DataDir=${join(dirOf(hosts[0]!), 'mgm')}`,
    // The management server arbitrates a cut that splits the data nodes evenly.
    'ArbitrationRank=1',
  ];
  hosts.forEach((host, i) => {
    lines.push('', '[ndbd]', `NodeId=${dataNodeId(i)}`, `HostName=${host.host}`);
    lines.push(`DataDir=${join(dirOf(host), 'ndb')}`);
  });
  hosts.forEach((host, i) => {
    lines.push('', '[mysqld]', `NodeId=${sqlNodeId(i)}`, `HostName=${host.host}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The SQL node's my.cnf: NDB the default engine, its own address, its socket in the shared folder. */
export function ndbMyCnf(
  host: NodeHandle,
  index: number,
  management: NodeHandle,
  dir: string,
): string {
  return `${[
    ...ownPlace(host, dir),
    'mysqlx=OFF',
    'ndbcluster',
    `ndb-connectstring=${management.host}:${NDB_PORTS.management}`,
    `ndb-nodeid=${sqlNodeId(index)}`,
    'ndb-wait-connected=60',
    'ndb-wait-setup=60',
    'default_storage_engine=ndbcluster',
    'max_connections=1000',
  ].join('\n')}\n`;
}

/**
 * The host's start script (bash, in the image): the management server on
 * the first host, the data node (`--initial` on its very first start only:
 * later starts recover from its own files), then the SQL node in the
 * foreground, so the container lives as long as mysqld. Every value in it
 * is faultline's own (addresses of its plan, folders of the run).
 */
export function ndbStartScript(
  index: number,
  management: NodeHandle,
  dir: string,
  configDir: string | undefined,
): string {
  const mgm = configDir
    ? [
        `mkdir -p ${configDir}/mgm`,
        `ndb_mgmd --nodaemon --config-file=${configDir}/config.ini --configdir=${configDir}/mgm --ndb-nodeid=1 --initial &`,
        `until ndb_mgm --ndb-connectstring=${management.host}:${NDB_PORTS.management} -e show >/dev/null 2>&1; do sleep 0.2; done`,
      ]
    : [];
  return `${[
    '#!/bin/bash',
    '# One NDB host, written by faultline for this run.',
    'set -u',
    ...mgm,
    `mkdir -p ${dir}/ndb`,
    'initial=',
    `if [ ! -e ${dir}/ndb/.faultline-started ]; then initial=--initial; touch ${dir}/ndb/.faultline-started; fi`,
    `ndbmtd --nodaemon --ndb-connectstring=${management.host}:${NDB_PORTS.management} --ndb-nodeid=${dataNodeId(index)} $initial &`,
    `exec mysqld --defaults-file=${dir}/my.cnf`,
  ].join('\n')}\n`;
}

/** The SQL node's `ndbinfo.nodes` rows: started data nodes. */
export function allDataNodesStarted(
  rows: readonly { node_id: number; status: string }[],
  hosts: number,
): boolean {
  const started = new Set(rows.filter((r) => r.status === 'STARTED').map((r) => r.node_id));
  return Array.from({ length: hosts }, (_, i) => dataNodeId(i)).every((id) => started.has(id));
}
